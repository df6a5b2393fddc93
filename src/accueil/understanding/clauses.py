"""Clause splitting for multi-intent messages ("je veux mon attestation et changer mon RIB").

A message is cut at sentence punctuation, commas and coordinating words; each clause keeps its
offsets in the original text. A coordinating word followed by a preposition joins two complements
of one noun ("attestation de vigilance et de régularité") and does not cut. Whether two clauses
really carry two intents is decided by the engine (both confidently in scope, and distinct).
"""

from __future__ import annotations

import re

_SPLIT = re.compile(
    r"(?P<punct>[.;!?\n]+|,)|\s(?P<conj>et aussi|et puis|et ensuite|et|puis|ensuite|ainsi que|mais|par ailleurs|"
    r"de plus|en plus|également|egalement|and|then)(?=\s)",
    re.IGNORECASE,
)
_COMPLEMENT = re.compile(r"\s*(de|du|des|d'|d’|à|au|aux|en|pour|par|sur|avec|sans|dans|chez|entre)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
MAX_CLAUSES = 6
MIN_WORDS = 2


def split_clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of at least MIN_WORDS words; at most MAX_CLAUSES, in reading order."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for match in _SPLIT.finditer(text):
        if match.group("conj") and _COMPLEMENT.match(text, match.end()):
            continue
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(text)))
    kept = []
    for start, end in spans:
        chunk = text[start:end]
        if len(_WORD.findall(chunk)) >= MIN_WORDS:
            offset = len(chunk) - len(chunk.lstrip())
            kept.append((start + offset, start + len(chunk.rstrip())))
    return kept[:MAX_CLAUSES]
