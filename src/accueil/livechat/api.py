"""Usager JSON API of the live chat (the widget's side): start a direct live chat, state (position, wait,
messages), send, typing, cancel, rate, leave a message. Authenticated by the conversation token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from accueil.assistant import tokens as chat_tokens
from accueil.conversations import service as conversations
from accueil.core.clock import utcnow
from accueil.livechat import usager
from accueil.livechat.archive import archive_conversation
from accueil.livechat.deps import RuntimeDep, UsagerPublicId
from accueil.livechat.runtime import lifespan
from accueil.livechat.schemas import LeaveMessageIn, MessageIn, RatingIn, StartIn
from accueil.livechat.tokens import usager_token
from accueil.routing import conversation_channel, leave_message
from accueil.web.deps import rate_limit

router = APIRouter(prefix="/api/v1/livechat", tags=["live chat"], lifespan=lifespan)


@router.post("/conversations", status_code=201, dependencies=[Depends(rate_limit("livechat_start"))])
def start(body: StartIn, rt: RuntimeDep) -> dict[str, Any]:
    """Démarre un live chat direct (sans passer par le bot) ; renvoie le jeton de conversation et la file."""
    secret = rt.settings.secret_key
    verified = chat_tokens.is_verified_account(secret, body.account, body.account_signature)

    def work(session: Session) -> dict[str, Any]:
        conversation, outcome = usager.start_direct(
            session,
            public_code=body.public.upper(),
            skill=body.skill,
            organisation_code=body.organisation,
            text=body.text,
            usager_ref=body.account if verified else None,
            policy=rt.policy,
            now=utcnow(),
        )
        return {
            "conversation": conversation.public_id,
            "token": usager_token(secret, conversation.public_id),
            "outcome": outcome.as_dict(),
        }

    return rt.tx(work)


@router.get("/conversation")
def state(public_id: UsagerPublicId, rt: RuntimeDep, after: int = Query(default=0, ge=0)) -> dict[str, Any]:
    """État vu par l'usager : statut, position et fourchette d'attente, conseiller, messages après `after`."""

    def work(session: Session) -> dict[str, Any]:
        conversation = conversations.by_public_id(session, public_id)
        return usager.state(session, conversation, policy=rt.policy, now=utcnow(), after_id=after)

    return rt.tx(work)


@router.post("/conversation/messages", status_code=201)
def send(body: MessageIn, public_id: UsagerPublicId, rt: RuntimeDep) -> dict[str, Any]:
    def work(session: Session) -> dict[str, Any]:
        conversation = conversations.by_public_id(session, public_id)
        message = usager.usager_message(session, conversation, text=body.text, client_id=body.client_id)
        return {"id": message.id, "client_id": body.client_id}

    return rt.tx(work)


@router.post("/conversation/typing", status_code=204)
async def typing(public_id: UsagerPublicId, rt: RuntimeDep) -> None:
    conversation_id = await rt.run(lambda s: conversations.by_public_id(s, public_id).id)
    await rt.broker.apublish(conversation_channel(conversation_id), {"type": "typing", "who": "usager"})


@router.post("/conversation/cancel")
def cancel(public_id: UsagerPublicId, rt: RuntimeDep) -> dict[str, Any]:
    """En attente : quitte la file (retour au bot). Avec un conseiller : met fin à la conversation."""

    def work(session: Session) -> dict[str, Any]:
        conversation = conversations.by_public_id(session, public_id)
        status = usager.cancel(session, conversation, now=utcnow())
        if status == "closed":
            archive_conversation(
                session, conversation, archive=rt.archive, retention_days=rt.policy.retention_days, now=utcnow()
            )
        return {"status": status}

    return rt.tx(work)


@router.post("/conversation/rating")
def rate(body: RatingIn, public_id: UsagerPublicId, rt: RuntimeDep) -> dict[str, Any]:
    """Note de fin de conversation (1 à 5, commentaire facultatif) ; la transcription archivée est mise à jour."""

    def work(session: Session) -> dict[str, Any]:
        conversation = conversations.by_public_id(session, public_id)
        value = usager.rate(session, conversation, value=body.value, comment=body.comment)
        archive_conversation(
            session, conversation, archive=rt.archive, retention_days=rt.policy.retention_days, now=utcnow()
        )
        return {"rating": value}

    return rt.tx(work)


@router.post("/conversation/leave-message", status_code=201)
def leave(body: LeaveMessageIn, public_id: UsagerPublicId, rt: RuntimeDep) -> dict[str, Any]:
    """Hors horaires ou sans conseiller : le message devient une conversation e-mail (transcription jointe)."""

    def work(session: Session) -> dict[str, Any]:
        conversation = conversations.by_public_id(session, public_id)
        mail = leave_message(session, conversation, text=body.text, email=body.email)
        return {"reference": mail.public_id[:8].upper(), "message": "Votre message est transmis : réponse par e-mail."}

    return rt.tx(work)
