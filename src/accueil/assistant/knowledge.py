"""What the assistant reads from the knowledge base: published articles for usagers and bots, by intent.

Articles come from the knowledge service (published versions in the database); when none is published
(a bare database) the packaged demo files are read instead. The view is rebuilt at most every `ttl_s`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from accueil.assistant.generative.text import markdown_to_text
from accueil.assistant.turns import Source
from accueil.knowledge.choices import ALL_PUBLICS, ArticleKind, Channel
from accueil.knowledge.document import ArticleDocument, parse_document
from accueil.knowledge.parameters import Parameters, load_parameters, render_parameters

log = logging.getLogger(__name__)
ARTICLES_DIR = Path(__file__).resolve().parent.parent / "data" / "kb" / "articles"
BOT_AUDIENCES = frozenset({"usager", "bot"})
KIND_ORDER = {ArticleKind.PROCEDURE: 0, ArticleKind.FAQ: 1, ArticleKind.GUIDE: 2, ArticleKind.ACTUALITE: 3}


@dataclass(frozen=True, slots=True)
class KnowledgeView:
    """An immutable index of the articles the bot may show."""

    articles: Mapping[str, ArticleDocument]
    parameters: Parameters
    origin: str  # "base" or "fichiers"

    @classmethod
    def of(cls, documents: Iterable[ArticleDocument], parameters: Parameters, origin: str) -> KnowledgeView:
        readable = {d.slug: d for d in documents if BOT_AUDIENCES & {a.value for a in d.audiences}}
        return cls(readable, parameters, origin)

    def article(self, slug: str) -> ArticleDocument | None:
        return self.articles.get(slug)

    def for_intent(self, intent: str, public: str | None) -> ArticleDocument | None:
        """The best article for an intent: open to the public, usager audience first, procedures first."""
        candidates = [
            doc for doc in self.articles.values()
            if intent in doc.intents and (public is None or ALL_PUBLICS in doc.publics or public in doc.publics)
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda d: ("usager" not in {a.value for a in d.audiences},
                                              KIND_ORDER.get(d.kind, 9), d.slug))

    def sources_of(self, doc: ArticleDocument) -> tuple[Source, ...]:
        if not doc.sources:
            return (Source(_title(doc), "", None, f"article:{doc.slug}"),)
        first = doc.sources[0]
        return (Source(_title(doc), first.url, str(first.checked) if first.checked else None, f"article:{doc.slug}"),)

    def render(self, text: str) -> str:
        return render_parameters(text, self.parameters)

    def article_text(self, doc: ArticleDocument, *, max_chars: int = 900) -> str:
        """The chat form of an article: its summary, then the answer or the numbered steps."""
        parts = [doc.summary]
        if doc.blocks.answer:
            parts.append(markdown_to_text(doc.blocks.answer))
        elif doc.blocks.steps:
            parts.append("\n".join(f"{n}. {markdown_to_text(step)}" for n, step in enumerate(doc.blocks.steps, 1)))
        text = self.render("\n".join(p for p in parts if p))
        return text if len(text) <= max_chars else text[: text.rfind("\n", 0, max_chars) or max_chars].rstrip()

    def answer_variables(self, doc: ArticleDocument, answer_id: str) -> list[Any]:
        answer = doc.answer(answer_id)
        return list(answer.variables) if answer else []

    def fill(self, doc: ArticleDocument, answer_id: str, values: Mapping[str, str]) -> str:
        from accueil.knowledge.answers import fill_answer

        answer = doc.answer(answer_id)
        if answer is None:
            raise KeyError(answer_id)
        return fill_answer(answer, values, parameters=self.parameters, channel=Channel.CHAT)[Channel.CHAT.value]


def _title(doc: ArticleDocument) -> str:
    return doc.title.split("|", 1)[-1].strip() if "|" in doc.title else doc.title


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def packaged_documents(directory: Path = ARTICLES_DIR) -> list[ArticleDocument]:
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.yaml")))
    return list(_packaged(directory, stamp))


@lru_cache(maxsize=2)
def _packaged(directory: Path, stamp: tuple[tuple[str, int], ...]) -> tuple[ArticleDocument, ...]:
    documents = []
    for name, _ in stamp:
        try:
            raw = yaml.load((directory / name).read_text(encoding="utf-8"), Loader=_LOADER)
            documents.append(parse_document(raw))
        except Exception:  # a broken demo file must not stop the bot
            log.warning("article ignoré", extra={"file": name})
    return tuple(documents)


class PublishedKnowledge:
    """Reads the published versions through the knowledge service, with a short cache."""

    def __init__(self, *, ttl_s: float = 30.0, parameters_file: Path | None = None) -> None:
        self._ttl, self._parameters_file = ttl_s, parameters_file
        self._view: KnowledgeView | None = None
        self._at = float("-inf")
        self._signature: object = None
        self._lock = threading.Lock()

    def view(self, session: Session | None) -> KnowledgeView:
        if self._view is not None and time.monotonic() - self._at < self._ttl:
            return self._view
        with self._lock:
            if self._view is None or time.monotonic() - self._at >= self._ttl:
                self._view = self._load(session)
                self._at = time.monotonic()
        return self._view

    def _load(self, session: Session | None) -> KnowledgeView:
        """The same view object while nothing was published or archived (its indexes stay warm)."""
        parameters = load_parameters(self._parameters_file)
        versions: list[Any] = []
        if session is not None:
            try:
                import accueil.knowledge as knowledge

                with session.begin_nested():
                    versions = list(knowledge.published_versions(session))
            except (SQLAlchemyError, ImportError, AttributeError) as exc:
                log.warning("articles publiés illisibles : fichiers de démonstration", extra={"error": str(exc)})
        signature = (tuple((v.id, v.fingerprint) for v in versions) or ("fichiers",), id(parameters))
        if self._view is not None and signature == self._signature:
            return self._view
        self._signature = signature
        if versions:
            import accueil.knowledge as knowledge

            return KnowledgeView.of([knowledge.document_of(v) for v in versions], parameters, "base")
        return KnowledgeView.of(packaged_documents(), parameters, "fichiers")
