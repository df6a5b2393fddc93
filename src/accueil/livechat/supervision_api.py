"""Supervisor and archive JSON API: live figures, reassignment, archived conversations for the usager's space."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from accueil.core.clock import as_utc, utcnow
from accueil.core.errors import NotFound
from accueil.identity.access import Actor
from accueil.livechat import supervision
from accueil.livechat.archive import public_view, record_by_public_id, records_for_account, render_html
from accueil.livechat.deps import OptionalLiveActor, RuntimeDep, SupervisorActor
from accueil.livechat.models import ArchiveRecord
from accueil.livechat.schemas import ReassignIn
from accueil.livechat.tokens import read_account_token
from accueil.web.deps import csrf_protect

router = APIRouter(tags=["live chat"], dependencies=[Depends(csrf_protect)])
STAFF_ROLES = ("agent", "superviseur")


@router.get("/api/v1/livechat/supervision")
def snapshot(actor: SupervisorActor, rt: RuntimeDep) -> dict[str, Any]:
    """Files en direct, agents et charge, niveau de service et abandons (organisations du superviseur)."""
    return rt.tx(lambda s: supervision.snapshot(s, actor, policy=rt.policy, now=utcnow()))


@router.post("/api/v1/livechat/supervision/conversations/{conversation_id}/reassign")
def reassign(conversation_id: int, body: ReassignIn, actor: SupervisorActor, rt: RuntimeDep) -> dict[str, Any]:
    """Confie la conversation à un agent ; sans agent, la replace en tête de sa file."""
    return rt.tx(lambda s: supervision.reassign(s, actor, conversation_id, agent_id=body.agent_id, now=utcnow()))


# ------------------------------------------------------------------ archive (the usager's online space)

AccountToken = Annotated[str | None, Header(alias="X-Account-Token", max_length=600)]


def _reader(request: Request, actor: Actor | None, header: str | None, token: str | None) -> Actor | str:
    """A staff actor (agent or supervisor: their organisations), or the account a signed token grants."""
    if header or token:
        return read_account_token(request.app.state.settings.secret_key, header or token)
    if actor is not None and actor.has_role(*STAFF_ROLES):
        return actor
    return read_account_token(request.app.state.settings.secret_key, None)  # raises Unauthenticated


def _allowed(reader: Actor | str, record: ArchiveRecord) -> bool:
    if isinstance(reader, str):
        return record.usager_ref == reader
    return reader.can_reach_organisation(record.organisation_id)


def _item(record: ArchiveRecord) -> dict[str, Any]:
    base = f"/api/v1/archive/conversations/{record.public_id}"
    return {
        "conversation": record.public_id,
        "closed_at": as_utc(record.closed_at).isoformat(),
        "kept_until": as_utc(record.purge_after).isoformat(),
        "json": base,
        "html": base + "/transcript.html",
    }


@router.get("/api/v1/archive/conversations")
def archived(
    request: Request,
    actor: OptionalLiveActor,
    rt: RuntimeDep,
    account: str = Query(min_length=1, max_length=100),
    token: str | None = Query(default=None, max_length=600),
    x_account_token: AccountToken = None,
) -> dict[str, Any]:
    """Conversations archivées d'un compte usager (jeton signé du compte, ou agent/superviseur)."""
    reader = _reader(request, actor, x_account_token, token)
    if isinstance(reader, str) and reader != account:
        raise NotFound("compte")

    def work(session: Session) -> list[dict[str, Any]]:
        return [_item(r) for r in records_for_account(session, account) if _allowed(reader, r)]

    return {"account": account, "conversations": rt.tx(work)}


def _document(request: Request, actor: Actor | None, rt: Any, public_id: str, header: str | None, token: str | None):  # type: ignore[no-untyped-def]
    reader = _reader(request, actor, header, token)

    def work(session: Session) -> ArchiveRecord:
        record = record_by_public_id(session, public_id)
        if not _allowed(reader, record):
            raise NotFound("archive")
        return record

    record = rt.tx(work)
    document = json.loads(rt.archive.get(record.key, "conversation.json"))
    return document if not isinstance(reader, str) else public_view(document)


@router.get("/api/v1/archive/conversations/{public_id}")
def archived_document(
    public_id: str,
    request: Request,
    actor: OptionalLiveActor,
    rt: RuntimeDep,
    token: str | None = Query(default=None, max_length=600),
    x_account_token: AccountToken = None,
) -> dict[str, Any]:
    """La conversation archivée en JSON (sans les notes internes pour l'usager)."""
    return _document(request, actor, rt, public_id, x_account_token, token)  # type: ignore[no-any-return]


@router.get("/api/v1/archive/conversations/{public_id}/transcript.html", response_class=HTMLResponse)
def archived_transcript(
    public_id: str,
    request: Request,
    actor: OptionalLiveActor,
    rt: RuntimeDep,
    token: str | None = Query(default=None, max_length=600),
    x_account_token: AccountToken = None,
) -> HTMLResponse:
    """La transcription lisible (HTML) avec ses métadonnées."""
    document = _document(request, actor, rt, public_id, x_account_token, token)
    return HTMLResponse(render_html(document))
