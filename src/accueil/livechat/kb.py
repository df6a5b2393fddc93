"""The knowledge side panel of the console: search (accueil.knowledge.search) and suggested answers filled
with what the bot already collected (slots and entities of the handoff summary); unknown values stay as
visible [placeholders] for the agent to complete before sending."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from accueil.conversations.models import Conversation
from accueil.core.errors import InvalidInput, NotFound

log = logging.getLogger(__name__)
KINDS = ("procedure", "faq", "guide", "actualite", "reponse_type")


def search(session: Session, query: str, *, public: str | None, limit: int = 8) -> dict[str, Any]:
    try:
        from accueil.knowledge.search import search as kb_search
    except ImportError:
        return {"results": [], "notice": "La recherche dans la base de connaissances n'est pas disponible."}
    response = kb_search(session, query, public=public, audience="agent", kinds=KINDS, limit=limit)
    results = []
    for hit in response.results:
        slug, answer_id = _slug_and_answer(hit.key)
        results.append(
            {
                "title": hit.title,
                "kind": hit.kind,
                "snippet_html": hit.snippet_html,  # escaped by the search engine, <mark> only
                "url": hit.url or (f"/kb/articles/{slug}" if slug else None),
                "walkthrough_url": f"/kb/articles/{slug}/parcours" if slug and hit.kind == "procedure" else None,
                "slug": slug,
                "answer_id": answer_id,
            }
        )
    notice = "Aucun résultat convaincant : reformulez votre recherche." if response.weak else ""
    return {"results": results, "notice": notice}


def _slug_and_answer(key: str) -> tuple[str | None, str | None]:
    if key.startswith("answer:") and "#" in key:
        slug, _, answer_id = key.removeprefix("answer:").partition("#")
        return slug, answer_id
    if key.startswith("article:"):
        return key.removeprefix("article:"), None
    return None, None


def known_values(summary: dict[str, Any]) -> dict[str, str]:
    values = {str(k): str(v) for k, v in (summary.get("slots") or {}).items() if v not in (None, "")}
    for entity in summary.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") and entity.get("value") not in (None, ""):
            values.setdefault(str(entity["type"]), str(entity["value"]))
    return values


def suggested_answer(
    session: Session, conversation: Conversation, *, slug: str, answer_id: str, parameters_file: Any = None
) -> dict[str, Any]:
    """The chat variant of a suggested answer, filled as far as the conversation allows."""
    from accueil import knowledge
    from accueil.knowledge.answers import VAR_PATTERN, parse_value

    article = knowledge.get_article(session, slug)
    version = knowledge.published_version(article)
    if version is None:
        raise NotFound("article publié")
    answer = knowledge.document_of(version).answer(answer_id)
    if answer is None:
        raise NotFound("réponse type")
    template = answer.variants.chat
    if not template:
        raise InvalidInput("Cette réponse type n'a pas de variante pour le chat.")
    values = known_values(conversation.summary or {})
    filled: dict[str, str] = {}
    missing: list[str] = []
    for variable in answer.variables:
        try:
            filled[variable.name] = parse_value(variable, values.get(variable.name, ""))
        except ValueError:
            missing.append(variable.label)
            filled[variable.name] = f"[{variable.label}]"
    text = knowledge.render_parameters(template, knowledge.load_parameters(parameters_file))
    text = VAR_PATTERN.sub(lambda m: filled.get(m.group(1), m.group(0)), text)
    return {"title": answer.title, "text": text, "missing": missing}
