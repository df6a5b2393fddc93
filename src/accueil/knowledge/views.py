"""Agent pages: one search box, the article page, the decision-tree walkthrough (no JavaScript needed:
the path travels in the query string), suggested answers filled server-side, « signaler une erreur »."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from accueil.core.errors import InvalidInput, NotFound
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge import access, feedback, service
from accueil.knowledge.answers import fill_answer
from accueil.knowledge.choices import CHANNEL_LABELS, KIND_LABELS, NODE_KIND_LABELS, STATUS_LABELS, Channel
from accueil.knowledge.deps import ParametersDep, ReaderActor
from accueil.knowledge.document import ArticleDocument, SuggestedAnswer
from accueil.knowledge.forms import errors_by_field
from accueil.knowledge.parameters import Parameters
from accueil.knowledge.presenters import render_markdown, render_text
from accueil.knowledge.tree import preview, walk
from accueil.referential.taxonomy import load_taxonomy
from accueil.web.deps import SessionDep, csrf_protect
from accueil.web.templating import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

NAV_ENTRIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Base de connaissances", "/kb", tuple(access.READER_ROLES)),
    ("Rédaction", "/kb/redaction", (Role.REDACTEUR, Role.VALIDEUR)),
]
HOME_CARDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "Base de connaissances",
        "/kb",
        "Procédures, FAQ, arbres de décision et réponses types.",
        tuple(access.READER_ROLES),
    ),
    (
        "Rédaction",
        "/kb/redaction",
        "Brouillons, versions à valider, articles à revoir, signalements.",
        (Role.REDACTEUR, Role.VALIDEUR),
    ),
]


def common(parameters: Parameters) -> dict[str, Any]:
    taxonomy = load_taxonomy()
    return {
        "kind_labels": {k.value: v for k, v in KIND_LABELS.items()},
        "status_labels": {k.value: v for k, v in STATUS_LABELS.items()},
        "node_kind_labels": NODE_KIND_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "public_labels": taxonomy.publics,
        "intent_labels": {i.id: i.label for i in taxonomy.intents.values()},
        "md": lambda text: render_markdown(text, parameters),
        "txt": lambda text: render_text(text, parameters),
    }


def _search(session: Any, q: str, public: str | None, kind: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Hits of the search engine for agents; a plain title filter when the engine is unavailable."""
    try:
        from accueil.knowledge.search import search
    except ImportError:
        search = None  # type: ignore[assignment]
    if search is not None:
        kinds = (kind,) if kind else ("procedure", "faq", "guide", "actualite", "reponse_type")
        response = search(session, q, public=public or None, audience="agent", kinds=kinds, limit=20)
        return [
            {"title": h.title, "url": h.url, "kind": h.kind, "snippet": h.snippet_html, "meta": h.meta or {}}
            for h in response.results
        ], None
    return [], "Le moteur de recherche n'est pas disponible : recherche sur les titres seulement."


@router.get("/kb")
def kb_home(
    request: Request,
    session: SessionDep,
    actor: ReaderActor,
    parameters: ParametersDep,
    q: Annotated[str, Query(max_length=200)] = "",
    public: Annotated[str, Query(max_length=8)] = "",
    kind: Annotated[str, Query(pattern="^(|procedure|faq|guide|actualite|reponse_type)$")] = "",
) -> Response:
    hits: list[dict[str, Any]] = []
    notice = None
    rows = []
    if q.strip():
        hits, notice = _search(session, q.strip(), public, kind)
        if notice:
            rows = service.list_articles(session, actor, public=public or None, kind=kind or None, query=q.strip())
    else:
        rows = service.list_articles(session, actor, public=public or None, kind=kind or None, status="published")
    return render(
        request,
        "knowledge/search.html",
        {**common(parameters), "q": q, "public": public, "kind": kind, "hits": hits, "rows": rows, "notice": notice},
    )


