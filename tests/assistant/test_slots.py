"""Slot validation: what the usager types becomes a clean value or a French reason to ask again."""

from __future__ import annotations

import pytest

from accueil.assistant.slots import display, validate


@pytest.mark.parametrize(("slot", "text", "value", "error"), [
    ("siret", "732 829 320 00074", "73282932000074", ""),
    ("siret", "73282932000075", None, "n'est pas valide"),
    ("siret", "732829320", None, "SIREN"),
    ("siret", "je ne sais pas", None, "14 chiffres"),
    ("email", "Jean.Dupont@Exemple.fr", "jean.dupont@exemple.fr", ""),
    ("email", "jean@", None, "n'est pas valide"),
    ("period", "1er trimestre 2026", "2026-Q1", ""),
    ("period", "bientôt", None, "période"),
    ("account_number", "117 000 001 234", "117000001234", ""),
    ("account_number", "12", None, "6 à 20 chiffres"),
    ("public", "AE", "AE", ""),
    ("public", "astronaute", None, "Choisissez"),
    ("text", "   ", None, "vide"),
    ("text", "x" * 501, None, "trop longue"),
])
def test_validate(slot: str, text: str, value: str | None, error: str) -> None:
    result = validate(slot, text)
    assert result.value == value
    assert error in result.error


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-03", "mars 2026"), ("2026-Q1", "1er trimestre 2026"), ("2025-Q3", "3e trimestre 2025"),
    ("2026-S2", "2e semestre 2026"), ("2026", "l'année 2026"), ("2026-01-01", "1er janvier 2026"),
])
def test_period_display(value: str, shown: str) -> None:
    assert display("period", value) == shown
