"""Dialogue state (kept in `Conversation.context["assistant"]`, plain JSON) and the context of one turn.

The state says what the bot waits for (`pending`): choices with the action of each button, a slot to
validate, a comment, a contact-form field. Buttons carry semantic ids (`public:AE`, `intent:<id>`,
`flow:<id>`, `handoff`...) valid at any time, or contextual ids (`step:...`, `tree:...`, `yes`, `sat:oui`)
valid only while pending.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from accueil.assistant.turns import Choice, Reply, ReplyKind, Turn
from accueil.conversations.models import Conversation
from accueil.understanding.engine import ParseResult

STATE_KEY = "assistant"
MAX_STEPS = 40


class State:
    """Typed accessors over the JSON state of one conversation."""

    def __init__(self, raw: dict[str, Any] | None = None) -> None:
        self.raw: dict[str, Any] = copy.deepcopy(raw or {})
        self.raw.setdefault("slots", {})
        self.raw.setdefault("steps", [])
        self.raw.setdefault("misunderstood", 0)

    @classmethod
    def of(cls, conversation: Conversation) -> State:
        return cls((conversation.context or {}).get(STATE_KEY))

    # what the bot waits for
    @property
    def pending(self) -> dict[str, Any] | None:
        return self.raw.get("pending")

    def wait_for(self, pending: dict[str, Any] | None) -> None:
        self.raw["pending"] = pending

    def options(self) -> dict[str, dict[str, Any]]:
        """The action behind each button the bot is waiting on (choices, or the buttons beside a comment)."""
        return dict((self.pending or {}).get("options", {}))

    def pending_choices(self) -> list[Choice]:
        pending = self.pending or {}
        return [Choice(cid, label) for cid, label in pending.get("labels", {}).items()]

    # usager facts
    @property
    def public(self) -> str | None:
        return self.raw.get("public")

    @public.setter
    def public(self, code: str | None) -> None:
        self.raw["public"] = code

    @property
    def slots(self) -> dict[str, Any]:
        return self.raw["slots"]

    @property
    def misunderstood(self) -> int:
        return int(self.raw["misunderstood"])

    @misunderstood.setter
    def misunderstood(self, count: int) -> None:
        self.raw["misunderstood"] = count

    @property
    def flow(self) -> dict[str, Any] | None:
        return self.raw.get("flow")

    @flow.setter
    def flow(self, position: dict[str, Any] | None) -> None:
        self.raw["flow"] = position

    def reached(self, step: str) -> None:
        steps = self.raw["steps"]
        if not steps or steps[-1] != step:
            steps.append(step)
        del steps[:-MAX_STEPS]

    def flag(self, name: str) -> bool:
        return bool(self.raw.get(name))

    def set_flag(self, name: str, value: Any = True) -> None:
        self.raw[name] = value


@dataclass
class TurnContext:
    """Everything one turn produces before it is written: replies, events, the new state."""

    session: Session
    conversation: Conversation
    turn: Turn
    state: State
    parse: ParseResult | None = None
    parsed: tuple[str, str | None] | None = None  # (text, public) the parse was made for
    replies: list[Reply] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    intent: str | None = None
    answered_level: int | None = None
    handoff: bool = False
    last_message_id: int = 0
    deferred: list[Callable[[], None]] = field(default_factory=list)  # writes that follow the usager's message

    @property
    def public(self) -> str | None:
        return self.state.public

    @property
    def channel(self) -> str:
        return self.conversation.channel

    def say(self, text: str, *choices: Choice, kind: ReplyKind | None = None, **data: Any) -> None:
        chosen = kind or (ReplyKind.CHOICES if choices else ReplyKind.TEXT)
        self.replies.append(Reply(chosen, text, tuple(choices), data=data))

    def add(self, reply: Reply) -> None:
        self.replies.append(reply)

    def event(self, kind: str, note: str = "", **data: Any) -> None:
        self.events.append((kind, data, note))

    def defer(self, action: Callable[[], None]) -> None:
        self.deferred.append(action)

    def record(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append((kind, dict(data), ""))

    def offer(self, text: str, options: list[tuple[Choice, dict[str, Any]]], *, kind: ReplyKind | None = None,
              waiting: str = "choices", **data: Any) -> None:
        """Show buttons and remember the action behind each one (`waiting`: "choices" or "comment")."""
        self.say(text, *(choice for choice, _ in options), kind=kind, **data)
        self.state.wait_for({
            "kind": waiting,
            "text": text,
            "options": {choice.id: action for choice, action in options},
            "labels": {choice.id: choice.label for choice, _ in options},
        })
