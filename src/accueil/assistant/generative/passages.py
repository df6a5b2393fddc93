"""Passages for grounded answers and the retrievers that find them.

`SearchRetriever` asks the knowledge search (`accueil.knowledge.search.search`, KB + indexed documents).
`LexicalIndex` is an embedded BM25 over the same texts, used when the search package is not available and
by the benchmark over external collections.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy.orm import Session

from accueil.assistant.generative.text import markdown_to_text, strip_instructions, terms


@dataclass(frozen=True, slots=True)
class Passage:
    key: str
    title: str
    text: str
    url: str = ""
    checked: str | None = None
    score: float = 0.0
    kind: str = ""
    publics: tuple[str, ...] = ()  # empty: every public

    def cleaned(self) -> tuple[Passage, int]:
        """The passage without instruction-like lines (a document must never steer the generator)."""
        text, removed = strip_instructions(self.text)
        return (replace(self, text=text) if removed else self), removed


class Retriever(Protocol):
    def retrieve(self, session: Session | None, query: str, *, public: str | None, limit: int) -> list[Passage]:
        """The best passages for `query`, best first."""
        ...


def chunk_text(text: str, *, target: int = 700, maximum: int = 1200) -> list[str]:
    """Paragraph-aligned chunks of about `target` characters (a long paragraph is cut at sentence ends)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|(?=\n#{1,6} )", text or "") if p.strip()]
    chunks: list[str] = []
    buffer = ""
    for paragraph in paragraphs:
        while len(paragraph) > maximum:
            cut = paragraph.rfind(". ", 0, maximum)
            cut = cut + 1 if cut > target // 2 else maximum
            chunks.append((buffer + "\n" + paragraph[:cut]).strip() if buffer else paragraph[:cut].strip())
            buffer, paragraph = "", paragraph[cut:].strip()
        if buffer and len(buffer) + len(paragraph) > target:
            chunks.append(buffer)
            buffer = paragraph
        else:
            buffer = f"{buffer}\n\n{paragraph}".strip()
    if buffer:
        chunks.append(buffer)
    return chunks


class LexicalIndex:
    """Okapi BM25 over passages (French analysis of the knowledge search), filtered by public."""

    def __init__(self, passages: Sequence[Passage], *, k1: float = 1.2, b: float = 0.75) -> None:
        self._passages = list(passages)
        self._k1, self._b = k1, b
        self._tf: list[Counter[str]] = [Counter(terms(f"{p.title}\n{p.text}")) for p in self._passages]
        self._lengths = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._lengths) / len(self._lengths)) if self._lengths else 1.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self._passages)
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._postings: dict[str, list[int]] = {}
        for index, tf in enumerate(self._tf):
            for term in tf:
                self._postings.setdefault(term, []).append(index)

    def __len__(self) -> int:
        return len(self._passages)

    def retrieve(self, session: Session | None, query: str, *, public: str | None, limit: int) -> list[Passage]:
        query_terms = set(terms(query))
        if not query_terms:
            return []
        scores: dict[int, float] = {}
        for term in query_terms:
            idf = self._idf.get(term)
            if idf is None:
                continue
            for index in self._postings[term]:
                tf = self._tf[index][term]
                norm = self._k1 * (1 - self._b + self._b * self._lengths[index] / self._avg)
                scores[index] = scores.get(index, 0.0) + idf * tf * (self._k1 + 1) / (tf + norm)
        best: list[Passage] = []
        for index, score in sorted(scores.items(), key=lambda item: -item[1]):
            passage = self._passages[index]
            if public and passage.publics and public not in passage.publics:
                continue
            best.append(replace(passage, score=round(score, 4)))
            if len(best) >= limit:
                break
        return best


def usager_text(doc: Any, parameters: Any) -> str:
    """What an usager may read of an article: context, prerequisites, steps, answer, and the questions of the
    tree marked `usager` (never the agent notes of checks and outcomes)."""
    from accueil.knowledge.parameters import render_parameters

    parts = [doc.blocks.context, *doc.blocks.prerequisites, *doc.blocks.steps, doc.blocks.answer]
    if doc.tree is not None:
        parts += [node.text for node in doc.tree.nodes if node.usager]
    return render_parameters("\n\n".join(p for p in parts if p), parameters)


def kb_passages(documents: Iterable[Any], *, parameters: Any, audience: str = "usager") -> list[Passage]:
    """Passages from published ArticleDocuments readable by usagers or bots (one per chunk)."""
    passages: list[Passage] = []
    for doc in documents:
        audiences = {a.value for a in doc.audiences}
        if audience not in audiences and "bot" not in audiences:
            continue
        source = doc.sources[0] if doc.sources else None
        url = source.url if source else ""
        checked = str(source.checked) if source and source.checked else None
        publics = () if "all" in doc.publics else tuple(doc.publics)
        for n, chunk in enumerate(chunk_text(usager_text(doc, parameters))):
            text = markdown_to_text(chunk, separator="\n\n")
            passages.append(Passage(f"article:{doc.slug}#{n}", doc.title, text, url, checked, kind=doc.kind.value,
                                    publics=publics))
    return passages


class SearchRetriever:
    """Ranks with the knowledge search (hybrid BM25 + vectors, synonyms, usager audience, public filter) and
    reads the passage text from the published article (usager part only) or from the hit itself."""

    def __init__(self, search: Any, view: Any, *, fallback: Retriever | None = None) -> None:
        self._search, self._view, self._fallback = search, view, fallback

    def retrieve(self, session: Session | None, query: str, *, public: str | None, limit: int) -> list[Passage]:
        from accueil.core.errors import DomainError

        try:
            response = self._search(session, query[:500], public=public, audience="usager", limit=limit * 2)
        except DomainError:
            response = None
        view = self._view(session)
        passages: list[Passage] = []
        seen: set[str] = set()
        for hit in getattr(response, "results", []) or []:
            passage = self._passage(view, hit, query)
            if passage is not None and passage.key not in seen:
                seen.add(passage.key)
                passages.append(passage)
        if not passages and self._fallback is not None:
            return self._fallback.retrieve(session, query, public=public, limit=limit)
        return passages[:limit]

    @staticmethod
    def _passage(view: Any, hit: Any, query: str) -> Passage | None:
        score = float(getattr(hit, "score", 0.0))
        publics = tuple(getattr(hit, "publics", ()) or ())
        if hit.key.startswith("article:"):
            doc = view.article(hit.key.split(":", 1)[1].split("#", 1)[0])
            if doc is None:
                return None  # not readable by usagers or bots
            chunks = chunk_text(usager_text(doc, view.parameters)) or [doc.summary]
            wanted = set(terms(query))
            best = max(range(len(chunks)), key=lambda n: (len(wanted & set(terms(chunks[n]))), -n))
            source = view.sources_of(doc)[0]
            return Passage(f"{hit.key}#{best}", source.title, markdown_to_text(chunks[best], separator="\n\n"),
                           source.url, source.checked, score, str(hit.kind), publics)
        meta = dict(getattr(hit, "meta", {}) or {})
        text = getattr(hit, "text", None) or meta.get("text") or markdown_to_text(str(hit.snippet_html))
        checked = meta.get("checked") or meta.get("checked_at")
        return Passage(hit.key, hit.title, markdown_to_text(str(text), separator="\n\n"), hit.url or "",
                       str(checked) if checked else None, score, str(hit.kind), publics)
