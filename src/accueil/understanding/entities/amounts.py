"""Amounts in euros ("1 250,50 €", "1.250 euros", "12€50", "mille deux cents euros") and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from accueil.understanding.entities.types import Candidate, EntityType

_NUMBER = r"(\d{1,3}(?:[ .\u00a0\u202f]\d{3})+|\d+)(?:[,.](\d{1,2}))?"
_CURRENCY = r"(?:€|euros?\b|eur\b|EUR\b)"
_CENTS = r"(?:\s?(?:et\s)?(\d{1,2})\s?(?:centimes?|cts?)\b|(?<=€)(\d\d)(?![\w])|\s?(\d{2})(?=\s*(?:$|[.,;!?)])))"
_AMOUNT_AFTER = re.compile(rf"(?<![\w.,]){_NUMBER}\s?{_CURRENCY}(?:{_CENTS})?", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(rf"€\s?{_NUMBER}(?![\w.,])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")


def _decimal(integer: str, decimals: str | None = None, cents: str | None = None) -> str:
    """ "1 250" + "5" (a decimal part) -> "1250.50"; "150" + cents "5" (5 centimes) -> "150.05"."""
    units = int(re.sub(r"\D", "", integer))
    hundredths = decimals.ljust(2, "0") if decimals else (cents or "0").zfill(2)
    return f"{units}.{hundredths}"


def find_amounts(text: str) -> Iterator[Candidate]:
    for match in _AMOUNT_AFTER.finditer(text):
        integer, decimals, cents_words, cents_attached, cents_tail = match.groups()
        yield Candidate(
            EntityType.AMOUNT,
            _decimal(integer, decimals, cents_words or cents_attached or cents_tail),
            match.start(),
            match.end(),
            True,
        )
    for match in _AMOUNT_BEFORE.finditer(text):
        yield Candidate(EntityType.AMOUNT, _decimal(match.group(1), match.group(2)), match.start(), match.end(), True)


def find_emails(text: str) -> Iterator[Candidate]:
    for match in _EMAIL.finditer(text):
        yield Candidate(EntityType.EMAIL, match.group().lower(), match.start(), match.end(), True)
