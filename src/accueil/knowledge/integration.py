"""Content integration: a draft proposal from a text or an imported document, with its near-duplicates.

The proposal is never saved here: the rédacteur edits it and creates it through the normal workflow.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from accueil.core.errors import Forbidden, InvalidInput, NotFound
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge.checks import owner_label
from accueil.knowledge.drafting import IntentSuggester, Proposal, propose
from accueil.knowledge.parameters import Parameters
from accueil.knowledge.service import organisation_codes

log = logging.getLogger(__name__)
DUPLICATE_THRESHOLD = 0.75  # USE cosine: a re-pasted article scores ~0.86, the closest other article ~0.72
ARTICLE_KINDS = ("procedure", "faq", "guide", "actualite")
MIN_TEXT = 40


def document_text(session: Session, document_id: str) -> str:
    """The text of a document imported by the documents side (title + passages)."""
    try:
        from accueil.knowledge import documents
    except ImportError:
        documents = None  # type: ignore[assignment]
    reader = getattr(documents, "document_text", None)
    if reader is None:
        raise InvalidInput("L'import de documents n'est pas disponible : collez le texte à intégrer.")
    text = reader(session, document_id)
    if not text:
        raise NotFound("document")
    return str(text)


def find_duplicates(session: Session, text: str, *, threshold: float = DUPLICATE_THRESHOLD) -> list[Any]:
    """Existing articles close to `text` (search hits of kind article), best first; [] without search."""
    try:
        from accueil.knowledge.search import find_similar
    except ImportError:
        return []
    hits = find_similar(session, text, threshold=threshold, kinds=ARTICLE_KINDS)
    return [hit for hit in hits if str(getattr(hit, "key", "")).startswith("article:")]


def default_owner(session: Session, actor: Actor) -> str:
    if actor.national or actor.is_admin or not actor.organisation_ids:
        return "national"
    codes = organisation_codes(session)
    return owner_label(codes[min(actor.organisation_ids)])


def propose_draft(
    session: Session,
    *,
    actor: Actor,
    parameters: Parameters,
    text: str = "",
    document_id: str | None = None,
    suggest_intents: IntentSuggester | None = None,
) -> Proposal:
    if not actor.has_role(Role.REDACTEUR):
        raise Forbidden("L'aide à la rédaction est réservée aux rédacteurs.")
    if document_id:
        text = document_text(session, document_id)
    if len(text.strip()) < MIN_TEXT:
        raise InvalidInput(
            f"Collez un texte d'au moins {MIN_TEXT} caractères.",
            details=[{"champ": "text", "probleme": "texte trop court"}],
        )
    proposal = propose(
        text, parameters=parameters, owner=default_owner(session, actor), suggest_intents=suggest_intents
    )
    doc = proposal.document
    proposal.duplicates = find_duplicates(session, f"{doc['title']}\n{doc['summary']}\n{doc['blocks']['context']}")
    if proposal.duplicates:
        proposal.notes.insert(0, "Des articles proches existent déjà : vérifiez qu'il ne s'agit pas d'un doublon.")
    return proposal
