"""Checksums and masking of identifiers, with valid and invalid numbers."""

from __future__ import annotations

import pytest

from accueil.understanding.entities.validators import (
    is_valid_iban,
    is_valid_nir,
    is_valid_siren,
    is_valid_siret,
    luhn_ok,
    mask_iban,
    mask_nir,
    nir_key,
)


@pytest.mark.parametrize(
    ("siren", "valid"),
    [("732829320", True), ("552100554", True), ("732829321", False), ("12345678", False), ("73282932A", False)],
)
def test_siren(siren: str, valid: bool) -> None:
    assert is_valid_siren(siren) is valid


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),
        ("55210055400013", True),
        ("73282932000075", False),
        ("12345678901234", False),
        ("35600000000048", True),  # La Poste head office (Luhn)
        ("35600000049837", True),  # La Poste establishment: digit sum multiple of 5, not Luhn
        ("35600000049838", False),
        ("7328293200007", False),
    ],
)
def test_siret(siret: str, valid: bool) -> None:
    assert is_valid_siret(siret) is valid


def test_luhn_rejects_non_digits() -> None:
    assert luhn_ok("79927398713") and not luhn_ok("79927398710") and not luhn_ok("7992a")


def _nir(body: str) -> str:
    return f"{body}{nir_key(body):02d}"


def test_nir_key_and_validity() -> None:
    body = "1850578006084"
    assert nir_key(body) == 91
    assert is_valid_nir(_nir(body))
    assert not is_valid_nir(body + "36")
    assert not is_valid_nir(_nir("1851378006084"))  # month 13 does not exist


@pytest.mark.parametrize("department", ["2A", "2B"])
def test_nir_corsica(department: str) -> None:
    body = f"26905{department}123456"
    numeric = int(body.replace(department, "19" if department == "2A" else "18"))
    assert nir_key(body) == 97 - numeric % 97
    assert is_valid_nir(_nir(body))
    assert is_valid_nir(_nir(body).lower())
    assert not is_valid_nir(body + "00")


def test_nir_mask_keeps_only_the_key() -> None:
    assert mask_nir("185057800608491") == "* ** ** ** *** *** 91"


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("FR7630006000011234567890189", True),
        ("fr7630006000011234567890189", True),
        ("DE89370400440532013000", True),
        ("GB82WEST12345698765432", True),
        ("FR7630006000011234567890188", False),
        ("FR763000600001123456789018", False),  # wrong length for France
        ("XX00", False),
    ],
)
def test_iban(iban: str, valid: bool) -> None:
    assert is_valid_iban(iban) is valid


def test_iban_mask_keeps_country_and_last_four() -> None:
    masked = mask_iban("FR7630006000011234567890189")
    assert masked == "FR** **** **** **** **** ***0 189"
    assert "3000 6000" not in masked
