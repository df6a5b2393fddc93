"""Dependencies of the live-chat routes: the runtime, the actor, the usager's conversation (signed token).

The actor is resolved here with a short session closed before the route runs (the login cache answers most
calls): a live-chat route then holds exactly one database connection, its own unit of work. With the shared
request session, a busy agent request held two connections and the pool could starve under load.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.livechat.runtime import LiveRuntime, runtime_of
from accueil.livechat.tokens import read_usager_token
from accueil.web.deps import ensure_actor, resolve_actor


def get_runtime(request: Request) -> LiveRuntime:
    return runtime_of(request.app)


def live_actor(request: Request) -> Actor | None:
    return resolve_actor(request)  # a short session of its own: the route's unit of work is its only connection


OptionalLiveActor = Annotated[Actor | None, Depends(live_actor)]


def live_roles(*roles: str) -> Callable[[Request, Actor | None], Awaitable[Actor]]:
    async def dependency(request: Request, actor: OptionalLiveActor) -> Actor:
        return ensure_actor(request, actor, roles)

    return dependency


def usager_public_id(
    request: Request,
    x_conversation_token: Annotated[str | None, Header(max_length=400)] = None,
    token: Annotated[str | None, Query(max_length=400)] = None,
) -> str:
    """The conversation the bearer of the token started (header X-Conversation-Token, or ?token=)."""
    return read_usager_token(request.app.state.settings.secret_key, x_conversation_token or token)


RuntimeDep = Annotated[LiveRuntime, Depends(get_runtime)]
UsagerPublicId = Annotated[str, Depends(usager_public_id)]
AgentActor = Annotated[Actor, Depends(live_roles(Role.AGENT))]
SupervisorActor = Annotated[Actor, Depends(live_roles(Role.SUPERVISEUR))]
StaffActor = Annotated[Actor, Depends(live_roles(Role.AGENT, Role.SUPERVISEUR))]
