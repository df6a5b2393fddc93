"""French text analysis shared by the index and the queries, on every database backend.

lowercase -> split into words (hyphens split, apostrophes kept inside a word) -> elided clitics removed
(l', d', qu', jusqu'...) -> accents folded -> stop words dropped -> Snowball French stem. Numbers and
words with digits are kept as they are; an all-capital word (an acronym such as CA or CE) is never a
stop word, unless the whole text is in capitals.
The stem is computed on the folded word, so "échéancier" and "echeancier" give the same term.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from accueil.knowledge.search.stopwords import ELISIONS, STOPWORDS

_WORD = re.compile(r"[^\W_]+(?:['’ʼ`´][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
_local = threading.local()


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: where it is (for highlighting) and the index term it gives (None: a stop word)."""

    start: int
    end: int
    term: str | None


def fold(text: str) -> str:
    """Lowercase, without accents or ligatures: 'Échéancier' -> 'echeancier'."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # PyStemmer objects are not thread-safe: one per thread
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem of one folded word; words with digits stay whole."""
    if any(c.isdigit() for c in word):
        return word
    return str(_stemmer().stemWord(word))


def _strip_elision(word: str) -> tuple[str, int]:
    """'l'attestation' -> ('attestation', 2); the offset is how many characters were removed."""
    if not _APOSTROPHES.search(word):
        return word, 0
    parts = _APOSTROPHES.split(word, maxsplit=1)
    if len(parts) == 2 and fold(parts[0]) in ELISIONS:
        return parts[1], len(parts[0]) + 1
    return word, 0


def term_of(word: str, *, acronyms: bool = True) -> str | None:
    """The index term of one word, or None for a stop word or a lone letter."""
    folded = _APOSTROPHES.sub("", fold(word))
    if not folded:
        return None
    is_acronym = acronyms and len(word) >= 2 and word.isupper()
    if not is_acronym and (folded in STOPWORDS or (len(folded) == 1 and not folded.isdigit())):
        return None
    return stem(folded)


@lru_cache(maxsize=200_000)
def _word(raw: str, acronyms: bool) -> tuple[int, str | None]:
    """Offset of the word after its elided clitic, and its term: one cached call per distinct raw word."""
    word, offset = _strip_elision(raw)
    return offset, term_of(word, acronyms=acronyms)


def tokens(text: str) -> Iterator[Token]:
    """Every word of `text` with its offsets and term (a text all in capitals has no acronyms)."""
    acronyms = not text.isupper()
    for match in _WORD.finditer(text):
        offset, term = _word(match.group(), acronyms)
        yield Token(start=match.start() + offset, end=match.end(), term=term)


def analyse(text: str) -> list[str]:
    """The terms of `text`, in order, stop words removed."""
    return [t.term for t in tokens(text) if t.term is not None]


def analysed_text(text: str) -> str:
    """Terms joined by spaces: what the full-text engines index (their own tokenizer only splits on spaces)."""
    return " ".join(analyse(text))


def normalise_query(text: str) -> str:
    """A stable form of a query for grouping content gaps: folded words, single spaces."""
    return " ".join(_APOSTROPHES.sub("", fold(m.group())) for m in _WORD.finditer(text))[:300]
