"""The assistant: `handle(session, conversation, turn) -> list[Reply]`, channel-agnostic.

One turn: check the input, understand it, apply the policies (human on request, public, misunderstanding,
confirmation, N2 identification, deployment matrix), run flows or trees or answer (KB article, grounded
generative answer), ask for satisfaction, then write the usager message, the replies, the events and the
new state at once (nothing is written before a slow generator call).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accueil.assistant.desk import HandoffDesk
from accueil.assistant.dialogue import Dialogue
from accueil.assistant.kit import Toolkit
from accueil.assistant.slots import display, slots_from_entities
from accueil.assistant.slots import validate as validate_slot
from accueil.assistant.state import STATE_KEY, State, TurnContext
from accueil.assistant.turns import Reply, ReplyKind, Turn, TurnKind
from accueil.conversations import service as conversations
from accueil.conversations.choices import Status
from accueil.conversations.models import Conversation
from accueil.conversations.service import MAX_MESSAGE_CHARS
from accueil.knowledge.answers import parse_value
from accueil.knowledge.choices import VariableType
from accueil.knowledge.document import Variable


@dataclass(frozen=True, slots=True)
class TurnResult:
    replies: list[Reply]
    intent: str | None
    handoff: bool
    ended: bool
    last_message_id: int = 0

    @property
    def satisfaction_asked(self) -> bool:
        return any(reply.kind == ReplyKind.SATISFACTION for reply in self.replies)


class Assistant:
    def __init__(self, kit: Toolkit) -> None:
        self.kit = kit
        self.desk = HandoffDesk(kit)
        self.dialogue = Dialogue(kit, self.desk)

    def warm_up(self, session: Session) -> None:
        """Load what the first usager would otherwise wait for: the model, the knowledge view, the indexes."""
        self.kit.understanding.parse("bonjour", public=None)
        self.kit.view(session)
        self.kit.answerer.retrieve(session, "cotisations urssaf", public=None)

    # ------------------------------------------------------------------ conversations
    def open(self, session: Session, *, public: str | None = None, organisation: str | None = None,
             usager_ref: str | None = None, account_verified: bool = False, channel: str = "chat",
             page: str = "") -> tuple[Conversation, list[Reply]]:
        """Start a conversation and say hello (asks the public when the host page did not give it)."""
        conversation = conversations.start_conversation(
            session, channel=channel, public_code=public, organisation_code=organisation,
            usager_ref=usager_ref if account_verified else None, context={"page": page[:300]} if page else None,
        )
        ctx = TurnContext(session, conversation, Turn.text(""), State())
        ctx.state.public = public
        ctx.state.set_flag("account_verified", account_verified)
        self.dialogue.welcome(ctx)
        self._persist(ctx, store_turn=False)
        return conversation, ctx.replies

    async def handle(self, session: Session, conversation: Conversation, turn: Turn) -> list[Reply]:
        return (await self.take(session, conversation, turn)).replies

    async def take(self, session: Session, conversation: Conversation, turn: Turn) -> TurnResult:
        """One turn with what channels and tests want to know about it."""
        state = State.of(conversation)
        ctx = TurnContext(session, conversation, turn, state)
        policies = self.kit.policies
        if state.flag("ended") or conversation.status == Status.CLOSED:
            return TurnResult([Reply(ReplyKind.END, policies.text("conversation_ended"))], None, False, True)
        if conversation.status in (Status.QUEUED, Status.ASSIGNED):
            self._persist(ctx)  # a human has the conversation: the bot keeps quiet, the agent is told
            if self.kit.router is not None and ctx.last_message_id:
                self.kit.router.publish(session, conversation, ctx.last_message_id)
            return TurnResult([], None, True, False, ctx.last_message_id)
        await self._dispatch(ctx)
        if ctx.answered_level is not None and state.pending is None and not ctx.handoff \
                and policies.satisfaction.asks_after(ctx.answered_level):
            self.dialogue.ask_satisfaction(ctx)
        self._persist(ctx)
        intent = ctx.intent or (ctx.parse.intent if ctx.parse is not None and not ctx.parse.out_of_scope else None)
        return TurnResult(ctx.replies, intent, ctx.handoff, state.flag("ended"), ctx.last_message_id)

    # ------------------------------------------------------------------ dispatch
    async def _dispatch(self, ctx: TurnContext) -> None:
        turn, human = ctx.turn, self.kit.policies.human_request
        if turn.kind == TurnKind.DTMF:
            if human.is_request(dtmf=turn.value):
                self.dialogue.human(ctx)
                return
            options = list(ctx.state.options().items())
            index = int(turn.value) - 1 if turn.value.isdigit() else -1
            if 0 <= index < len(options):
                ctx.state.wait_for(None)
                await self.perform(ctx, options[index][1])
            else:
                self.dialogue.invalid_choice(ctx)
            return
        if turn.kind == TurnKind.CHOICE:
            await self._choice(ctx, turn.value)
            return
        await self._text(ctx, turn.value)

    async def _choice(self, ctx: TurnContext, choice_id: str) -> None:
        if self.kit.policies.human_request.is_request(choice=choice_id):
            self.dialogue.human(ctx)
            return
        options = ctx.state.options()
        if choice_id in options:
            ctx.state.wait_for(None)
            await self.perform(ctx, options[choice_id])
            return
        if not choice_id.startswith(("public:", "group:")) and not self.dialogue.chatbot_open(ctx):
            return
        prefix, _, value = choice_id.partition(":")
        action = {
            "public": {"do": "public", "code": value},
            "group": {"do": "group", "code": value},
            "intent": {"do": "intent", "intent": value},
            "flow": {"do": "flow", "flow": value},
        }.get(prefix)
        if choice_id == "menu":
            self.dialogue.menu(ctx)
        elif action is not None and self.dialogue.is_known(ctx, action):
            ctx.state.wait_for(None)
            await self.perform(ctx, action)
        else:
            self.dialogue.invalid_choice(ctx)

    async def _text(self, ctx: TurnContext, raw: str) -> None:
        text, limits = " ".join(raw.split()), self.kit.policies.limits
        if not text:
            ctx.say(self.kit.policies.text("empty"), *ctx.state.pending_choices())
            return
        if len(text) > limits.max_turn_chars:
            ctx.say(self.kit.policies.text("too_long", length=len(text), max=limits.max_turn_chars))
            return
        parse = self.kit.understanding.parse(text, public=ctx.public)
        ctx.parse, ctx.parsed = parse, (text, ctx.public)
        self._remember_entities(ctx)
        if self.kit.policies.human_request.is_request(intent=parse.intent):
            self.dialogue.human(ctx)
            return
        if not self.dialogue.chatbot_open(ctx):
            return
        pending = ctx.state.pending or {}
        if pending.get("kind") == "slot":
            await self._slot(ctx, pending, text)
            return
        if pending.get("kind") == "contact":
            self.desk.send_message(ctx, text)
            return
        if pending.get("kind") == "comment":
            self.dialogue.comment(ctx, text)
            return
        picked = self.dialogue.pick_by_text(ctx, text)
        if picked is not None:
            ctx.state.wait_for(None)
            await self.perform(ctx, picked)
            return
        ctx.state.wait_for(None)
        if self.dialogue.needs_public(ctx, text):
            return
        await self.dialogue.understood(ctx, text)

    def _remember_entities(self, ctx: TurnContext) -> None:
        assert ctx.parse is not None
        seen = ctx.state.raw.setdefault("entities", [])
        for entity in ctx.parse.entities:
            item = {"type": entity.type.value, "value": entity.value, "valid": entity.valid}
            if entity.valid and item not in seen:
                seen.append(item)
        del seen[:-20]
        pending = ctx.state.pending or {}
        for name, value in slots_from_entities(ctx.parse.entities).items():
            if pending.get("kind") != "slot" or pending.get("slot") != name:
                ctx.state.slots.setdefault(name, value)

    async def _slot(self, ctx: TurnContext, pending: dict[str, Any], text: str) -> None:
        slot_type = str(pending.get("type", "text"))
        if slot_type.startswith("variable:"):
            variable = Variable(name=pending["slot"], type=VariableType(slot_type.split(":", 1)[1]),
                                label=pending.get("label", "?"))
            try:
                value, error = parse_value(variable, text), ""
            except ValueError as exc:
                value, error = None, f"{variable.label} : {exc}."
        else:
            result = validate_slot(slot_type, text)
            value, error = result.value, result.error
        if value is not None:
            ctx.state.slots[pending["slot"]] = value
            ctx.state.slots[f"{pending['slot']}_libelle"] = display(slot_type, value)
            ctx.state.wait_for(None)
            ctx.event("slot_filled", slot=pending["slot"])
            await self.perform(ctx, pending.get("then") or {"do": "none"})
            return
        if self._moves_on(ctx):  # not an answer but a new, clearly understood request: follow the usager
            ctx.state.wait_for(None)
            ctx.event("slot_abandoned", slot=pending["slot"])
            if not self.dialogue.needs_public(ctx, text):
                await self.dialogue.understood(ctx, text)
            return
        attempts = int(pending.get("attempts", 0)) + 1
        ctx.event("slot_invalid", slot=pending["slot"], attempts=attempts)
        if attempts >= self.kit.policies.identification.max_attempts and pending.get("on_fail"):
            ctx.say(self.kit.policies.text("slot_retry_exhausted"))
            ctx.state.wait_for(None)
            await self.perform(ctx, pending["on_fail"])
            return
        ctx.say(error)
        ctx.state.wait_for({**pending, "attempts": attempts})

    def _moves_on(self, ctx: TurnContext) -> bool:
        parse = ctx.parse
        if parse is None or parse.out_of_scope or parse.intent is None:
            return False
        never = self.kit.policies.misunderstanding.never_suggest
        long_enough = len(parse.text.split()) >= 4  # "pas d'adresse" answers the question, it is no new request
        return long_enough and parse.intent not in never and parse.confidence >= self.kit.policies.confirmation.high

    # ------------------------------------------------------------------ actions behind buttons and slots
    async def perform(self, ctx: TurnContext, action: dict[str, Any]) -> None:
        do, runner, dialogue = action.get("do"), self.dialogue.runner, self.dialogue
        if do == "goto":
            runner.resume(ctx, action)
        elif do == "tree":
            runner.tree_node(ctx, action["node"], chosen=(action["record"], action["value"]))
        elif do == "fill":
            ctx.state.slots[action["slot"]] = action["value"]
            await self.perform(ctx, action["then"])
        elif do == "deliver":
            doc = self.kit.view(ctx.session).article(action["slug"])
            if doc is not None:
                runner.deliver(ctx, doc, action["answer"], action["templates"], level=action["level"],
                               intent=action.get("intent"), then=action.get("then"))
        elif do == "handoff":
            self.desk.request(ctx, reason=action.get("reason", "choix_usager"), intent=action.get("intent"))
        elif do == "identify":
            self.desk.identify(ctx, action["then"])
        elif do == "identify_failed":
            self.desk.identification_failed(ctx, action["then"])
        elif do == "contact_message":
            self.desk.ask_message(ctx)
        else:
            await dialogue.perform(ctx, action)

    # ------------------------------------------------------------------ writing the turn
    def _persist(self, ctx: TurnContext, *, store_turn: bool = True) -> None:
        session, conversation, turn = ctx.session, ctx.conversation, ctx.turn
        if store_turn and turn.shown_text.strip():
            text = turn.shown_text
            payload: dict[str, Any] = {"turn": turn.kind.value}
            if turn.kind != TurnKind.TEXT:
                payload["value"] = turn.value
            if turn.client_id:
                payload["client_id"] = turn.client_id
            if len(text) > MAX_MESSAGE_CHARS:
                payload["length"], text = len(text), text[:MAX_MESSAGE_CHARS]
            message = conversations.append_message(session, conversation, author_kind="usager", text=text,
                                                   payload=payload, nlu=ctx.parse.as_dict() if ctx.parse else None)
            ctx.last_message_id = message.id
        for action in ctx.deferred:  # the queue and the mail channel, after the usager's message
            action()
        for reply in ctx.replies:
            message = conversations.append_message(session, conversation, author_kind="bot", text=reply.text,
                                                   payload={**reply.as_dict(), "data": _jsonable(reply.data)})
            ctx.last_message_id = message.id
        for kind, data, note in ctx.events:
            conversations.record_event(session, kind, conversation=conversation, data=_jsonable(data), note=note)
        conversation.context = {**(conversation.context or {}), STATE_KEY: ctx.state.raw}
        if ctx.intent:
            conversation.current_intent = ctx.intent
        if ctx.state.flag("ended") and conversation.status == Status.BOT:
            conversations.set_status(session, conversation, Status.CLOSED.value)
        session.flush()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(v, str | int | float | bool | list | dict | type(None))}
