"""The conversational policies applied to an understood message: public, deployment matrix, intents,
confirmation, misunderstanding counter, generative answers, satisfaction. Each reads its policy object."""

from __future__ import annotations

from typing import Any

from accueil.assistant.desk import HandoffDesk
from accueil.assistant.generative.answerer import GenerativeAnswer
from accueil.assistant.kit import Toolkit
from accueil.assistant.policies import fold
from accueil.assistant.runner import FlowRunner
from accueil.assistant.state import TurnContext
from accueil.assistant.turns import Choice, Reply, ReplyKind
from accueil.knowledge.choices import NodeKind
from accueil.referential import service as referential
from accueil.understanding.engine import OosReason, ParseResult

SMALL_TALK = {"salutation": "greeting", "remerciement": "thanks", "au_revoir": "goodbye",
              "demande_capacites_bot": "capabilities", "affirmer": "more_help", "nier": "more_help",
              "patienter": "more_help", "fournir_identifiant": "more_help"}
RELATED_ABSTENTIONS = {"support_faible", "phrases_non_etayees", "generateur"}  # documents found, no answer in them
YES_ACTIONS = {"confirm_yes", "public_yes"}
NO_ACTIONS = {"confirm_no", "public_no"}


class Dialogue:
    def __init__(self, kit: Toolkit, desk: HandoffDesk) -> None:
        self.kit, self.desk = kit, desk
        self.runner = FlowRunner(kit, desk)

    # ------------------------------------------------------------------ opening, public, deployment
    def welcome(self, ctx: TurnContext) -> None:
        policies = self.kit.policies
        if ctx.public is not None:
            ctx.event("public_detected", public=ctx.public, source="page")
            if self.chatbot_open(ctx):
                self.menu(ctx, text=policies.text("welcome"))
            return
        ctx.say(policies.text("welcome"))
        self.ask_public(ctx)

    def chatbot_open(self, ctx: TurnContext) -> bool:
        """The deployment matrix: when the chatbot is not live for the public, say where to go instead."""
        if ctx.public is None or self.kit.is_live(ctx.session, "chatbot", ctx.public):
            return True
        contact = self.kit.policies.contact_for(ctx.public).sentence()
        text = self.kit.policies.text("chatbot_closed", public_label=self.kit.public_label(ctx.public), contact=contact)
        ctx.offer(text, [(Choice("menu_public", self.kit.policies.text("change_public")), {"do": "ask_public"})])
        return False

    def menu(self, ctx: TurnContext, *, text: str | None = None) -> None:
        flows = self.kit.flows.menu(ctx.public)
        ctx.say(text or self.kit.policies.text("more_help"), *(Choice(f"flow:{f.id}", f.title) for f in flows))

    def ask_public(self, ctx: TurnContext) -> None:
        groups: dict[str, str] = {}
        for public in referential.list_publics(ctx.session):
            groups.setdefault(public.group_code, public.group_name)
        ctx.say(self.kit.policies.text("ask_public"), *(Choice(f"group:{c}", n) for c, n in groups.items()))
        ctx.state.set_flag("public_asked", int(ctx.state.raw.get("public_asked") or 0) + 1)

    def needs_public(self, ctx: TurnContext, text: str) -> bool:
        """Unknown public: infer it from the vocabulary and confirm, or ask once (the text waits)."""
        detection = self.kit.policies.public_detection
        if ctx.public is not None or not detection.ask_when_unknown:
            return False
        inferred = detection.infer(text)
        if inferred is not None and detection.confirm_inferred:
            ctx.state.set_flag("stash", text)
            label = self.kit.public_label(inferred)
            ctx.offer(self.kit.policies.text("confirm_public", public_label=label), [
                (Choice("yes", self.kit.policies.text("label_yes")), {"do": "public_yes", "code": inferred}),
                (Choice("no", self.kit.policies.text("label_no")), {"do": "public_no"}),
            ])
            return True
        if inferred is not None:
            ctx.state.public = inferred
            return False
        if int(ctx.state.raw.get("public_asked") or 0) >= 2:
            return False  # asked twice already: go on without it
        ctx.state.set_flag("stash", text)
        self.ask_public(ctx)
        return True

    async def set_public(self, ctx: TurnContext, code: str, *, source: str) -> None:
        ctx.state.public = code
        ctx.conversation.public_code = code
        ctx.event("public_detected", public=code, source=source)
        if not self.chatbot_open(ctx):
            return
        stash = ctx.state.raw.pop("stash", None)
        ctx.say(self.kit.policies.text("public_set", public_label=self.kit.public_label(code)))
        if stash:
            await self.understood(ctx, stash)
        else:
            self.menu(ctx)

    def is_known(self, ctx: TurnContext, action: dict[str, Any]) -> bool:
        do = action["do"]
        if do == "public":
            return action["code"] in self.kit.taxonomy.publics
        if do == "group":
            return action["code"] in self.kit.taxonomy.groups
        if do == "intent":
            return self.kit.intent(action["intent"]) is not None
        return do == "flow" and self.kit.flows.get(action["flow"]) is not None

    # ------------------------------------------------------------------ understanding
    async def understood(self, ctx: TurnContext, text: str) -> None:
        parse = ctx.parse  # the parse of this turn's text, or of the question that waited for the public
        if parse is None or ctx.parsed != (text, ctx.public):
            parse = self.kit.understanding.parse(text, public=ctx.public)
        ctx.state.set_flag("last_question", text[:500])
        if parse.out_of_scope or self.kit.policies.confirmation.too_low(parse.confidence):
            answer = await self.generative(ctx, text) if parse.oos_reason != OosReason.EMPTY else None
            if answer is not None and not answer.abstained:
                ctx.state.misunderstood = 0
                return
            related = answer is not None and answer.reason in RELATED_ABSTENTIONS
            self.misunderstood(ctx, parse, abstained=related)
            return
        intent = parse.intent or ""
        if intent == "repeter_reformuler":
            self.kit.record_misunderstood(ctx.session, **self._learning(ctx, text, "reformulation", parse))
            ctx.say(self.kit.policies.text("rephrase_no_suggestion"), Choice("handoff", self._human_label()))
            return
        if self.kit.policies.confirmation.applies(parse.confidence, ctx.channel):
            ctx.event("confirmation_asked", intent=intent, confidence=round(parse.confidence, 3))
            yes, no = self.kit.policies.text("label_yes"), self.kit.policies.text("label_no")
            ctx.offer(self.kit.policies.text("confirm", label=self.kit.label(intent)), [
                (Choice("yes", yes), {"do": "confirm_yes", "intent": intent, "question": text}),
                (Choice("no", no), {"do": "confirm_no", "question": text}),
            ])
            return
        await self.serve_intent(ctx, intent, text, confidence=parse.confidence)

    async def serve_intent(self, ctx: TurnContext, intent: str, question: str, *, confidence: float = 1.0) -> None:
        """Flow first, then N2 identification + handoff, then the article (its usager tree), then generation."""
        described = self.kit.intent(intent)
        if described is None:
            return
        ctx.state.misunderstood = 0
        ctx.intent = intent
        ctx.event("intent_detected", intent=intent, confidence=round(confidence, 3), level=described.level)
        if intent in self.kit.policies.human_request.intents:
            self.human(ctx)
            return
        flow = self.kit.flows.for_intent(intent, ctx.public)
        if intent in SMALL_TALK and flow is None:
            self.small_talk(ctx, intent)
            return
        if intent not in SMALL_TALK:
            ctx.state.set_flag("intent", intent)  # the business subject, kept for routing and the summary
        if flow is not None:
            self.runner.start(ctx, flow.id, intent=intent)
            return
        if self.kit.policies.identification.required(described.level):
            self.desk.request(ctx, reason="niveau_2", intent=intent)
            return
        doc = self.kit.view(ctx.session).for_intent(intent, ctx.public)
        if doc is not None and doc.tree is not None:
            start = doc.tree.node(doc.tree.start)
            if start is not None and start.usager and start.kind != NodeKind.OUTCOME:
                self.runner.start_tree(ctx, doc, values={}, level=1, intent=intent, then=None)
                return
        if doc is not None:
            self.runner.deliver(ctx, doc, "", {}, level=1, intent=intent, then=None)
            return
        answer = await self.generative(ctx, question)
        if answer is not None and not answer.abstained:
            return
        key = "generative_abstain" if answer is not None else "generative_closed"
        ctx.say(self.kit.policies.text(key), Choice("handoff", self._human_label()))

    async def generative(self, ctx: TurnContext, question: str) -> GenerativeAnswer | None:
        """A grounded answer with its sources (None when the feature is not live for the public)."""
        if not self.kit.is_live(ctx.session, "generative", ctx.public):
            return None
        answer = await self.kit.answerer.answer(ctx.session, question, public=ctx.public)
        details = {"generator": answer.generator, "fallback": answer.fallback, "dropped": answer.dropped,
                   "injections_removed": answer.injections_removed}
        if answer.abstained:
            ctx.record("generative_abstained", {"reason": answer.reason, "passages": list(answer.passage_keys),
                                                **details})
            return answer
        ctx.add(Reply(ReplyKind.TEXT, answer.text, sources=answer.sources, data={"generative": True}))
        ctx.answered_level = 1
        ctx.state.set_flag("last_answer", "generatif")
        ctx.record("generative_answer", {"sources": [s.key or s.title for s in answer.sources], **details})
        return answer

    def misunderstood(self, ctx: TurnContext, parse: ParseResult, *, abstained: bool = False) -> None:
        """`abstained`: related documents exist but do not hold the answer ("Je ne trouve pas…")."""
        policy, policies = self.kit.policies.misunderstanding, self.kit.policies
        ctx.state.misunderstood += 1
        count = ctx.state.misunderstood
        reason = "hors_sujet" if parse.oos_reason == OosReason.OFF_TOPIC else "confiance_faible"
        ctx.event("misunderstood", count=count, reason=parse.oos_reason or reason)
        self.kit.record_misunderstood(ctx.session, **self._learning(ctx, parse.text, reason, parse))
        if policy.action(count) == "handoff":
            ctx.say(policies.text("misunderstood_handoff"))
            ctx.state.misunderstood = 0
            self.desk.hand_over(ctx, reason="incomprehension", intent=ctx.state.raw.get("intent"), skill=None)
            return
        if abstained:
            ctx.say(policies.text("generative_abstain"), Choice("handoff", self._human_label()))
            return
        suggestions = [i for i in policy.suggestions_from(parse.ranking)
                       if (d := self.kit.intent(i)) is not None and d.applies_to(ctx.public)]
        prefix = policies.text("off_topic") + " " if reason == "hors_sujet" else ""
        if suggestions:
            buttons = [Choice(f"intent:{i}", self.kit.label(i)) for i in suggestions]
            ctx.say(prefix + policies.text("rephrase"), *buttons)
        else:
            ctx.say(prefix + policies.text("rephrase_no_suggestion"))

    def small_talk(self, ctx: TurnContext, intent: str) -> None:
        key = SMALL_TALK[intent]
        if key in {"greeting", "capabilities"}:
            self.menu(ctx, text=self.kit.policies.text(key))
        else:
            ctx.say(self.kit.policies.text(key))

    # ------------------------------------------------------------------ satisfaction and human
    def ask_satisfaction(self, ctx: TurnContext) -> None:
        ref = ctx.state.raw.get("last_answer")
        ctx.offer(self.kit.policies.text("satisfaction"), [
            (Choice("sat:oui", self.kit.policies.text("label_yes")), {"do": "sat", "value": "oui", "ref": ref}),
            (Choice("sat:non", self.kit.policies.text("label_no")), {"do": "sat", "value": "non", "ref": ref}),
        ], kind=ReplyKind.SATISFACTION)

    def satisfaction(self, ctx: TurnContext, value: str, ref: str | None) -> None:
        policies = self.kit.policies
        ctx.event("satisfaction", value=value, answer=ref)
        if value not in policies.satisfaction.comment_after:
            ctx.say(policies.text("satisfaction_yes"))
            return
        question = str(ctx.state.raw.get("last_question") or ref or "")
        self.kit.record_misunderstood(ctx.session, **self._learning(ctx, question, "pouce_bas", None))
        ctx.offer(policies.text("satisfaction_no"), [
            (Choice("comment:skip", policies.text("skip_comment")), {"do": "skip_comment"}),
            (Choice("handoff", self._human_label()), {"do": "handoff", "reason": "insatisfaction",
                                                       "intent": ctx.state.raw.get("intent")}),
        ], waiting="comment", ref=ref)

    def comment(self, ctx: TurnContext, text: str) -> None:
        ctx.event("satisfaction_comment", note=text[:1000], answer=ctx.state.raw.get("last_answer"))
        ctx.state.wait_for(None)
        ctx.say(self.kit.policies.text("comment_thanks"))

    def human(self, ctx: TurnContext) -> None:
        """Human on request, at any time: the handoff keeps the current intent for routing and summary."""
        ctx.state.wait_for(None)
        ctx.state.flow = None
        ctx.event("human_requested")
        self.desk.hand_over(ctx, reason="demande_usager", intent=ctx.state.raw.get("intent"), skill=None)

    def invalid_choice(self, ctx: TurnContext) -> None:
        pending = ctx.state.pending or {}
        ctx.say(self.kit.policies.text("invalid_choice"))
        if pending.get("labels"):
            ctx.say(pending.get("text", ""), *ctx.state.pending_choices())

    def pick_by_text(self, ctx: TurnContext, text: str) -> dict[str, Any] | None:
        """A typed answer to buttons: the label itself, or a yes/no understood as such."""
        options, labels = ctx.state.options(), (ctx.state.pending or {}).get("labels", {})
        folded = fold(text).strip(" .!?")
        for choice_id, label in labels.items():
            if fold(label) == folded:
                return options[choice_id]
        intent = ctx.parse.intent if ctx.parse is not None else None
        for choice_id, action in options.items():
            if intent == "affirmer" and (action.get("do") in YES_ACTIONS or choice_id == "sat:oui"):
                return action
            if intent == "nier" and (action.get("do") in NO_ACTIONS or choice_id == "sat:non"):
                return action
        return None

    async def perform(self, ctx: TurnContext, action: dict[str, Any]) -> None:
        do, policies = action.get("do"), self.kit.policies
        if do == "public":
            await self.set_public(ctx, action["code"], source="choix")
        elif do == "public_yes":
            await self.set_public(ctx, action["code"], source="vocabulaire")
        elif do in {"public_no", "ask_public"}:
            self.ask_public(ctx)
        elif do == "group":
            members = self.kit.taxonomy.groups.get(action["code"], ())
            ctx.say(policies.text("ask_public_in_group"),
                    *(Choice(f"public:{code}", self.kit.public_label(code)) for code in members))
        elif do == "intent":
            await self.serve_intent(ctx, action["intent"], action.get("question") or self.kit.label(action["intent"]))
        elif do == "confirm_yes":
            await self.serve_intent(ctx, action["intent"], action.get("question", ""))
        elif do == "confirm_no":
            ctx.state.misunderstood += 1
            self.kit.record_misunderstood(ctx.session, **self._learning(ctx, action.get("question", ""),
                                                                        "confiance_faible", None))
            if policies.misunderstanding.action(ctx.state.misunderstood) == "handoff":
                ctx.state.misunderstood = 0
                ctx.say(policies.text("misunderstood_handoff"))
                self.desk.hand_over(ctx, reason="incomprehension", intent=None, skill=None)
            else:
                ctx.say(policies.text("confirm_no"))
        elif do == "flow":
            self.runner.start(ctx, action["flow"])
        elif do == "sat":
            self.satisfaction(ctx, action["value"], action.get("ref"))
        elif do == "skip_comment":
            ctx.say(policies.text("more_help"))

    def _human_label(self) -> str:
        return self.kit.policies.human_request.button_label

    @staticmethod
    def _learning(ctx: TurnContext, text: str, reason: str, parse: ParseResult | None) -> dict[str, Any]:
        return {"text": text, "channel": ctx.channel, "public_code": ctx.public, "reason": reason,
                "conversation_id": ctx.conversation.id, "nlu": parse.as_dict() if parse else None}
