"""Agent JSON API of the console: presence, inbox, accept, messages, typing, notes, knowledge panel,
transfer and close. Every conversation is reached through the organisation access rule (404 otherwise)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.core.clock import utcnow
from accueil.identity.access import Actor
from accueil.livechat import desk, kb, transfer
from accueil.livechat.archive import archive_conversation
from accueil.livechat.deps import AgentActor, RuntimeDep
from accueil.livechat.runtime import LiveRuntime
from accueil.livechat.schemas import AnswerIn, CloseIn, MessageIn, NoteIn, PresenceIn, TransferIn
from accueil.referential import service as referential
from accueil.referential.taxonomy import load_taxonomy
from accueil.routing import accept as accept_conversation
from accueil.routing import agent_views, conversation_channel, dispatch, set_presence, touch, waiting_entries
from accueil.web.deps import csrf_protect

router = APIRouter(prefix="/api/v1/livechat/agent", tags=["live chat"], dependencies=[Depends(csrf_protect)])


def _as_agent(rt: LiveRuntime, actor: Actor, fn: Any) -> Any:
    """One transaction; the call also counts as a sign of life of the agent."""

    def work(session: Session) -> Any:
        touch(session, [actor.user_id], now=utcnow())
        return fn(session)

    return rt.tx(work)


@router.get("/inbox")
def inbox(actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    return _as_agent(rt, actor, lambda s: desk.inbox(s, actor, now=utcnow()))


@router.post("/presence")
def presence(body: PresenceIn, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        set_presence(session, actor.user_id, body.presence, now=now)
        dispatch(session, waiting_entries(session, list(actor.organisation_ids)), now=now)  # offers at once
        return desk.inbox(session, actor, now=now)

    return _as_agent(rt, actor, work)


@router.get("/conversations/{conversation_id}")
def detail(conversation_id: int, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    return rt.tx(lambda s: desk.detail(s, actor, conversation_id))


@router.post("/conversations/{conversation_id}/accept")
def accept(conversation_id: int, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    """Prend en charge une conversation en file : un seul agent gagne ; un double clic est sans effet."""

    def work(session: Session) -> dict[str, Any]:
        accept_conversation(session, conversation_id, agent=actor, now=utcnow())
        return desk.detail(session, actor, conversation_id)

    return _as_agent(rt, actor, work)


@router.post("/conversations/{conversation_id}/messages", status_code=201)
def send(conversation_id: int, body: MessageIn, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    def work(session: Session) -> dict[str, Any]:
        message = desk.send(session, actor, conversation_id, text=body.text, client_id=body.client_id)
        return {"id": message.id, "client_id": body.client_id}

    return rt.tx(work)  # the hot path: the console's WebSocket heartbeat already says the agent is there


@router.post("/conversations/{conversation_id}/typing", status_code=204)
async def typing(conversation_id: int, actor: AgentActor, rt: RuntimeDep) -> None:
    await rt.run(lambda s: conversations.access_conversation(s, actor, conversation_id))
    name = actor.full_name.split()[0] if actor.full_name else ""
    await rt.broker.apublish(conversation_channel(conversation_id), {"type": "typing", "who": "agent", "name": name})


@router.post("/conversations/{conversation_id}/notes", status_code=201)
def note(conversation_id: int, body: NoteIn, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    """Note interne : visible des seuls agents et superviseurs, jamais de l'usager."""

    def work(session: Session) -> dict[str, Any]:
        created = desk.add_note(session, actor, conversation_id, text=body.text)
        return {"id": created.id, "text": created.text, "created_at": created.created_at.isoformat()}

    return rt.tx(work)


@router.post("/conversations/{conversation_id}/transfer")
def transfer_conversation(conversation_id: int, body: TransferIn, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    return _as_agent(
        rt,
        actor,
        lambda s: transfer.transfer(
            s,
            actor,
            conversation_id,
            agent_id=body.agent_id,
            skill=body.skill,
            organisation_code=body.organisation,
            note=body.note,
            policy=rt.policy,
            now=utcnow(),
        ),
    )


@router.post("/conversations/{conversation_id}/close")
def close(conversation_id: int, body: CloseIn, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    """Clôture avec qualification (motif, résolue ou non) ; la conversation entière est archivée."""

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        conversation = desk.close(
            session,
            actor,
            conversation_id,
            motif=body.motif,
            resolved=body.resolved,
            comment=body.comment,
            policy=rt.policy,
            now=now,
        )
        record = archive_conversation(
            session, conversation, archive=rt.archive, retention_days=rt.policy.retention_days, now=now
        )
        dispatch(session, waiting_entries(session, list(actor.organisation_ids)), now=now)  # a slot is free
        return {"status": conversation.status, "archive": record.public_id}

    return _as_agent(rt, actor, work)


@router.get("/transfer-targets")
def transfer_targets(actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    def work(session: Session) -> dict[str, Any]:
        agents = [
            {"id": v.user_id, "name": v.full_name, "presence": v.presence, "free": v.max_chats - v.load}
            for v in agent_views(session, None)
            if v.user_id != actor.user_id and v.organisation_ids & actor.organisation_ids and v.presence != "hors_ligne"
        ]
        return {
            "agents": agents,
            "skills": [{"code": k, "label": desk.skill_label(k)} for k in load_taxonomy().routing_skills],
            "organisations": [
                {"code": o.code, "name": o.name} for o in referential.list_organisations(session, active_only=True)
            ],
            "motifs": [{"code": m.code, "label": m.label} for m in rt.policy.motifs],
        }

    return rt.tx(work)


@router.get("/kb")
def kb_search(
    actor: AgentActor,
    rt: RuntimeDep,
    q: str = Query(min_length=1, max_length=300),
    conversation_id: int | None = None,
) -> dict[str, Any]:
    """Recherche dans la base de connaissances (public de la conversation si elle est indiquée)."""

    def work(session: Session) -> dict[str, Any]:
        public = None
        if conversation_id is not None:
            public = conversations.access_conversation(session, actor, conversation_id).public_code
        return kb.search(session, q, public=public)

    return rt.tx(work)


@router.post("/conversations/{conversation_id}/suggested-answer")
def suggested_answer(conversation_id: int, body: AnswerIn, actor: AgentActor, rt: RuntimeDep) -> dict[str, Any]:
    """Réponse type remplie avec les données déjà connues ; les manques restent visibles [entre crochets]."""

    def work(session: Session) -> dict[str, Any]:
        conversation = conversations.access_conversation(session, actor, conversation_id)
        return kb.suggested_answer(
            session,
            conversation,
            slug=body.slug,
            answer_id=body.answer_id,
            parameters_file=rt.settings.kb_parameters_file,
        )

    return rt.tx(work)
