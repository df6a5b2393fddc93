"""Chat API for the web widget (and any client): start a conversation, send turns, resume after a reload.

Authentication is the signed usager token returned at start (header `X-Chat-Token`); CORS is open because the
widget runs on other sites and the token, not a cookie, carries the session.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.responses import Response

from accueil.assistant import service, tokens
from accueil.assistant.engine import Assistant
from accueil.assistant.schemas import MessagesOut, ReplyOut, StartIn, StartOut, TurnIn, TurnOut
from accueil.assistant.turns import Turn
from accueil.core.errors import RateLimited, Unauthenticated
from accueil.web.deps import SessionDep, SettingsDep, rate_limit

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "content-type, x-chat-token",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
}
_BUILD_LOCK = threading.Lock()
log = logging.getLogger(__name__)


class CorsRoute(APIRoute):
    """Adds the CORS headers to every response of the chat API, error responses included."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except Exception as exc:
                on_error = next((request.app.exception_handlers[k] for k in type(exc).__mro__
                                 if k in request.app.exception_handlers), None)
                if on_error is None:
                    raise
                response = await on_error(request, exc)
            response.headers.update(CORS_HEADERS)
            return response

        return handler


router = APIRouter(prefix="/api/v1/chat", tags=["chat"], route_class=CorsRoute)


def ensure_assistant(app: FastAPI) -> Assistant:
    """One assistant per application, built once from the app settings (the NLU model is trained if none)."""
    assistant = getattr(app.state, "assistant", None)
    if assistant is None:
        with _BUILD_LOCK:
            assistant = getattr(app.state, "assistant", None)
            if assistant is None:
                from accueil.assistant import build_assistant

                assistant = build_assistant(app.state.settings, state=app.state)
                with app.state.sessionmaker() as session:
                    assistant.warm_up(session)
                app.state.assistant = assistant
    return assistant  # type: ignore[no-any-return]


def warm_up_in_background(app: FastAPI) -> threading.Thread:
    """Build the assistant right after start-up, so the first usager does not wait for a model to train."""

    def run() -> None:
        try:
            ensure_assistant(app)
        except Exception:  # the first request retries and reports the error to its caller
            log.exception("préparation de l'assistant impossible au démarrage")

    thread = threading.Thread(target=run, name="assistant-warm-up", daemon=True)
    thread.start()
    return thread


def get_assistant(request: Request) -> Assistant:
    return ensure_assistant(request.app)


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def granted_conversation(
    conversation_id: str,
    settings: SettingsDep,
    x_chat_token: Annotated[str | None, Header(description="Jeton usager reçu au démarrage")] = None,
) -> str:
    """The conversation id the signed token grants; forged, expired or foreign tokens answer 401."""
    if tokens.verify(settings.secret_key, x_chat_token) != conversation_id:
        raise Unauthenticated("Ce jeton ne correspond pas à cette conversation : recommencez la conversation.")
    return conversation_id


GrantedConversation = Annotated[str, Depends(granted_conversation)]


def limit_conversation(request: Request, conversation_id: str) -> None:
    """Flooding one conversation is refused even from many addresses."""
    assistant = get_assistant(request)
    limit = assistant.kit.policies.limits.turns_per_minute_per_conversation
    if not request.app.state.rate_limiter.hit(f"chat-conversation:{conversation_id}", limit):
        raise RateLimited("Vous envoyez trop de messages : patientez quelques secondes avant de réessayer.")


@router.options("/{path:path}", include_in_schema=False)
def preflight(path: str) -> Response:
    return Response(status_code=204)


@router.post("/conversations", status_code=201, response_model=StartOut,
             dependencies=[Depends(rate_limit("chat-start"))],
             summary="Démarrer une conversation (renvoie le jeton usager signé)")
async def start(body: StartIn, request: Request, settings: SettingsDep, assistant: AssistantDep) -> StartOut:
    wanted = service.StartRequest(public=body.public.upper() if body.public else None, organisation=body.organisation,
                                  account_ref=body.account.ref if body.account else None,
                                  account_signature=body.account.signature if body.account else None, page=body.page)

    async def work(session: Session) -> StartOut:
        conversation, replies = service.start_chat(session, assistant, wanted, secret=settings.secret_key)
        token, expires = tokens.issue(settings.secret_key, conversation.public_id,
                                      hours=assistant.kit.policies.limits.token_hours)
        return StartOut(conversation_id=conversation.public_id, token=token, expires_at=expires.isoformat(),
                        public=conversation.public_code, replies=[ReplyOut.of(r) for r in replies],
                        last_message_id=service.last_message_id(session, conversation))

    return await service.in_transaction(request.app.state.sessionmaker, work)


def as_turn(body: TurnIn) -> Turn:
    if body.choice is not None:
        return Turn.choice(body.choice, label=body.label, client_id=body.client_id)
    if body.dtmf is not None:
        return Turn.dtmf(body.dtmf)
    return Turn.text(body.text or "", client_id=body.client_id)


async def play_turn(factory: Any, assistant: Assistant, conversation_id: str, turn: Turn) -> TurnOut:
    """One turn in its own transaction (replayed on a SQLite write conflict): REST and WebSocket share it."""

    async def work(session: Session) -> TurnOut:
        conversation = service.chat_conversation(session, conversation_id)
        result = await service.take_turn(session, assistant, conversation, turn)
        return TurnOut(replies=[ReplyOut.of(r) for r in result.replies], intent=result.intent,
                       handoff=result.handoff, satisfaction_asked=result.satisfaction_asked, ended=result.ended,
                       last_message_id=result.last_message_id or service.last_message_id(session, conversation),
                       status=conversation.status)

    return await service.in_transaction(factory, work)


@router.post("/conversations/{conversation_id}/turns", response_model=TurnOut,
             dependencies=[Depends(rate_limit("chat-turn")), Depends(limit_conversation)],
             summary="Envoyer un tour : texte libre, bouton ou touche")
async def turn(body: TurnIn, request: Request, conversation_id: GrantedConversation,
               assistant: AssistantDep) -> TurnOut:
    return await play_turn(request.app.state.sessionmaker, assistant, conversation_id, as_turn(body))


@router.get("/conversations/{conversation_id}/messages", response_model=MessagesOut,
            dependencies=[Depends(rate_limit("chat-read"))],
            summary="Relire la conversation (après un rechargement ou une coupure réseau)")
def messages(conversation_id: GrantedConversation, session: SessionDep,
             after: Annotated[int, Query(ge=0, description="Dernier message déjà affiché")] = 0) -> MessagesOut:
    return service.history(session, service.chat_conversation(session, conversation_id), after=after)
