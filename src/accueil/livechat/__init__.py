"""Live chat: the agent console, the supervision view, the usager's side (API, WebSocket, JS client), the
real-time layer (Broker: in-process or Redis pub/sub) and the archive of closed conversations.

Queues and assignment live in `accueil.routing`; this package is the human work built on top of it.
The app factory mounts `routers()` and adds NAV_ENTRIES / HOME_CARDS.
"""

from __future__ import annotations

from typing import Any

from accueil.identity.choices import Role

NAV_ENTRIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Console live chat", "/console", (Role.AGENT,)),
    ("Supervision", "/supervision", (Role.SUPERVISEUR,)),
]
HOME_CARDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("Console live chat", "/console", "Prendre en charge les conversations transmises par le bot.", (Role.AGENT,)),
    (
        "Supervision du live chat",
        "/supervision",
        "Files en direct, charge des agents, niveau de service.",
        (Role.SUPERVISEUR,),
    ),
]


def routers() -> tuple[Any, ...]:
    """The routers to mount (imported here, lazily, so that importing the models stays cheap)."""
    from accueil.livechat import agent_api, api, supervision_api, views, ws

    return (api.router, agent_api.router, supervision_api.router, ws.router, views.router)
