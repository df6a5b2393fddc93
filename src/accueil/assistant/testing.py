"""Conversation tests: YAML scripts of usager turns with the expected intents, replies and handoff.

Run by `accueil test conversations` and by the test suite (tests/assistant/conversations/*.yaml). Format:

    name: "…"
    public: AE                      # optional (omitted: the bot asks for it)
    covers: [satisfaction, …]       # policies this script exercises (checked for coverage)
    turns:
      - say: "je veux mon attestation de vigilance"   # or choose: "<label or id>", or dtmf: "0"
        nlu: {intent: x, confidence: 0.6}             # optional: the parse this turn receives
        expect: {intent: x, replies: ["substring"], not_replies: [], choices: ["label"], sources: true,
                 handoff: false, satisfaction: false, ended: false}
    events: [answer_given, satisfaction]              # events the conversation must have recorded
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from accueil.assistant.engine import Assistant, TurnResult
from accueil.assistant.policies import fold
from accueil.assistant.service import StartRequest, start_chat
from accueil.assistant.tokens import account_signature
from accueil.assistant.turns import Reply, Turn
from accueil.conversations import service as conversations
from accueil.understanding.engine import ParseResult

POLICIES = ("human_request", "misunderstanding_rephrase", "misunderstanding_handoff", "confirmation", "satisfaction",
            "identification", "deployment", "public_detection", "generative", "handoff_summary")


class ScriptedUnderstanding:
    """The real engine, except for the turns whose script gives the parse (policy tests at exact confidences)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.next: dict[str, Any] | None = None

    def parse(self, raw: object, *, public: str | None = None) -> ParseResult:
        if self.next is None:
            return self.real.parse(raw, public=public)  # type: ignore[no-any-return]
        forced, self.next = self.next, None
        intent, confidence = forced.get("intent"), float(forced.get("confidence", 1.0))
        oos = forced.get("out_of_scope", intent is None)
        ranking = [(intent, confidence)] if intent else []
        ranking += [(str(i), 0.05) for i in forced.get("ranking", [])]
        return ParseResult(str(raw), None if oos else intent, confidence, ranking, bool(oos),
                           forced.get("oos_reason", "confiance_faible" if oos else None),
                           [] if oos or not intent else [intent], [], False, "script")


@dataclass
class ConversationResult:
    name: str
    path: str
    failures: list[str] = field(default_factory=list)
    turns: int = 0
    flows: set[str] = field(default_factory=set)
    covers: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_scripts(paths: Iterable[Path]) -> list[tuple[Path, dict[str, Any]]]:
    scripts: list[tuple[Path, dict[str, Any]]] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        scripts += [(f, yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files]
    return scripts


def resolve_choice(value: str, replies: Sequence[Reply]) -> tuple[str, str]:
    """(choice id, label) for a label or an id among the buttons last shown; unknown values pass as ids."""
    wanted = fold(value).strip()
    for reply in reversed(replies):
        for choice in reply.choices:
            if choice.id == value or fold(choice.label).strip() == wanted:
                return choice.id, choice.label
    return value, value


def _check(expect: dict[str, Any], result: TurnResult, where: str) -> list[str]:
    failures: list[str] = []
    texts = [r.text for r in result.replies]
    joined = fold("\n".join(texts))
    labels = [c.label for r in result.replies for c in r.choices]
    if "intent" in expect and result.intent != expect["intent"]:
        failures.append(f"{where} : intention {result.intent!r}, attendue {expect['intent']!r}")
    failures += [f"{where} : réponse sans « {s} » (reçu : {texts})" for s in expect.get("replies", [])
                 if fold(s) not in joined]
    failures += [f"{where} : réponse avec « {s} »" for s in expect.get("not_replies", []) if fold(s) in joined]
    failures += [f"{where} : bouton « {s} » absent (boutons : {labels})" for s in expect.get("choices", [])
                 if not any(fold(s) in fold(label) for label in labels)]
    for flag in ("handoff", "satisfaction", "ended"):
        actual = {"handoff": result.handoff, "satisfaction": result.satisfaction_asked, "ended": result.ended}[flag]
        if flag in expect and bool(expect[flag]) != actual:
            failures.append(f"{where} : {flag} = {actual}, attendu {expect[flag]}")
    if "sources" in expect:
        sources = [s.title for r in result.replies for s in r.sources]
        wanted = expect["sources"]
        if (wanted is True and not sources) or (wanted is False and sources):
            failures.append(f"{where} : sources {sources}, attendu {wanted}")
        elif isinstance(wanted, list):
            failures += [f"{where} : source « {w} » absente ({sources})" for w in wanted
                         if not any(fold(w) in fold(s) for s in sources)]
    return failures


async def run_script(session: Session, assistant: Assistant, script: dict[str, Any], *, secret: str,
                     path: Path | None = None) -> ConversationResult:
    """Play one script in its own savepoint (rolled back: scripts never see each other's data)."""
    result = ConversationResult(str(script.get("name", path.stem if path else "?")), str(path or ""),
                                covers=set(script.get("covers", [])))
    understanding = assistant.kit.understanding
    savepoint = session.begin_nested()
    try:
        account = script.get("account") or {}
        ref = account.get("ref")
        request = StartRequest(public=script.get("public"), organisation=script.get("organisation"),
                               account_ref=ref, account_signature=account_signature(secret, ref) if ref else None)
        conversation, replies = start_chat(session, assistant, request, secret=secret)
        shown: list[Reply] = list(replies)
        for index, step in enumerate(script.get("turns", []), start=1):
            where = f"tour {index}"
            if "nlu" in step and isinstance(understanding, ScriptedUnderstanding):
                understanding.next = step["nlu"]
            if "choose" in step:
                choice_id, label = resolve_choice(str(step["choose"]), shown)
                turn = Turn.choice(choice_id, label=label)
            elif "dtmf" in step:
                turn = Turn.dtmf(str(step["dtmf"]))
            else:
                turn = Turn.text(str(step.get("say", "")))
            outcome = await assistant.take(session, conversation, turn)
            shown = outcome.replies or shown
            result.turns += 1
            result.failures += _check(step.get("expect") or {}, outcome, where)
        events = conversations.events_of(session, conversation)
        kinds = {e.kind for e in events}
        result.flows = {str(e.data.get("flow")) for e in events if e.kind == "flow_started"}
        result.failures += [f"événement « {k} » absent" for k in script.get("events", []) if k not in kinds]
        if "summary" in script:
            summary = conversation.summary or {}
            result.failures += [f"résumé : {k} = {summary.get(k)!r}, attendu {v!r}"
                                for k, v in script["summary"].items() if summary.get(k) != v]
    except Exception as exc:  # a crash is a failure of this script, not of the run
        result.failures.append(f"erreur : {type(exc).__name__}: {exc}")
    finally:
        if isinstance(understanding, ScriptedUnderstanding):
            understanding.next = None
        savepoint.rollback()
    return result
