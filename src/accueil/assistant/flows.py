"""Scenarios (flows) as data: data/flows/*.yaml loaded into frozen dataclasses and checked at start-up.

A flow is a graph of steps: say, choices (buttons), ask (a slot with validation), branch (on a slot),
answer (a KB article or a suggested answer, variables filled from slots), tree (an article's decision tree,
nodes marked `usager`), handoff, end, flow (go to another flow). See docs/subsystems/assistant.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from accueil.assistant.slots import VALIDATORS
from accueil.referential.taxonomy import DATA_DIR, load_taxonomy

FLOWS_DIR = DATA_DIR / "flows"


class FlowError(ValueError):
    """A flow file is malformed (French message naming the file and the step)."""


class StepKind(StrEnum):
    SAY = "say"
    CHOICES = "choices"
    ASK = "ask"
    BRANCH = "branch"
    ANSWER = "answer"
    TREE = "tree"
    HANDOFF = "handoff"
    END = "end"
    FLOW = "flow"


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    next: str | None = None
    flow: str | None = None
    intent: str | None = None
    handoff: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    slot: str
    next: str
    equals: str | None = None
    among: frozenset[str] = frozenset()
    exists: bool | None = None

    def holds(self, slots: Mapping[str, Any]) -> bool:
        value = slots.get(self.slot)
        if self.exists is not None:
            return (value not in (None, "")) == self.exists
        if self.equals is not None:
            return str(value) == self.equals
        return str(value) in self.among


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    kind: StepKind
    text: str = ""
    next: str | None = None
    options: tuple[Option, ...] = ()
    slot: str = ""
    slot_type: str = "text"
    cases: tuple[Case, ...] = ()
    otherwise: str | None = None
    article: str = ""
    answer_id: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)  # "text {slot}" or {slot, map, default}
    level: int = 1
    skill: str = ""
    reason: str = ""
    flow: str = ""


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    title: str
    menu: bool
    publics: frozenset[str]
    intents: tuple[str, ...]
    start: str
    steps: Mapping[str, Step]

    def applies_to(self, public: str | None) -> bool:
        return not self.publics or public is None or public in self.publics


@dataclass(frozen=True, slots=True)
class FlowBook:
    flows: Mapping[str, Flow]

    def get(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)

    def for_intent(self, intent: str, public: str | None) -> Flow | None:
        return next((f for f in self.flows.values() if intent in f.intents and f.applies_to(public)), None)

    def menu(self, public: str | None) -> list[Flow]:
        return [f for f in self.flows.values() if f.menu and f.applies_to(public)]

    def articles(self) -> set[tuple[str, str]]:
        """(slug, answer id or "") of every article a step cites: checked against the knowledge base."""
        return {(s.article, s.answer_id) for f in self.flows.values() for s in f.steps.values() if s.article}


_KINDS = ("choices", "ask", "branch", "answer", "tree", "handoff", "end", "flow", "say")


def _step(step_id: str, raw: Mapping[str, Any]) -> Step:
    kind = next((StepKind(k) for k in _KINDS if k in raw), None)
    if kind is None:
        raise FlowError(f"étape « {step_id} » : type d'étape absent (say, choices, ask, branch, answer, tree...)")
    text = str(raw.get("say", "") or "")
    common: dict[str, Any] = {"id": step_id, "kind": kind, "text": text, "next": raw.get("next")}
    if kind == StepKind.CHOICES:
        options = tuple(
            Option(str(o["label"]), o.get("next"), o.get("flow"), o.get("intent"), bool(o.get("handoff", False)))
            for o in raw["choices"]
        )
        return Step(**common, options=options)
    if kind == StepKind.ASK:
        return Step(**common | {"text": str(raw.get("prompt", ""))}, slot=str(raw["ask"]),
                    slot_type=str(raw.get("type", "text")))
    if kind == StepKind.BRANCH:
        cases = []
        for case in raw["branch"]:
            cond = case["if"]
            cases.append(Case(str(cond["slot"]), str(case["next"]),
                              equals=str(cond["equals"]) if "equals" in cond else None,
                              among=frozenset(str(v) for v in cond.get("in", ())),
                              exists=cond.get("exists")))
        return Step(**common, cases=tuple(cases), otherwise=raw.get("else"))
    if kind in (StepKind.ANSWER, StepKind.TREE):
        target = raw[kind.value]
        article = target if isinstance(target, str) else str(target["article"])
        answer_id = "" if isinstance(target, str) else str(target.get("answer", ""))
        values = {str(k): (dict(v) if isinstance(v, dict) else str(v)) for k, v in (raw.get("values") or {}).items()}
        return Step(**common, article=article, answer_id=answer_id, values=values, level=int(raw.get("level", 1)))
    if kind == StepKind.HANDOFF:
        target = raw["handoff"] or {}
        return Step(**common, skill=str(target.get("skill", "")), reason=str(target.get("reason", "flux")))
    if kind == StepKind.END:
        return Step(**common | {"text": str(raw["end"])})
    if kind == StepKind.FLOW:
        return Step(**common, flow=str(raw["flow"]))
    return Step(**common)


def parse_flow(raw: Mapping[str, Any], *, source: str = "") -> Flow:
    try:
        steps = {str(step_id): _step(str(step_id), body) for step_id, body in raw["steps"].items()}
        flow = Flow(
            id=str(raw["id"]),
            title=str(raw["title"]),
            menu=bool(raw.get("menu", False)),
            publics=frozenset(raw.get("publics") or ()),
            intents=tuple(raw.get("intents") or ()),
            start=str(raw.get("start") or next(iter(steps))),
            steps=steps,
        )
    except FlowError as exc:
        raise FlowError(f"{source} : {exc}") from exc
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        raise FlowError(f"{source} : clé absente ou invalide ({exc})") from exc
    return flow


def _targets(step: Step) -> Iterable[str | None]:
    yield step.next
    yield step.otherwise
    yield from (o.next for o in step.options)
    yield from (c.next for c in step.cases)


def check_book(flows: Mapping[str, Flow]) -> list[str]:
    taxonomy = load_taxonomy()
    problems: list[str] = []
    for flow in flows.values():
        where = f"flux « {flow.id} »"
        if flow.start not in flow.steps:
            problems.append(f"{where} : étape de départ inconnue « {flow.start} »")
        problems += [f"{where} : intention inconnue « {i} »" for i in flow.intents if i not in taxonomy.intents]
        problems += [f"{where} : public inconnu « {p} »" for p in flow.publics if p not in taxonomy.publics]
        for step in flow.steps.values():
            at = f"{where}, étape « {step.id} »"
            problems += [f"{at} : étape suivante inconnue « {t} »" for t in _targets(step) if t and t not in flow.steps]
            targets = [o.flow for o in step.options if o.flow] + ([step.flow] if step.flow else [])
            problems += [f"{at} : flux inconnu « {t} »" for t in targets if t not in flows]
            problems += [f"{at} : intention inconnue « {o.intent} »" for o in step.options
                         if o.intent and o.intent not in taxonomy.intents]
            if step.kind == StepKind.ASK and step.slot_type not in VALIDATORS:
                problems.append(f"{at} : type de donnée inconnu « {step.slot_type} »")
            if step.kind == StepKind.HANDOFF and step.skill and step.skill not in taxonomy.routing_skills:
                problems.append(f"{at} : compétence inconnue « {step.skill} »")
            if step.kind == StepKind.CHOICES and not step.options:
                problems.append(f"{at} : aucun choix proposé")
    return problems


def load_book(directory: Path = FLOWS_DIR) -> FlowBook:
    flows: dict[str, Flow] = {}
    for path in sorted(directory.glob("*.yaml")):
        flow = parse_flow(yaml.safe_load(path.read_text(encoding="utf-8")), source=path.name)
        if flow.id in flows:
            raise FlowError(f"{path.name} : identifiant de flux en double « {flow.id} »")
        flows[flow.id] = flow
    problems = check_book(flows)
    if problems:
        raise FlowError("flux invalides : " + " ; ".join(problems))
    return FlowBook(flows)


@lru_cache(maxsize=2)
def default_book() -> FlowBook:
    return load_book()
