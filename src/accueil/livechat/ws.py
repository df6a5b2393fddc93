"""WebSocket endpoints: usager (conversation token), agent and supervisor (login cookie, same origin only).

Server -> client messages: state, message, ack, queue, typing, status, inbox, offer, assigned, released,
presence, offer_missed, snapshot, error, pong. Client -> server: message, typing, resume, ping.
See docs/subsystems/livechat.md.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlparse

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from accueil.conversations import service as conversations
from accueil.core.errors import DomainError
from accueil.identity import service as identity
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.livechat import supervision
from accueil.livechat.connections import AgentConnection, Connection, SupervisorConnection, UsagerConnection
from accueil.livechat.runtime import runtime_of
from accueil.livechat.tokens import read_usager_token
from accueil.web.deps import SESSION_COOKIE

router = APIRouter()
POLICY_VIOLATION = 1008


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    return origin is None or urlparse(origin).netloc == websocket.headers.get("host", "")


async def _staff(websocket: WebSocket, *roles: str) -> Actor | None:
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token or not _same_origin(websocket):
        return None
    rt = runtime_of(websocket.app)

    def resolve(session: object) -> Actor | None:
        user = identity.resolve_session(session, token)  # type: ignore[arg-type]
        return identity.actor_for(session, user) if user is not None else None  # type: ignore[arg-type]

    actor = await rt.run(resolve)
    return actor if actor is not None and actor.has_role(*roles) else None


async def _serve(websocket: WebSocket, connection: Connection) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        await connection.serve()


@router.websocket("/api/v1/livechat/ws/usager")
async def usager_socket(websocket: WebSocket, token: str = "", after: int = 0) -> None:
    rt = runtime_of(websocket.app)
    try:
        public_id = read_usager_token(rt.settings.secret_key, token)
        conversation_id = await rt.run(lambda s: conversations.by_public_id(s, public_id).id)
    except DomainError as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])
        return
    await websocket.accept()
    await _serve(websocket, UsagerConnection(websocket, rt, conversation_id=conversation_id, after_id=max(0, after)))


@router.websocket("/api/v1/livechat/ws/agent")
async def agent_socket(websocket: WebSocket) -> None:
    actor = await _staff(websocket, Role.AGENT)
    if actor is None:
        await websocket.close(code=POLICY_VIOLATION, reason="Connexion agent requise.")
        return
    await websocket.accept()
    await _serve(websocket, AgentConnection(websocket, runtime_of(websocket.app), actor=actor))


@router.websocket("/api/v1/livechat/ws/supervision")
async def supervision_socket(websocket: WebSocket) -> None:
    actor = await _staff(websocket, Role.SUPERVISEUR)
    if actor is None:
        await websocket.close(code=POLICY_VIOLATION, reason="Connexion superviseur requise.")
        return
    rt = runtime_of(websocket.app)
    organisations = await rt.run(lambda s: supervision.scope(s, actor))
    await websocket.accept()
    await _serve(websocket, SupervisorConnection(websocket, rt, actor=actor, organisation_ids=organisations))
