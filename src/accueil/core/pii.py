"""Masking of personal identifiers (NIR, IBAN, e-mail) before logs or any external call."""

from __future__ import annotations

import re

_NIR = re.compile(r"\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b", re.I)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def mask_nir(text: str) -> str:
    return _NIR.sub("[NIR masqué]", text)


def mask_iban(text: str) -> str:
    return _IBAN.sub("[IBAN masqué]", text)


def mask_email(text: str) -> str:
    return _EMAIL.sub("[e-mail masqué]", text)


def mask_pii(text: str, *, emails: bool = False) -> str:
    """Mask NIR and IBAN (and e-mails when asked) in free text."""
    masked = mask_iban(mask_nir(text))
    return mask_email(masked) if emails else masked
