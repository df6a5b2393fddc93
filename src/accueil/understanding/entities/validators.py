"""Checksums of French identifiers: SIREN/SIRET (Luhn), NIR (key 97 - n mod 97), IBAN (mod 97), and masking."""

from __future__ import annotations

from typing import Final

# SIRET of La Poste establishments do not follow Luhn: the sum of their digits is a multiple of 5.
LA_POSTE_SIREN: Final = "356000000"
IBAN_LENGTHS: Final[dict[str, int]] = {
    "FR": 27,
    "MC": 27,
    "DE": 22,
    "BE": 16,
    "ES": 24,
    "IT": 27,
    "LU": 20,
    "CH": 21,
    "GB": 22,
    "NL": 18,
    "PT": 25,
    "AT": 20,
    "IE": 22,
    "GP": 27,
    "MQ": 27,
    "RE": 27,
    "GF": 27,
    "YT": 27,
    "NC": 27,
    "PF": 27,
}


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def is_valid_siren(digits: str) -> bool:
    return len(digits) == 9 and luhn_ok(digits)


def is_valid_siret(digits: str) -> bool:
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith(LA_POSTE_SIREN):
        return luhn_ok(digits) or sum(int(c) for c in digits) % 5 == 0
    return luhn_ok(digits)


def nir_key(body: str) -> int:
    """The control key of the 13 first characters of a NIR; Corsica 2A/2B count as 19/18."""
    upper = body.upper()
    numeric = upper.replace("2A", "19", 1) if upper[5:7] == "2A" else upper
    numeric = numeric.replace("2B", "18", 1) if upper[5:7] == "2B" else numeric
    return 97 - int(numeric) % 97


def is_valid_nir(nir: str) -> bool:
    """15 characters: sex, year, month, department (2A/2B), commune, order, key."""
    nir = nir.upper()
    if len(nir) != 15 or nir[0] not in "12378" or not nir[13:].isdigit():
        return False
    body = nir[:13]
    if not (body[:5] + body[7:]).isdigit() or not (body[5:7].isdigit() or body[5:7] in {"2A", "2B"}):
        return False
    month = int(body[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return nir_key(body) == int(nir[13:])


def mask_nir(nir: str) -> str:
    """Only the key is kept: "* ** ** ** *** *** 42" (sex, birth and place are identifying)."""
    key = nir[13:15] if len(nir) >= 15 else "**"
    return f"* ** ** ** *** *** {key}"


def is_valid_iban(iban: str) -> bool:
    iban = iban.upper()
    if not (15 <= len(iban) <= 34) or not iban[:2].isalpha() or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def mask_iban(iban: str) -> str:
    """Country code and the last 4 characters kept, grouped by 4: "FR** **** … ***0 189"."""
    iban = iban.upper()
    masked = iban[:2] + "*" * max(len(iban) - 6, 0) + iban[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))
