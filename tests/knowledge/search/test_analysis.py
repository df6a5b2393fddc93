"""French analysis: elisions, accents, stems, stop words, acronyms and numbers (table-driven)."""

from __future__ import annotations

import pytest

from accueil.knowledge.search.analysis import analyse, fold, normalise_query, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'attestation", ["attest"]),
        ("L’attestation", ["attest"]),  # typographic apostrophe
        ("d'URSSAF", ["urssaf"]),
        ("qu'il déclare", ["declar"]),
        ("jusqu'au 31 janvier", ["31", "janvi"]),
        ("j'ai reçu une mise en demeure", ["recu", "mis", "demeur"]),
        ("n'est pas", []),
        ("s'inscrire", ["inscrir"]),
        ("c'est l'échéancier", ["echeanci"]),
        ("aujourd'hui", ["aujourdhui"]),
    ],
)
def test_elisions(text: str, expected: list[str]) -> None:
    assert analyse(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Échéancier", "echeancier"),
        ("délai de paiement", "DELAI DE PAIEMENT"),
        ("cotisations", "cotisation"),
        ("déclarer", "déclaration"),
        ("indépendants", "independant"),
        ("œuvre", "oeuvre"),
        ("payer", "paiement"),
    ],
)
def test_same_terms(a: str, b: str) -> None:
    assert analyse(a) == analyse(b) != []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour, comment faire pour obtenir une attestation ?", ["fair", "obten", "attest"]),
        ("le CA de la SARL", ["ca", "sarl"]),  # an acronym is never a stop word
        ("ça ne marche pas", ["march"]),
        ("DSN 2026 : taux de 6,45 %", ["dsn", "2026", "taux", "6", "45"]),
        ("micro-entrepreneur", ["micro", "entrepreneur"]),
        ("", []),
        ("!!! ??? …", []),
    ],
)
def test_stop_words_acronyms_numbers(text: str, expected: list[str]) -> None:
    assert analyse(text) == expected


def test_tokens_keep_offsets_of_the_original_text() -> None:
    text = "L'attestation de vigilance"
    found = [(text[t.start : t.end], t.term) for t in tokens(text)]
    assert found == [("attestation", "attest"), ("de", None), ("vigilance", "vigil")]


def test_fold_and_normalise_query() -> None:
    assert fold("Ça, c'est ÉTÉ") == "ca, c'est ete"
    assert normalise_query("  Délai   de PAIEMENT ?") == "delai de paiement"
