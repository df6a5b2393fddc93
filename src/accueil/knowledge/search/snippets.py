"""Highlighted snippets: the passage of an entry with the most query terms, HTML-escaped, terms in <mark>."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from accueil.knowledge.search.analysis import Token, tokens

WINDOW_WORDS = 32
LEAD_WORDS = 4
MAX_SCANNED = 20_000  # characters: a passage is looked for in the first ones only (long texts stay fast)


def _best_window(toks: list[Token], terms: Collection[str]) -> int:
    """Index of the first word of the window with the most distinct matched terms (then the most matches)."""
    hits = [i for i, t in enumerate(toks) if t.term in terms]
    best, best_key = 0, (0, 0)
    for i in hits:
        start = max(0, i - LEAD_WORDS)
        inside = [toks[j].term for j in hits if start <= j < start + WINDOW_WORDS]
        key = (len(set(inside)), len(inside))
        if key > best_key:
            best, best_key = start, key
    return best


def snippet_html(text: str, terms: Collection[str], *, words: int = WINDOW_WORDS) -> str:
    """An escaped passage of about `words` words; matched words wrapped in <mark>."""
    toks = list(tokens(text[:MAX_SCANNED]))
    if not toks:
        return escape(text[:200])
    start = _best_window(toks, terms)
    window = toks[start : start + words]
    begin = window[0].start
    end = window[-1].end if start + words < len(toks) or len(text) > MAX_SCANNED else len(text)
    parts = ["…" if begin > 0 else ""]
    cursor = begin
    for tok in window:
        if tok.term is not None and tok.term in terms:
            parts.append(escape(text[cursor : tok.start]))
            parts.append(f"<mark>{escape(text[tok.start : tok.end])}</mark>")
            cursor = tok.end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return " ".join("".join(parts).split())
