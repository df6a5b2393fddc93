"""The French normaliser, table-driven."""

from __future__ import annotations

import pytest

from accueil.understanding.normalizer import canonical_key, normalize
from accueil.understanding.spelled import digit_view, words_to_digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jveux mon attestation svp", "je veux mon attestation si il vous plait"),
        ("J’ai pas reçu mon n° SIRET !!!", "je ai pas recu mon numero siret"),
        ("bcp de pb pr me connecter ke faire", "beaucoup de probleme pour me connecter que faire"),
        ("Aujourd'hui s'il vous plaît", "aujourdhui si il vous plait"),
        ("L'URSSAF ne répond pas", "le urssaf ne repond pas"),
        ("qu'il m'envoie l'échéancier", "que il me envoie le echeancier"),
        ("jusqu'à quand ?", "jusque a quand"),
        ("c pas normal g pas recu", "ce est pas normal je ai pas recu"),
        ("Merciiiii", "merci"),
        ("slt jsuis auto-entrepreneur", "salut je suis auto entrepreneur"),
        ("je dois mille deux cents euros", "je dois 1200 euros"),
        ("zéro six douze trente-quatre", "06 12 34"),
        ("le troisième trimestre", "le 3eme trimestre"),
        ("ÉCHÉANCIER", "echeancier"),
        ("😀🙂", ""),
        ("\x00\x01", ""),
        ("", ""),
    ],
)
def test_normalize_french(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_english_mode_keeps_words() -> None:
    assert normalize("I'd like to pay 3 bills, please!", french=False) == "i d like to pay 3 bills please"


def test_canonical_key_ignores_case_accents_and_punctuation() -> None:
    assert canonical_key("  Échéancier, SVP !") == canonical_key("echeancier svp") == "echeancier svp"


def test_words_to_digits_accepts_zero_without_accent() -> None:
    assert words_to_digits("zero six douze") == "06 12"


def test_digit_view_maps_back_to_original_offsets() -> None:
    text = "Appelez le zéro six douze trente-quatre cinquante-six soixante-dix-huit merci"
    view = digit_view(text)
    start = view.text.index("06")
    end = view.text.index("78") + 2
    original_start, original_end = view.original_span(start, end)
    assert text[original_start:original_end] == "zéro six douze trente-quatre cinquante-six soixante-dix-huit"


def test_digit_view_is_identity_without_number_words() -> None:
    view = digit_view("mon siret 123")
    assert view.text == "mon siret 123" and view.original_span(10, 13) == (10, 13)
