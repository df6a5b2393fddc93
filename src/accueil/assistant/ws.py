"""The chat WebSocket: the same turns as the REST API on one connection, with a typing indicator.

Client -> server: {"type": "turn", "text"|"choice"|"dtmf": ..., "label"?, "client_id"?}, {"type": "resume",
"after": ID}, {"type": "ping"}. Server -> client: {"type": "typing"}, {"type": "replies", ...TurnOut},
{"type": "messages", ...MessagesOut}, {"type": "pong"}, {"type": "error", "status", "message"}.
A bad token closes the socket with code 4401 after an error frame (French message).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from accueil.assistant import service, tokens
from accueil.assistant.api import as_turn, get_assistant, play_turn
from accueil.assistant.schemas import TurnIn
from accueil.assistant.turns import Turn
from accueil.core.errors import DomainError

router = APIRouter()
MAX_FRAME = 25_000


@router.websocket("/api/v1/chat/ws")
async def chat_ws(websocket: WebSocket, token: str = "") -> None:
    app = websocket.app
    await websocket.accept()
    try:
        conversation_id = tokens.verify(app.state.settings.secret_key, token)
    except DomainError as exc:
        await websocket.send_json({"type": "error", "status": 401, "message": exc.message})
        await websocket.close(code=4401)
        return
    assistant = get_assistant(websocket)  # type: ignore[arg-type]
    limit = assistant.kit.policies.limits.turns_per_minute_per_conversation
    try:
        while True:
            raw = await websocket.receive_text()
            await websocket.send_json(await _answer(websocket, assistant, conversation_id, raw, limit))
    except WebSocketDisconnect:
        return


async def _answer(websocket: WebSocket, assistant: Any, conversation_id: str, raw: str, limit: int) -> dict[str, Any]:
    app = websocket.app
    if len(raw) > MAX_FRAME:
        return {"type": "error", "status": 413, "message": "Message trop volumineux."}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {"type": "error", "status": 422, "message": "Message illisible (JSON attendu)."}
    kind = data.pop("type", "")
    if kind == "ping":
        return {"type": "pong"}
    if kind == "resume":
        after = data.get("after", 0)
        return _resume(app, conversation_id, after if isinstance(after, int) and after >= 0 else 0)
    if kind != "turn":
        return {"type": "error", "status": 422, "message": "Type de message inconnu."}
    try:
        body = TurnIn.model_validate(data)
    except ValidationError:
        return {"type": "error", "status": 422, "message": "Tour invalide : un champ parmi text, choice et dtmf."}
    if not app.state.rate_limiter.hit(f"chat-conversation:{conversation_id}", limit):
        return {"type": "error", "status": 429, "message": "Trop de messages : patientez quelques secondes."}
    await websocket.send_json({"type": "typing"})
    return await _take(app, assistant, conversation_id, as_turn(body))


async def _take(app: Any, assistant: Any, conversation_id: str, turn: Turn) -> dict[str, Any]:
    try:
        out = await play_turn(app.state.sessionmaker, assistant, conversation_id, turn)
    except DomainError as exc:
        return {"type": "error", "status": exc.status_code, "message": exc.message}
    return {"type": "replies", **out.model_dump()}


def _resume(app: Any, conversation_id: str, after: int) -> dict[str, Any]:
    with app.state.sessionmaker.begin() as session:
        out = service.history(session, service.chat_conversation(session, conversation_id), after=after)
    return {"type": "messages", **out.model_dump()}
