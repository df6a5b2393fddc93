"""Shape articles and versions for the JSON API and the pages (one place, shared by api.py and views.py)."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.knowledge.checks import owner_label
from accueil.knowledge.indexing import article_url
from accueil.knowledge.models import Article, Version
from accueil.knowledge.parameters import Parameters, render_parameters
from accueil.knowledge.schemas import ArticleDetail, ArticleOut, VersionOut
from accueil.knowledge.service import open_version, published_version


def article_out(article: Article, version: Version, codes: dict[int, str]) -> ArticleOut:
    content = version.content
    published, current = published_version(article), open_version(article)
    return ArticleOut(
        slug=article.slug,
        kind=article.kind,
        owner=owner_label(codes.get(article.owner_id, "")),
        title=version.title,
        summary=str(content.get("summary", "")),
        publics=list(content.get("publics") or []),
        audiences=list(content.get("audiences") or []),
        intents=list(content.get("intents") or []),
        status=version.status,
        version=version.number,
        published_version=published.number if published else None,
        open_version=current.number if current else None,
        review_by=version.review_by,
        url=article_url(article.slug),
    )


def article_detail(article: Article, version: Version, codes: dict[int, str]) -> ArticleDetail:
    base = article_out(article, version, codes).model_dump()
    return ArticleDetail(**base, version_detail=VersionOut.model_validate(version), content=dict(version.content))


def hit_dict(hit: Any) -> dict[str, Any]:
    return {
        "key": str(getattr(hit, "key", "")),
        "title": str(getattr(hit, "title", "")),
        "score": float(getattr(hit, "score", 0.0)),
        "url": getattr(hit, "url", None),
    }


def render_markdown(text: str, parameters: Parameters) -> Markup:
    """Markdown (no raw HTML) with the yearly parameters substituted."""
    return Markup(_MARKDOWN.render(render_parameters(text or "", parameters)))  # raw HTML is disabled


def render_text(text: str, parameters: Parameters) -> str:
    return render_parameters(text or "", parameters)


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def user_labels(session: Session) -> dict[int, str]:
    """Full names of the users, for the history page (authors and valideurs)."""
    from accueil.identity.models import User

    return {row.id: row.full_name for row in session.execute(select(User.id, User.full_name))}
