"""What goes in and out of the assistant: a Turn (text, button choice or DTMF) and Replies (frames).

Both are immutable and channel-agnostic; a channel turns its wire format into a Turn and renders Replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TurnKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DTMF = "dtmf"


@dataclass(frozen=True, slots=True)
class Turn:
    kind: TurnKind
    value: str
    label: str = ""  # for a choice: the button label the usager saw (stored as the message text)
    client_id: str = ""  # idempotency key sent by the widget (a retried turn is answered once)

    @classmethod
    def text(cls, value: str, *, client_id: str = "") -> Turn:
        return cls(TurnKind.TEXT, value, client_id=client_id)

    @classmethod
    def choice(cls, choice_id: str, *, label: str = "", client_id: str = "") -> Turn:
        return cls(TurnKind.CHOICE, choice_id, label=label, client_id=client_id)

    @classmethod
    def dtmf(cls, digits: str) -> Turn:
        return cls(TurnKind.DTMF, digits)

    @property
    def shown_text(self) -> str:
        """What the transcript shows for this turn."""
        if self.kind == TurnKind.CHOICE:
            return self.label or self.value
        return self.value


class ReplyKind(StrEnum):
    TEXT = "text"
    CHOICES = "choices"
    SOURCES = "sources"
    HANDOFF = "handoff"
    SATISFACTION = "satisfaction"
    END = "end"


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label}


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str = ""
    checked: str | None = None  # ISO date the content was last checked
    key: str = ""  # "article:<slug>", "chunk:<doc>:<n>"...

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "checked": self.checked, "key": self.key}


@dataclass(frozen=True, slots=True)
class Reply:
    kind: ReplyKind
    text: str = ""
    choices: tuple[Choice, ...] = ()
    sources: tuple[Source, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "choices": [c.as_dict() for c in self.choices],
            "sources": [s.as_dict() for s in self.sources],
        }

    @classmethod
    def from_payload(cls, text: str, payload: dict[str, Any]) -> Reply:
        return cls(
            kind=ReplyKind(payload.get("kind", "text")),
            text=text,
            choices=tuple(Choice(c["id"], c["label"]) for c in payload.get("choices", [])),
            sources=tuple(
                Source(s.get("title", ""), s.get("url", ""), s.get("checked"), s.get("key", ""))
                for s in payload.get("sources", [])
            ),
        )


def say(text: str, *choices: Choice) -> Reply:
    return Reply(ReplyKind.CHOICES if choices else ReplyKind.TEXT, text, tuple(choices))
