"""Enumerations of routing: agent presence and the states of a queue entry."""

from __future__ import annotations

from enum import StrEnum


class Presence(StrEnum):
    AVAILABLE = "disponible"
    PAUSE = "pause"
    OFFLINE = "hors_ligne"

    @property
    def label(self) -> str:
        return PRESENCE_LABELS[self]


PRESENCE_LABELS: dict[Presence, str] = {
    Presence.AVAILABLE: "Disponible",
    Presence.PAUSE: "En pause",
    Presence.OFFLINE: "Hors ligne",
}


class EntryState(StrEnum):
    WAITING = "waiting"  # in a queue, nobody has taken it yet
    TAKEN = "taken"  # an agent handles it (the handling slot is busy)
    DONE = "done"  # handled: closed by the agent or moved on (transfer, requeue)
    ABANDONED = "abandoned"  # the usager left before anyone answered
    CANCELLED = "cancelled"  # the usager cancelled while waiting


class OutcomeStatus(StrEnum):
    QUEUED = "queued"
    CLOSED_HOURS = "closed_hours"
    UNSTAFFED = "unstaffed"
