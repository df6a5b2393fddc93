"""Identifiers in the digit view: NIR, IBAN, SIREN/SIRET, phone numbers, Urssaf account and letter references.

Digit groups separated by a space, a dot or a dash form one *run*; a run is typed by its length and
by the keyword just before it ("siret", "compte", "sécu"...). A number with a wrong checksum is kept
with valid=false, so that the dialogue can ask for it again.

Urssaf account number (a documented assumption, not an official specification): 18 digits, often
written "117 000001234567890" (3-digit organisation code + 15 digits), only when a keyword such as
"compte" or "cotisant" precedes it. Letter reference: "référence" or "réf." followed by a code of
6 to 24 letters, digits, "-" or "/", with at least one digit (e.g. "réf. MED-2025-000123").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from accueil.understanding.entities.types import Candidate, EntityType
from accueil.understanding.entities.validators import (
    is_valid_iban,
    is_valid_nir,
    is_valid_siren,
    is_valid_siret,
    mask_iban,
    mask_nir,
)

_SEP = r"[ .\-\u00a0\u202f]?"
_NIR = re.compile(
    rf"(?<![\w+])([1-478]){_SEP}(\d\d){_SEP}(\d\d){_SEP}(\d\d|2[ABab]){_SEP}(\d{{3}}){_SEP}(\d{{3}})"
    rf"(?:{_SEP}(\d\d))?(?![\w])"
)
_IBAN = re.compile(
    r"(?<![\w])([A-Za-z]{2}\d\d(?:[ \u00a0]?[A-Za-z0-9]{4}){2,7}(?:[ \u00a0]?[A-Za-z0-9]{1,4})?)(?![\w])"
)
_RUN = re.compile(r"(?<![\w+,])\d+(?:[ .\-\u00a0\u202f]\d+)*(?![\w]|[.,]\d)")
_INTL_PHONE = re.compile(r"(?<![\w+])(?:\+|00)\s?33\s?(?:\(0\)\s?)?([1-9](?:[ .\-]?\d\d){4})(?![\w])")
_REFERENCE = re.compile(
    r"\b(?:r[ée]f[ée]rence|r[ée]f\.?)\s*(?:(?:du|de|de la|de votre|de mon|de ma|de la)\s+(?:lettre|courrier)\s*)?"
    r"(?:n\s?[°º]|num[ée]ro)?\s*:?\s*([A-Za-z0-9][A-Za-z0-9\-/]{4,22}[A-Za-z0-9])(?![\w])",
    re.IGNORECASE,
)
_NIR_CONTEXT = re.compile(r"(s[ée]cu|s[ée]curit[ée] sociale|\bnir\b|insee|num[ée]ro social)", re.IGNORECASE)
_CONTEXT = re.compile(r"\b(siret|siren|compte|cotisant|t[ée]l[ée]phone|t[ée]l|portable|mobile)\b", re.IGNORECASE)


def _context(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - width) : start].lower()


def find_nir(text: str) -> Iterator[Candidate]:
    for match in _NIR.finditer(text):
        sex, year, month, dept, commune, order, key = match.groups()
        body = f"{sex}{year}{month}{dept}{commune}{order}".upper()
        if key is None and not _NIR_CONTEXT.search(_context(text, match.start(), 60)):
            continue  # 13 bare digits are too common to be a NIR without a keyword
        if key is None and sex not in "12":
            continue
        nir = body + (key or "")
        yield Candidate(EntityType.NIR, mask_nir(nir), match.start(), match.end(), is_valid_nir(nir))


def find_iban(text: str) -> Iterator[Candidate]:
    for match in _IBAN.finditer(text):
        iban = re.sub(r"\s", "", match.group(1)).upper()
        if sum(c.isdigit() for c in iban) < 10:
            continue  # words that only look like an IBAN
        yield Candidate(EntityType.IBAN, mask_iban(iban), match.start(), match.end(), is_valid_iban(iban))


def find_international_phones(text: str) -> Iterator[Candidate]:
    for match in _INTL_PHONE.finditer(text):
        digits = "0" + re.sub(r"\D", "", match.group(1))
        yield Candidate(EntityType.PHONE, digits, match.start(), match.end(), len(digits) == 10)


def find_digit_runs(text: str) -> Iterator[Candidate]:
    for match in _RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        candidate = _type_run(digits, _context(text, match.start()), match.start(), match.end())
        if candidate is not None:
            yield candidate


def _type_run(digits: str, context: str, start: int, end: int) -> Candidate | None:
    keywords = _CONTEXT.findall(context)
    keyword = keywords[-1].lower() if keywords else ""
    size = len(digits)
    if (keyword == "siret" and size >= 6) or size == 14:
        return Candidate(EntityType.SIRET, digits, start, end, is_valid_siret(digits))
    if keyword == "siren" and size >= 6:
        return Candidate(EntityType.SIREN, digits, start, end, is_valid_siren(digits))
    if keyword in {"compte", "cotisant"} and size == 18:
        return Candidate(EntityType.ACCOUNT_NUMBER, digits, start, end, True)
    if size == 10 and digits.startswith("0"):
        return Candidate(EntityType.PHONE, digits, start, end, digits[1] != "0")
    if keyword in {"compte", "cotisant"} and size >= 6:
        return Candidate(EntityType.ACCOUNT_NUMBER, digits, start, end, False)
    if keyword and size >= 8:
        return Candidate(EntityType.PHONE, digits, start, end, False)  # a phone number with digits missing
    if size == 9:
        return Candidate(EntityType.SIREN, digits, start, end, is_valid_siren(digits))
    return None


def find_references(text: str) -> Iterator[Candidate]:
    for match in _REFERENCE.finditer(text):
        code = match.group(1)
        if not any(c.isdigit() for c in code):
            continue
        yield Candidate(EntityType.LETTER_REFERENCE, code.upper(), match.start(1), match.end(1), True)