def _values_from(request: Request, answer: SuggestedAnswer) -> dict[str, str]:
    return {v.name: request.query_params.get(f"v_{v.name}", "") for v in answer.variables}


def answer_state(request: Request, doc: ArticleDocument, parameters: Parameters) -> dict[str, Any]:
    """The answer being filled (query `reponse`, values `v_<name>`, channel `canal`) and its result."""
    answer_id = request.query_params.get("reponse")
    answer = doc.answer(answer_id) if answer_id else None
    if answer is None:
        return {"filling": None}
    channel_raw = request.query_params.get("canal", "")
    channel = Channel(channel_raw) if channel_raw in {c.value for c in Channel} else None
    values = _values_from(request, answer)
    filled: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.query_params.get("remplir"):
        try:
            filled = fill_answer(answer, values, parameters=parameters, channel=channel)
        except InvalidInput as exc:
            errors = errors_by_field(exc.details)
    return {"filling": answer.id, "values": values, "filled": filled, "fill_errors": errors, "channel": channel_raw}


def _article_context(
    request: Request, session: Any, actor: Actor, parameters: Parameters, slug: str, number: int | None
) -> dict[str, Any]:
    article = service.get_article(session, slug)
    shown = service.readable_version(article, actor, number)
    doc = service.document_of(shown)
    return {
        **common(parameters),
        **answer_state(request, doc, parameters),
        "article": article,
        "version": shown,
        "doc": doc,
        "published": service.published_version(article),
        "open": service.open_version(article),
        "editorial": access.can_read_drafts(actor),
        "can_write": access.can_write(actor, article.owner_id),
        "can_archive": actor.has_role(Role.VALIDEUR) and actor.can_reach_organisation(article.owner_id),
        "owner": service.organisation_codes(session).get(article.owner_id, ""),
        "tree_preview": preview(doc.tree) if doc.tree else None,
        "base_url": f"/kb/articles/{slug}",
    }


@router.get("/kb/articles/{slug}")
def article_page(
    request: Request,
    slug: str,
    session: SessionDep,
    actor: ReaderActor,
    parameters: ParametersDep,
    version: Annotated[int | None, Query(ge=1)] = None,
    signale: bool = False,
) -> Response:
    context = _article_context(request, session, actor, parameters, slug, version)
    if signale:
        context["flash"] = "Merci : votre signalement a été transmis aux rédacteurs."
    return render(request, "knowledge/article.html", context)


@router.get("/kb/articles/{slug}/parcours")
def walkthrough(
    request: Request,
    slug: str,
    session: SessionDep,
    actor: ReaderActor,
    parameters: ParametersDep,
    chemin: Annotated[str, Query(max_length=400)] = "",
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    article = service.get_article(session, slug)
    shown = service.readable_version(article, actor, version)
    doc = service.document_of(shown)
    if doc.tree is None:
        raise NotFound("arbre de décision")
    state = walk(doc.tree, chemin)
    answers = [doc.answer(a) for a in state.current.answers] if state.finished else []
    return render(
        request,
        "knowledge/walk.html",
        {
            **common(parameters),
            **answer_state(request, doc, parameters),
            "article": article,
            "doc": doc,
            "version": shown,
            "walk": state,
            "answers": [a for a in answers if a is not None],
            "base_url": f"/kb/articles/{slug}/parcours",
        },
    )


@router.post("/kb/articles/{slug}/signaler", dependencies=[Depends(csrf_protect)])
def report_error(
    request: Request,
    slug: str,
    session: SessionDep,
    actor: ReaderActor,
    parameters: ParametersDep,
    message: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        feedback.report_error(session, slug, message=message, actor=actor)
    except InvalidInput as exc:
        context = _article_context(request, session, actor, parameters, slug, None)
        context.update(feedback_error=exc.message, feedback_message=message)
        return render(request, "knowledge/article.html", context, status_code=422)
    return RedirectResponse(f"/kb/articles/{slug}?signale=1#signaler", status_code=303)
