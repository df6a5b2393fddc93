"""Handing over to a human: identification for N2 intents, the structured summary, the queue or a message.

When live chat runs for the public and the routing side is installed, the conversation enters the queue of
the intent's routing skill and the usager's organisation. Otherwise the usager leaves a message that
becomes a conversation of the mail channel (with a `mail_received` event), linked to this one.
"""

from __future__ import annotations

from typing import Any

from accueil.assistant.kit import Toolkit
from accueil.assistant.slots import PROMPTS
from accueil.assistant.state import TurnContext
from accueil.assistant.turns import ReplyKind
from accueil.conversations import service as conversations
from accueil.conversations.choices import Status
from accueil.core.clock import utcnow
from accueil.core.pii import mask_pii
from accueil.referential import service as referential

DEFAULT_SKILL = "accueil_orientation"


class HandoffDesk:
    def __init__(self, kit: Toolkit) -> None:
        self.kit = kit

    # ------------------------------------------------------------------ entry point
    def request(self, ctx: TurnContext, *, reason: str, intent: str | None = None, skill: str | None = None) -> None:
        """Identification first when the intent's level needs it (policy), then the handoff."""
        if ctx.conversation.status in (Status.QUEUED, Status.ASSIGNED):
            ctx.say(self.kit.policies.text("already_handed_off"), kind=ReplyKind.HANDOFF, mode="queue")
            return
        described = self.kit.intent(intent)
        policy = self.kit.policies.identification
        if described is not None and policy.required(described.level) and not ctx.state.raw.get("identified"):
            self.identify(ctx, {"do": "handoff", "reason": reason, "intent": intent, "skill": skill})
            return
        self.hand_over(ctx, reason=reason, intent=intent, skill=skill)

    # ------------------------------------------------------------------ identification
    def identify(self, ctx: TurnContext, then: dict[str, Any]) -> None:
        policies = self.kit.policies
        if ctx.state.flag("account_verified"):
            ctx.state.set_flag("identified", {"method": "compte", "reference": ctx.conversation.usager_ref})
            ctx.say(policies.text("identified_account"))
            ctx.event("identification_completed", method="compte")
            self.request(ctx, reason=then["reason"], intent=then.get("intent"), skill=then.get("skill"))
            return
        fields = policies.identification.fields_for(self.kit.group_of(ctx.public))
        missing = [name for name in fields if not ctx.state.slots.get(name)]
        if not missing:
            ctx.state.set_flag("identified", {"method": "+".join(fields), **{f: ctx.state.slots[f] for f in fields}})
            ctx.event("identification_completed", method="+".join(fields))
            self.request(ctx, reason=then["reason"], intent=then.get("intent"), skill=then.get("skill"))
            return
        if not ctx.state.flag("identifying"):
            ctx.state.set_flag("identifying")
            ctx.say(policies.text("identification_intro"))
        ctx.say(PROMPTS[missing[0]])
        ctx.state.wait_for({"kind": "slot", "slot": missing[0], "type": missing[0], "attempts": 0,
                            "then": {"do": "identify", "then": then},
                            "on_fail": {"do": "identify_failed", "then": then}})

    def identification_failed(self, ctx: TurnContext, then: dict[str, Any]) -> None:
        ctx.say(self.kit.policies.text("identification_failed"))
        ctx.state.set_flag("identified", {"method": "aucune"})
        self.hand_over(ctx, reason=then["reason"], intent=then.get("intent"), skill=then.get("skill"))

    # ------------------------------------------------------------------ the handoff itself
    def hand_over(self, ctx: TurnContext, *, reason: str, intent: str | None, skill: str | None) -> None:
        """Summary now; the queue is asked once the usager's message is written (the transcript stays in order)."""
        described = self.kit.intent(intent)
        skill = skill or (described.routing_skill if described else DEFAULT_SKILL)
        summary = self.summary(ctx, reason=reason, intent=intent, skill=skill)
        ctx.conversation.summary = summary
        ctx.handoff = True
        ctx.state.wait_for(None)
        ctx.defer(lambda: self._route(ctx, reason=reason, intent=intent, skill=skill, summary=summary))

    def _route(self, ctx: TurnContext, *, reason: str, intent: str | None, skill: str, summary: dict[str, Any]) -> None:
        kit, policies = self.kit, self.kit.policies
        live = kit.is_live(ctx.session, "livechat", ctx.public)
        result = None
        if live and kit.router is not None:
            result = kit.router.request(ctx.session, ctx.conversation, skill=skill,
                                        organisation_code=summary["organisation"], priority=self._priority(reason),
                                        summary=summary)
        queued = result is not None and result.queued
        if result is None or not kit.router_records_events:
            ctx.event("handoff_requested", reason=reason, skill=skill, intent=intent,
                      mode="queue" if queued else "message", position=result.position if result else None)
        if result is not None and result.queued:
            if ctx.conversation.status == Status.BOT:
                conversations.set_status(ctx.session, ctx.conversation, Status.QUEUED.value)
            text = result.message or self._queued_text(skill, result.position, result.wait_minutes)
            ctx.say(text, kind=ReplyKind.HANDOFF, mode="queue", position=result.position, wait=result.wait_minutes)
            return
        if result is not None and result.message:
            text = result.message  # closed hours or nobody staffed: the routing says when it reopens
        elif live:
            text = policies.text("handoff_unavailable")
        else:
            text = policies.text("handoff_closed_for_public", contact=policies.contact_for(ctx.public).sentence())
        ctx.say(text, kind=ReplyKind.HANDOFF, mode="message")
        self.contact_form(ctx)

    def _queued_text(self, skill: str, position: int | None, wait: float | None) -> str:
        label = self.kit.taxonomy.routing_skills.get(skill, skill).split(":")[0].split(",")[0]
        if position is not None and wait is not None:
            return self.kit.policies.text("handoff_queued", skill_label=label, position=position,
                                          wait=f"environ {max(1, round(wait))} min")
        return self.kit.policies.text("handoff_queued_nowait", skill_label=label)

    def _priority(self, reason: str) -> int:
        return self.kit.policies.handoff_priorities.get(reason, self.kit.policies.handoff_priorities.get("default", 0))

    def summary(self, ctx: TurnContext, *, reason: str, intent: str | None, skill: str) -> dict[str, Any]:
        """What the human sees first: nobody asks again what the bot already knows."""
        organisation = None
        if ctx.conversation.organisation_id is not None:
            org = referential.organisation_by_id(ctx.session, ctx.conversation.organisation_id)
            organisation = org.code if org else None
        if organisation is None and ctx.public:
            organisation = referential.get_public(ctx.session, ctx.public).centre_code
        described = self.kit.intent(intent)
        identified = ctx.state.raw.get("identified") or {}
        return {
            "reason": reason,
            "intent": intent,
            "intent_label": described.label if described else None,
            "level": described.level if described else None,
            "skill": skill,
            "public": ctx.public,
            "public_label": self.kit.public_label(ctx.public) or None,
            "organisation": organisation,
            "entities": list(ctx.state.raw.get("entities", [])),
            "slots": {k: v for k, v in ctx.state.slots.items() if not k.startswith("_")},
            "steps": list(ctx.state.raw["steps"]),
            "identification": identified.get("method"),
            "last_message": mask_pii(ctx.turn.shown_text, emails=False)[:500],
            "at": utcnow().isoformat(timespec="seconds"),
        }

    # ------------------------------------------------------------------ leave a message (mail channel)
    def contact_form(self, ctx: TurnContext) -> None:
        if ctx.state.slots.get("email"):
            ctx.say(self.kit.policies.text("contact_message"))
            ctx.state.wait_for({"kind": "contact", "field": "message"})
        else:
            ctx.say(self.kit.policies.text("contact_email"))
            ctx.state.wait_for({"kind": "slot", "slot": "email", "type": "email", "attempts": 0,
                                "then": {"do": "contact_message"}})

    def ask_message(self, ctx: TurnContext) -> None:
        ctx.say(self.kit.policies.text("contact_message"))
        ctx.state.wait_for({"kind": "contact", "field": "message"})

    def send_message(self, ctx: TurnContext, message: str) -> None:
        """The message becomes a conversation of the mail channel (`mail_received`), linked to this one."""
        ctx.state.wait_for(None)
        ctx.defer(lambda: self._send(ctx, message))

    def _send(self, ctx: TurnContext, message: str) -> None:
        chat, email = ctx.conversation, str(ctx.state.slots.get("email", ""))
        if self.kit.router is not None:
            mail = self.kit.router.leave_message(ctx.session, chat, text=message[:5000], email=email)
        else:
            organisation = (chat.summary or {}).get("organisation")
            mail = conversations.start_conversation(
                ctx.session, channel="email", public_code=ctx.public, organisation_code=organisation,
                usager_ref=email, context={"from_chat": chat.public_id, "summary": chat.summary or {}, "email": email},
            )
            conversations.append_message(ctx.session, mail, author_kind="usager", text=message[:5000],
                                         payload={"from_chat": chat.public_id})
            conversations.record_event(ctx.session, "mail_received", conversation=mail,
                                       data={"from_chat": chat.public_id, "source": "formulaire_chat"})
        ctx.state.set_flag("message_reference", mail.public_id)
        ctx.say(self.kit.policies.text("contact_sent", reference=mail.public_id[:8].upper()))
        ctx.event("contact_message_sent", reference=mail.public_id)
