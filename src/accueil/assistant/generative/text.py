"""Plain-text helpers for answer composition: Markdown to text, French sentence splitting, content terms,
and removal of instruction-like lines (prompt injection hidden in a question or a document)."""

from __future__ import annotations

import re
from functools import lru_cache

from accueil.knowledge.search.analysis import analyse

_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)")
_MD_MARKS = re.compile(r"(\*\*|__|`|~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_MD_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.M)
_HTML_TAG = re.compile(r"<[^>]{0,300}>")
_SPACES = re.compile(r"[ \t\u00a0]+")
# A sentence ends at . ! ? … followed by a space and an upper-case letter, a digit or a quote.
_BOUNDARY = re.compile(r"(?<=[.!?…])\s+(?=[«\"(A-ZÀ-ÖØ-Þ0-9])")
_ABBREVIATIONS = re.compile(r"(?:\b(?:art|n°|no|p|ex|cf|etc|M|Mme|MM|env|min|max|av|apr|J\.-C|al|éd)\.)$", re.I)
# Lines that talk to the model rather than about the topic.
_INSTRUCTION = re.compile(
    r"(ignore[rz]?\s+(?:les|toutes?|tes|vos|the|all|any|previous|prior|above|ce\s+qui)"
    r"|oublie[rz]?\s+(?:les|tes|vos|toutes?|ce\s+qui)\b.*(?:instruction|consigne|r[eè]gle)"
    r"|disregard\s|(?:nouvelles?|new)\s+(?:instructions?|consignes?)"
    r"|(?:tu\s+es|vous\s+[eê]tes|you\s+are)\s+(?:maintenant|d[ée]sormais|now)\b"
    r"|^\s*(?:system|syst[eè]me|assistant|developer|user)\s*:"
    r"|<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?INST\]|###\s*instruction"
    r"|(?:r[ée]v[eè]le|affiche|montre|print|reveal)\w*\s+(?:ton|tes|le|la|your|the)\s+(?:prompt|consignes?|instructions?)"
    r"|(?:r[ée]ponds|reponds|answer|respond)\s+(?:uniquement|seulement|toujours|only|always)\s+(?:par|en|with|by)"
    r"|jailbreak|mode\s+d[ée]veloppeur|developer\s+mode)",
    re.I | re.M,
)


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+•]\s|\d+[.)]\s|\|)")


def _is_heading_before(previous: str, line: str) -> bool:
    """A short line without final punctuation followed by a capitalised line: a heading, not a wrapped line."""
    return len(previous) < 70 and not previous.endswith((",", ";", ":", "(")) and line[:1].isupper()


def markdown_to_text(text: str, *, separator: str = "\n") -> str:
    """Markdown or HTML fragment -> plain text with one paragraph, heading or list item per line.

    Lines wrapped inside a paragraph are joined (YAML and Markdown sources wrap long sentences). With
    separator="\n\n" the result is stable when converted again (passages are stored that way)."""
    text = _HTML_TAG.sub(" ", text or "")
    text = _MD_LINK.sub(r"\1", text)
    lines: list[str] = []
    joinable, previous = False, ""
    for raw in text.splitlines():
        if not raw.strip() or _TABLE_RULE.match(raw):
            joinable = False
            continue
        starts_block = bool(_BLOCK_START.match(raw))
        line = _MD_MARKS.sub("", _MD_BULLET.sub("", _MD_HEADING.sub("", raw)))
        line = _SPACES.sub(" ", line).strip()
        if joinable and not starts_block and lines and not _is_heading_before(previous, line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
        previous = line
        joinable = not raw.lstrip().startswith(("#", "|"))
    return separator.join(line for line in lines if line)


def split_sentences(text: str) -> list[str]:
    """French sentences of a text; every line (list item, heading) is at least its own sentence."""
    sentences: list[str] = []
    for line in markdown_to_text(text).splitlines():
        parts = _BOUNDARY.split(line)
        buffer = ""
        for part in parts:
            buffer = f"{buffer} {part}".strip() if buffer else part.strip()
            if not _ABBREVIATIONS.search(buffer):
                sentences.append(buffer)
                buffer = ""
        if buffer:
            sentences.append(buffer)
    return [s for s in sentences if len(s) > 1]


@lru_cache(maxsize=50_000)
def _terms(text: str) -> tuple[str, ...]:
    return tuple(analyse(text))


def terms(text: str) -> list[str]:
    """Content terms (stemmed, accent-folded, stop words removed): the unit of every overlap check."""
    return list(_terms(text))


def is_instruction(line: str) -> bool:
    return bool(_INSTRUCTION.search(line))


def strip_instructions(text: str) -> tuple[str, int]:
    """The text without its instruction-like lines, and how many were removed."""
    kept: list[str] = []
    removed = 0
    for line in (text or "").splitlines():
        if is_instruction(line):
            removed += 1
        else:
            kept.append(line)
    return "\n".join(kept), removed


def normalise_span(text: str) -> str:
    """For answer-span checks: lower case, single spaces, no punctuation around words."""
    return " ".join(re.sub(r"[^\w%€]+", " ", (text or "").casefold()).split())
