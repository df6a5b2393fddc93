"""Cut a document into passages of about 120-250 words that keep the path of headings above them.

A reader yields blocks (heading path, paragraph). Sections (same heading path) are packed paragraph by
paragraph up to `max_words`; a paragraph longer than that is cut at sentence ends; then neighbouring
passages that are too short are merged when the result still fits, the later heading kept inline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MIN_WORDS = 120
MAX_WORDS = 250
HEADING_SEPARATOR = " › "
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True, slots=True)
class Block:
    headings: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Chunk:
    heading: str
    text: str

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def _words(text: str) -> int:
    return len(text.split())


def _split_long(paragraph: str, max_words: int) -> list[str]:
    """Cut a paragraph at sentence ends (then at word counts) into pieces of at most max_words."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(paragraph):
        words = sentence.split()
        while len(words) > max_words:  # one endless "sentence": cut it by words
            if current:
                pieces.append(" ".join(current))
                current, count = [], 0
            pieces.append(" ".join(words[:max_words]))
            words = words[max_words:]
        if count + len(words) > max_words and current:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.extend(words)
        count += len(words)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _sections(blocks: Iterable[Block]) -> list[tuple[tuple[str, ...], list[str]]]:
    sections: list[tuple[tuple[str, ...], list[str]]] = []
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if sections and sections[-1][0] == block.headings:
            sections[-1][1].append(text)
        else:
            sections.append((block.headings, [text]))
    return sections


def _pack(paragraphs: list[str], max_words: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in paragraphs:
        for part in _split_long(paragraph, max_words) if _words(paragraph) > max_words else [paragraph]:
            size = _words(part)
            if current and count + size > max_words:
                pieces.append("\n\n".join(current))
                current, count = [], 0
            current.append(part)
            count += size
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def chunk_blocks(blocks: Iterable[Block], *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Chunk]:
    raw: list[tuple[tuple[str, ...], str]] = []
    for headings, paragraphs in _sections(blocks):
        raw += [(headings, piece) for piece in _pack(paragraphs, max_words)]
    merged: list[tuple[tuple[str, ...], str]] = []
    for headings, text in raw:
        if merged:
            prev_headings, prev_text = merged[-1]
            small = _words(prev_text) < min_words or _words(text) < min_words
            if small and _words(prev_text) + _words(text) <= max_words:
                inline = text if headings == prev_headings or not headings else f"{headings[-1]}\n\n{text}"
                merged[-1] = (prev_headings, f"{prev_text}\n\n{inline}")
                continue
        merged.append((headings, text))
    return [Chunk(heading=HEADING_SEPARATOR.join(h), text=t) for h, t in merged]


def chunk_text(text: str, *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Chunk]:
    """Plain text without headings: paragraphs are lines separated by blank lines (or single lines)."""
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    return chunk_blocks([Block((), p) for p in paragraphs], min_words=min_words, max_words=max_words)
