"""Dependencies of the live-chat routes: the runtime, the usager's conversation (signed token), staff roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.livechat.runtime import LiveRuntime, runtime_of
from accueil.livechat.tokens import read_usager_token
from accueil.web.deps import require_roles


def get_runtime(request: Request) -> LiveRuntime:
    return runtime_of(request.app)


def usager_public_id(
    request: Request,
    x_conversation_token: Annotated[str | None, Header(max_length=400)] = None,
    token: Annotated[str | None, Query(max_length=400)] = None,
) -> str:
    """The conversation the bearer of the token started (header X-Conversation-Token, or ?token=)."""
    return read_usager_token(request.app.state.settings.secret_key, x_conversation_token or token)


RuntimeDep = Annotated[LiveRuntime, Depends(get_runtime)]
UsagerPublicId = Annotated[str, Depends(usager_public_id)]
AgentActor = Annotated[Actor, Depends(require_roles(Role.AGENT))]
SupervisorActor = Annotated[Actor, Depends(require_roles(Role.SUPERVISEUR))]
StaffActor = Annotated[Actor, Depends(require_roles(Role.AGENT, Role.SUPERVISEUR))]
