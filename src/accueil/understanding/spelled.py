"""Numbers written in words, turned into digits while keeping a map back to the original offsets.

`DigitView` is the text every entity extractor reads: "zéro six douze trente-quatre" becomes
"06 12 34", "mille deux cents euros" becomes "1200 euros", and every span found in the view is
mapped back to the characters of the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit, find_numbers

_TOKEN = re.compile(r"\w+|[^\w\s]")
_NUMBER_WORD = re.compile(
    r"z[ée]ro|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|"
    r"trente|quarante|cinquante|soixante|cent|mille|million|milliard|i[èe]me",
    re.IGNORECASE,
)
# Spellings that ASR or hurried typing produce and text2num does not know.
_SPELLING_FIXES = {
    "zero": "zéro",
    "zéros": "zéro",
    "deuxieme": "deuxième",
    "troisieme": "troisième",
    "quatrieme": "quatrième",
    "premiere": "première",
}


class _Token:
    """A token for text_to_num.find_numbers: its text is lower-cased, its offsets are the original ones."""

    __slots__ = ("end", "start", "value")

    def __init__(self, value: str, start: int, end: int) -> None:
        lowered = value.lower()
        self.value = _SPELLING_FIXES.get(lowered, lowered)
        self.start, self.end = start, end

    def text(self) -> str:
        return self.value

    def nt_separated(self, previous: _Token) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class DigitView:
    """The original text with spelled numbers replaced by digits, and the offset map back."""

    original: str
    text: str
    _starts: tuple[int, ...]
    _ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the view to the original text."""
        if start >= len(self._starts):
            return len(self.original), len(self.original)
        if end <= start:
            return self._starts[start], self._starts[start]
        return self._starts[start], self._ends[end - 1]


def digit_view(text: str) -> DigitView:
    """Build the view; spelled numbers are located with text2num (French), isolated small ones are kept."""
    if not _NUMBER_WORD.search(text):
        return DigitView(
            original=text, text=text, _starts=tuple(range(len(text))), _ends=tuple(range(1, len(text) + 1))
        )
    tokens = [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    try:
        occurrences = find_numbers(tokens, "fr") if tokens else []
    except Exception:  # text2num is robust, but a view must never break a parse
        occurrences = []
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0
    for occurrence in occurrences:
        first, last = tokens[occurrence.start], tokens[occurrence.end - 1]
        if first.start < cursor:
            continue
        _copy(text, cursor, first.start, parts, starts, ends)
        digits = str(occurrence.text)
        parts.append(digits)
        starts.extend([first.start] * len(digits))
        ends.extend([last.end] * len(digits))
        cursor = last.end
    _copy(text, cursor, len(text), parts, starts, ends)
    return DigitView(original=text, text="".join(parts), _starts=tuple(starts), _ends=tuple(ends))


def _copy(text: str, start: int, end: int, parts: list[str], starts: list[int], ends: list[int]) -> None:
    parts.append(text[start:end])
    starts.extend(range(start, end))
    ends.extend(range(start + 1, end + 1))


def words_to_digits(text: str) -> str:
    """alpha2digit for French, with the spelling fixes above; never raises."""
    fixed = re.sub(r"\bz[ée]ros?\b", "zéro", text, flags=re.IGNORECASE)
    try:
        return str(alpha2digit(fixed, "fr"))
    except Exception:
        return fixed
