"""Entity extraction: values, validity and offsets into the original text; sensitive values masked."""

from __future__ import annotations

from datetime import date

import pytest

from accueil.understanding.entities import extract_entities, mask_sensitive

TODAY = date(2026, 11, 27)  # a Friday


def _one(text: str, kind: str) -> tuple[str, bool, str]:
    found = [e for e in extract_entities(text, today=TODAY) if e.type.value == kind]
    assert len(found) == 1, (text, found)
    entity = found[0]
    return entity.value, entity.valid, text[entity.start : entity.end]


@pytest.mark.parametrize(
    ("text", "kind", "value", "valid", "span"),
    [
        ("Mon SIRET est 732 829 320 00074 merci", "siret", "73282932000074", True, "732 829 320 00074"),
        ("siret : 73282932000075", "siret", "73282932000075", False, "73282932000075"),
        ("siret 7328293200", "siret", "7328293200", False, "7328293200"),
        ("mon siren 732829320", "siren", "732829320", True, "732829320"),
        ("SIREN 732 829 321", "siren", "732829321", False, "732 829 321"),
        ("appelez le +33 6 12 34 56 78", "phone", "0612345678", True, "+33 6 12 34 56 78"),
        ("tél. 06.12.34.56.78", "phone", "0612345678", True, "06.12.34.56.78"),
        ("0033 1 23 45 67 89", "phone", "0123456789", True, "0033 1 23 45 67 89"),
        (
            "mon numéro zéro six douze trente-quatre cinquante-six soixante-dix-huit",
            "phone",
            "0612345678",
            True,
            "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        ),
        ("mon tel 06 12 34 56", "phone", "06123456", False, "06 12 34 56"),
        ("écrivez à Jean.Dupont@Example.FR svp", "email", "jean.dupont@example.fr", True, "Jean.Dupont@Example.FR"),
        ("je dois 1 250,50 € à l'Urssaf", "amount", "1250.50", True, "1 250,50 €"),
        ("environ 1.250 euros", "amount", "1250.00", True, "1.250 euros"),
        ("mille deux cents euros", "amount", "1200.00", True, "mille deux cents euros"),
        ("un reste de 12€50", "amount", "12.50", True, "12€50"),
        ("150 euros et 5 centimes", "amount", "150.05", True, "150 euros et 5 centimes"),
        ("numéro de compte 117 000001234567890", "account_number", "117000001234567890", True, "117 000001234567890"),
        ("mon compte cotisant 1234567", "account_number", "1234567", False, "1234567"),
        ("référence du courrier MED-2025-000123", "letter_reference", "MED-2025-000123", True, "MED-2025-000123"),
    ],
)
def test_entities(text: str, kind: str, value: str, valid: bool, span: str) -> None:
    assert _one(text, kind) == (value, valid, span)


@pytest.mark.parametrize(
    ("text", "value", "valid"),
    [
        ("rendez-vous le 15 mars", "2026-03-15", True),
        ("le 15/03/2026", "2026-03-15", True),
        ("le 15/03/25", "2025-03-15", True),
        ("2026-04-01", "2026-04-01", True),
        ("le 1er avril 2026", "2026-04-01", True),
        ("avant la fin du mois", "2026-11-30", True),
        ("fin du mois prochain", "2026-12-31", True),
        ("fin mars", "2026-03-31", True),
        ("lundi prochain", "2026-11-30", True),
        ("vendredi dernier", "2026-11-20", True),
        ("ce vendredi", "2026-11-27", True),
        ("demain", "2026-11-28", True),
        ("après-demain", "2026-11-29", True),
        ("hier", "2026-11-26", True),
        ("aujourd'hui", "2026-11-27", True),
        ("dans 3 jours", "2026-11-30", True),
        ("dans deux semaines", "2026-12-11", True),
        ("au début du mois prochain", "2026-12-01", True),
        ("le 31/02/2026", "2026-02-31", False),
    ],
)
def test_dates(text: str, value: str, valid: bool) -> None:
    assert _one(text, "date")[:2] == (value, valid)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pour le T1 2025", "2025-Q1"),
        ("2025 T3", "2025-Q3"),
        ("le 3e trimestre", "2026-Q3"),
        ("le troisième trimestre", "2026-Q3"),
        ("premier trimestre 2024", "2024-Q1"),
        ("le trimestre dernier", "2026-Q3"),
        ("le deuxième semestre 2025", "2025-S2"),
        ("mars 2025", "2025-03"),
        ("les cotisations de 03/2025", "2025-03"),
        ("mon revenu 2025", "2025"),
        ("le mois dernier", "2026-10"),
        ("l'année dernière", "2025"),
    ],
)
def test_periods(text: str, value: str) -> None:
    assert _one(text, "period")[:2] == (value, True)


def test_year_is_not_an_amount_and_an_amount_is_not_a_year() -> None:
    kinds = [(e.type.value, e.value) for e in extract_entities("j'ai payé 2025 euros en 2024", today=TODAY)]
    assert kinds == [("amount", "2025.00"), ("period", "2024")]


def test_nir_is_masked_and_checked() -> None:
    text = "mon numéro de sécu est 1 85 05 78 006 084 91, voilà"
    (entity,) = extract_entities(text, today=TODAY)
    assert entity.type.value == "nir" and entity.valid
    assert entity.value == "* ** ** ** *** *** 91"
    assert text[entity.start : entity.end] == "1 85 05 78 006 084 91"
    masked = mask_sensitive(text, [entity])
    assert "78 006" not in masked and masked.endswith("* ** ** ** *** *** 91, voilà")


def test_nir_with_invalid_key_is_kept_as_invalid() -> None:
    (entity,) = extract_entities("NIR 185057800608436", today=TODAY)
    assert (entity.type.value, entity.valid) == ("nir", False)


def test_corsican_nir() -> None:
    (entity,) = extract_entities("sécu 2 69 05 2A 123 456 19", today=TODAY)
    assert entity.type.value == "nir"
    assert entity.value.endswith(" 19")


def test_iban_is_masked_and_checked() -> None:
    text = "IBAN FR76 3000 6000 0112 3456 7890 189 merci"
    (entity,) = extract_entities(text, today=TODAY)
    assert (entity.type.value, entity.valid, entity.value) == ("iban", True, "FR** **** **** **** **** ***0 189")
    assert "3000 6000" not in mask_sensitive(text, [entity])
    (bad,) = extract_entities("FR76 3000 6000 0112 3456 7890 188", today=TODAY)
    assert bad.valid is False


def test_several_entities_in_reading_order_with_original_offsets() -> None:
    text = "Bonjour, SIRET 732 829 320 00074, je paierai mille deux cents euros le 15 mars, tel 0612345678."
    entities = extract_entities(text, today=TODAY)
    assert [e.type.value for e in entities] == ["siret", "amount", "date", "phone"]
    assert [text[e.start : e.end] for e in entities] == [
        "732 829 320 00074",
        "mille deux cents euros",
        "15 mars",
        "0612345678",
    ]


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "\x00\xff", "a" * 5000, "1" * 3000, "€€€ ,,, 12/"])
def test_bad_input_never_raises(text: str) -> None:
    assert isinstance(extract_entities(text, today=TODAY), list)
