"""Runs flows step by step, walks an article's decision tree (nodes marked `usager`), delivers answers.

A step that needs the usager (choices, ask, a tree question, a missing answer variable) sets `pending` and
stops; the engine resumes with the action stored behind the button or the slot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from accueil.assistant.desk import HandoffDesk
from accueil.assistant.flows import Flow, Step, StepKind
from accueil.assistant.kit import Toolkit
from accueil.assistant.slots import PROMPTS
from accueil.assistant.state import TurnContext
from accueil.assistant.turns import Choice, Reply, ReplyKind
from accueil.core.errors import InvalidInput
from accueil.knowledge.choices import NodeKind, VariableType
from accueil.knowledge.document import ArticleDocument

MAX_STEPS_PER_TURN = 30
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def resolve(template: str | Mapping[str, Any], slots: Mapping[str, Any]) -> str | None:
    """'{q_motif}' -> the slot value, {slot, map, default} -> the mapped value; None when unknown."""
    if isinstance(template, Mapping):
        value = slots.get(str(template.get("slot", "")))
        mapped = (template.get("map") or {}).get(value, template.get("default"))
        return str(mapped) if mapped not in (None, "") else None
    missing = [name for name in _PLACEHOLDER.findall(template) if slots.get(name) in (None, "")]
    if missing:
        return None
    return _PLACEHOLDER.sub(lambda m: str(slots[m.group(1)]), template)


class FlowRunner:
    def __init__(self, kit: Toolkit, desk: HandoffDesk) -> None:
        self.kit, self.desk = kit, desk

    # ------------------------------------------------------------------ flows
    def start(self, ctx: TurnContext, flow_id: str, *, intent: str | None = None) -> None:
        flow = self.kit.flows.get(flow_id)
        if flow is None:
            return
        intent = intent or (flow.intents[0] if flow.intents else None)
        ctx.state.flow = {"id": flow.id, "step": flow.start, "intent": intent}
        ctx.event("flow_started", flow=flow.id, intent=intent)
        self.run(ctx, flow, flow.start)

    def run(self, ctx: TurnContext, flow: Flow, step_id: str | None) -> None:
        for _ in range(MAX_STEPS_PER_TURN):
            if step_id is None:
                ctx.state.flow = None
                return
            step = flow.steps[step_id]
            position = ctx.state.flow or {"id": flow.id, "intent": flow.intents[0] if flow.intents else None}
            ctx.state.flow = {**position, "id": flow.id, "step": step.id}
            ctx.state.reached(f"{flow.id}/{step.id}")
            step_id = self._step(ctx, flow, step)
            if step_id == "":
                return
        ctx.state.flow = None

    def _step(self, ctx: TurnContext, flow: Flow, step: Step) -> str | None:
        """Execute one step; the next step id, None when the flow ends, "" when it waits or hands over."""
        view = self.kit.view(ctx.session)
        intent = (ctx.state.flow or {}).get("intent")
        if step.kind == StepKind.SAY:
            ctx.say(view.render(step.text))
            return step.next
        if step.kind == StepKind.CHOICES:
            ctx.offer(view.render(step.text), [self._option(flow, step, n) for n in range(len(step.options))])
            return ""
        if step.kind == StepKind.ASK:
            if ctx.state.slots.get(step.slot):
                return step.next
            ctx.say(view.render(step.text) or PROMPTS.get(step.slot_type, PROMPTS["text"]))
            ctx.state.wait_for({"kind": "slot", "slot": step.slot, "type": step.slot_type, "attempts": 0,
                                "then": {"do": "goto", "flow": flow.id, "step": step.next}})
            return ""
        if step.kind == StepKind.BRANCH:
            known = {**ctx.state.slots, "public": ctx.public}
            return next((case.next for case in step.cases if case.holds(known)), step.otherwise)
        if step.kind in (StepKind.ANSWER, StepKind.TREE):
            doc = view.article(step.article)
            then = {"do": "goto", "flow": flow.id, "step": step.next} if step.next else None
            if doc is None:
                ctx.say(self.kit.policies.text("no_answer"))
                self.desk.request(ctx, reason="article_absent", intent=intent)
                return ""
            if step.kind == StepKind.TREE and doc.tree is not None:
                self.start_tree(ctx, doc, values=dict(step.values), level=step.level, intent=intent, then=then)
                return ""
            self.deliver(ctx, doc, step.answer_id, dict(step.values), level=step.level, intent=intent, then=then)
            return ""
        if step.kind == StepKind.HANDOFF:
            ctx.state.flow = None
            self.desk.request(ctx, reason=step.reason, intent=intent, skill=step.skill or None)
            return ""
        if step.kind == StepKind.END:
            ctx.state.flow = None
            ctx.say(view.render(step.text), kind=ReplyKind.END)
            ctx.state.set_flag("ended")
            return ""
        if step.kind == StepKind.FLOW:
            self.start(ctx, step.flow, intent=intent)
            return ""
        return step.next

    @staticmethod
    def _option(flow: Flow, step: Step, n: int) -> tuple[Choice, dict[str, Any]]:
        option = step.options[n]
        choice = Choice(f"step:{flow.id}:{step.id}:{n}", option.label)
        if option.handoff:
            return choice, {"do": "handoff", "reason": "choix_usager", "intent": None}
        if option.flow:
            return choice, {"do": "flow", "flow": option.flow}
        if option.intent:
            return choice, {"do": "intent", "intent": option.intent}
        return choice, {"do": "goto", "flow": flow.id, "step": option.next, "record": step.id, "value": option.label}

    def resume(self, ctx: TurnContext, action: dict[str, Any]) -> None:
        """Continue a flow after a button or a slot ({"do": "goto", "flow", "step"})."""
        if action.get("record"):
            ctx.state.slots[action["record"]] = action.get("value", "")
        flow = self.kit.flows.get(action.get("flow") or "")
        if flow is None or not action.get("step"):
            ctx.state.flow = None
            return
        self.run(ctx, flow, action["step"])

    # ------------------------------------------------------------------ decision trees
    def start_tree(self, ctx: TurnContext, doc: ArticleDocument, *, values: dict[str, Any], level: int,
                   intent: str | None, then: dict[str, Any] | None) -> None:
        assert doc.tree is not None
        ctx.state.set_flag("tree", {"slug": doc.slug, "values": values, "level": level, "intent": intent, "then": then})
        ctx.event("tree_started", article=doc.slug)
        self.tree_node(ctx, doc.tree.start)

    def tree_node(self, ctx: TurnContext, node_id: str, *, chosen: tuple[str, str] | None = None) -> None:
        tree = ctx.state.raw.get("tree") or {}
        view = self.kit.view(ctx.session)
        doc = view.article(tree.get("slug", ""))
        node = doc.tree.node(node_id) if doc is not None and doc.tree is not None else None
        if chosen:
            ctx.state.slots[chosen[0]] = chosen[1]
        if doc is None or node is None:
            ctx.state.set_flag("tree", None)
            self.desk.request(ctx, reason="arbre_incomplet", intent=tree.get("intent"))
            return
        ctx.state.reached(f"arbre:{doc.slug}/{node.id}")
        if node.kind == NodeKind.OUTCOME:
            ctx.state.set_flag("tree", None)
            if not node.answers:  # an outcome for agents only: a human takes over
                self.desk.request(ctx, reason="issue_conseiller", intent=tree.get("intent"))
                return
            self.deliver(ctx, doc, node.answers[0], dict(tree.get("values") or {}), level=int(tree.get("level", 1)),
                         intent=tree.get("intent"), then=tree.get("then"))
            return
        if not node.usager:  # a check in an agent tool, or a question not meant for usagers
            ctx.state.set_flag("tree", None)
            self.desk.request(ctx, reason="etape_conseiller", intent=tree.get("intent"))
            return
        options = [
            (Choice(f"tree:{doc.slug}:{node.id}:{n}", branch.label),
             {"do": "tree", "node": branch.next, "record": node.id, "value": branch.label})
            for n, branch in enumerate(node.branches)
        ]
        ctx.offer(view.render(node.text), options)

    # ------------------------------------------------------------------ answers
    def deliver(self, ctx: TurnContext, doc: ArticleDocument, answer_id: str, templates: dict[str, Any], *,
                level: int, intent: str | None, then: dict[str, Any] | None) -> None:
        """An article (or one of its suggested answers, variables filled from slots) as a level-n answer."""
        view = self.kit.view(ctx.session)
        if not answer_id:
            self._answered(ctx, view.article_text(doc), view.sources_of(doc), level, intent, f"article:{doc.slug}")
            self._continue(ctx, then)
            return
        values: dict[str, str] = {}
        for variable in view.answer_variables(doc, answer_id):
            template = templates.get(variable.name, f"{{{variable.name}}}")
            value = resolve(template, {**ctx.state.slots, "public": ctx.public})
            if value is None:
                self._ask_variable(ctx, variable, {"do": "deliver", "slug": doc.slug, "answer": answer_id,
                                                   "templates": templates, "level": level, "intent": intent,
                                                   "then": then})
                return
            values[variable.name] = value
        try:
            text = view.fill(doc, answer_id, values)
        except InvalidInput as exc:
            details = [d for d in exc.details if isinstance(d, dict)] if isinstance(exc.details, list) else []
            bad = [str(d.get("champ")) for d in details]
            for name in bad:
                ctx.state.slots.pop(name, None)
            ctx.say("; ".join(str(d.get("message", "")) for d in details) or exc.message)
            if bad:  # ask again for the values that did not fit
                kept = {k: v for k, v in templates.items() if k not in bad}
                self.deliver(ctx, doc, answer_id, kept, level=level, intent=intent, then=then)
            return
        self._answered(ctx, text, view.sources_of(doc), level, intent, f"answer:{doc.slug}#{answer_id}")
        self._continue(ctx, then)

    def _ask_variable(self, ctx: TurnContext, variable: Any, resume: dict[str, Any]) -> None:
        if variable.type == VariableType.CHOICE and variable.options:
            options = [(Choice(f"var:{variable.name}:{n}", str(o)),
                        {"do": "fill", "slot": variable.name, "value": str(o), "then": resume})
                       for n, o in enumerate(variable.options)]
            ctx.offer(f"{variable.label} ?", options)
            return
        ctx.say(f"{variable.label} ?")
        ctx.state.wait_for({"kind": "slot", "slot": variable.name, "type": f"variable:{variable.type.value}",
                            "label": variable.label, "attempts": 0, "then": resume})

    def _answered(self, ctx: TurnContext, text: str, sources: tuple[Any, ...], level: int, intent: str | None,
                  ref: str) -> None:
        ctx.add(Reply(ReplyKind.TEXT, text, sources=sources))
        ctx.answered_level = level
        ctx.state.set_flag("last_answer", ref)
        ctx.event("answer_given", level=level, intent=intent, source=ref)

    def _continue(self, ctx: TurnContext, then: dict[str, Any] | None) -> None:
        if then is not None:
            self.resume(ctx, then)
        else:
            ctx.state.flow = None
