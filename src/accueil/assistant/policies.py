"""Dialogue policies: data/policies.yaml loaded once into frozen dataclasses, validated at start-up.

Each policy answers one question (`applies`, `should_*`) so that the engine applies it without restating it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from accueil.referential.taxonomy import DATA_DIR, load_taxonomy

POLICIES_FILE = DATA_DIR / "policies.yaml"


class PolicyError(ValueError):
    """policies.yaml is malformed (French message, raised at start-up)."""


@dataclass(frozen=True, slots=True)
class HumanRequestPolicy:
    intents: frozenset[str]
    button_id: str
    button_label: str
    dtmf: str

    def is_request(self, *, intent: str | None = None, choice: str | None = None, dtmf: str | None = None) -> bool:
        return (intent in self.intents) or (choice == self.button_id) or (dtmf is not None and dtmf == self.dtmf)


@dataclass(frozen=True, slots=True)
class MisunderstandingPolicy:
    rephrase_at: int
    handoff_at: int
    suggestions: int
    min_suggestion_confidence: float
    never_suggest: frozenset[str]

    def action(self, consecutive: int) -> str:
        """'handoff' or 'rephrase' for the n-th consecutive misunderstanding (n >= 1)."""
        return "handoff" if consecutive >= self.handoff_at else "rephrase"

    def suggestions_from(self, ranking: list[tuple[str, float]]) -> list[str]:
        picked = [i for i, c in ranking if i not in self.never_suggest and c >= self.min_suggestion_confidence]
        return picked[: self.suggestions]


@dataclass(frozen=True, slots=True)
class ConfirmationPolicy:
    low: float
    high: float
    always_on: frozenset[str]

    def applies(self, confidence: float, channel: str) -> bool:
        return channel in self.always_on or self.low <= confidence < self.high

    def too_low(self, confidence: float) -> bool:
        return confidence < self.low


@dataclass(frozen=True, slots=True)
class SatisfactionPolicy:
    after_levels: frozenset[int]
    comment_after: frozenset[str]

    def asks_after(self, level: int) -> bool:
        return level in self.after_levels


@dataclass(frozen=True, slots=True)
class IdentificationPolicy:
    levels: frozenset[str]
    fields: Mapping[str, tuple[str, ...]]
    max_attempts: int

    def required(self, level: str) -> bool:
        return level in self.levels

    def fields_for(self, group: str | None) -> tuple[str, ...]:
        return self.fields.get(group or "", self.fields["default"])


@dataclass(frozen=True, slots=True)
class DeploymentPolicy:
    chatbot: str
    livechat: str
    generative: str


@dataclass(frozen=True, slots=True)
class PublicDetectionPolicy:
    ask_when_unknown: bool
    confirm_inferred: bool
    hints: Mapping[str, tuple[str, ...]]

    def infer(self, text: str) -> str | None:
        """The public whose vocabulary appears first in the text (None when no hint matches)."""
        folded = f" {fold(text)} "
        best: tuple[int, str] | None = None
        for public, words in self.hints.items():
            for word in words:
                position = folded.find(f" {fold(word)} ") if len(word) <= 4 else folded.find(fold(word))
                if position >= 0 and (best is None or position < best[0]):
                    best = (position, public)
        return best[1] if best else None


@dataclass(frozen=True, slots=True)
class GenerativePolicy:
    passages: int
    min_support: float
    min_question_overlap: float
    max_sentences: int
    max_answer_chars: int
    min_question_words: int


@dataclass(frozen=True, slots=True)
class Limits:
    max_turn_chars: int
    turns_per_minute_per_conversation: int
    token_hours: int


@dataclass(frozen=True, slots=True)
class Contact:
    phone: str
    space: str
    label: str

    def sentence(self) -> str:
        if self.phone:
            return f"appelez le {self.phone} ou écrivez depuis {self.label}"
        return f"rendez-vous sur {self.label}"


@dataclass(frozen=True, slots=True)
class Policies:
    human_request: HumanRequestPolicy
    misunderstanding: MisunderstandingPolicy
    confirmation: ConfirmationPolicy
    satisfaction: SatisfactionPolicy
    identification: IdentificationPolicy
    deployment: DeploymentPolicy
    public_detection: PublicDetectionPolicy
    generative: GenerativePolicy
    limits: Limits
    contacts: Mapping[str, Contact]
    messages: Mapping[str, str]
    handoff_priorities: Mapping[str, int]

    def text(self, key: str, **values: object) -> str:
        return self.messages[key].format(**values) if values else self.messages[key]

    def contact_for(self, public: str | None) -> Contact:
        return self.contacts.get(public or "", self.contacts["default"])


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes: for vocabulary matching."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


REQUIRED_MESSAGES = (
    "welcome", "ask_public", "confirm_public", "chatbot_closed", "empty", "too_long", "rephrase", "confirm",
    "satisfaction", "satisfaction_yes", "satisfaction_no", "handoff_queued", "handoff_unavailable",
    "contact_email", "contact_message", "contact_sent", "generative_abstain", "invalid_choice", "label_yes", "label_no",
)


def parse_policies(raw: Mapping[str, Any]) -> Policies:
    """Build and check the policies; any problem raises PolicyError naming the faulty key."""
    try:
        human, mis, conf = raw["human_request"], raw["misunderstanding"], raw["confirmation"]
        policies = Policies(
            human_request=HumanRequestPolicy(frozenset(human["intents"]), str(human["button"]["id"]),
                                             str(human["button"]["label"]), str(human["dtmf"])),
            misunderstanding=MisunderstandingPolicy(int(mis["rephrase_at"]), int(mis["handoff_at"]),
                                                    int(mis["suggestions"]), float(mis["min_suggestion_confidence"]),
                                                    frozenset(mis.get("never_suggest", ()))),
            confirmation=ConfirmationPolicy(float(conf["low"]), float(conf["high"]), frozenset(conf["always_on"])),
            satisfaction=SatisfactionPolicy(frozenset(int(x) for x in raw["satisfaction"]["after_levels"]),
                                            frozenset(raw["satisfaction"]["comment_after"])),
            identification=IdentificationPolicy(
                frozenset(raw["identification"]["levels"]),
                {k: tuple(v) for k, v in raw["identification"]["fields"].items()},
                int(raw["identification"]["max_attempts"]),
            ),
            deployment=DeploymentPolicy(**raw["deployment"]),
            public_detection=PublicDetectionPolicy(
                bool(raw["public_detection"]["ask_when_unknown"]), bool(raw["public_detection"]["confirm_inferred"]),
                {k: tuple(v) for k, v in raw["public_detection"]["hints"].items()},
            ),
            generative=GenerativePolicy(**raw["generative"]),
            limits=Limits(**raw["limits"]),
            contacts={k: Contact(str(v.get("phone", "")), v["space"], v["label"]) for k, v in raw["contacts"].items()},
            messages={str(k): str(v) for k, v in raw["messages"].items()},
            handoff_priorities={str(k): int(v) for k, v in raw["handoff"]["priorities"].items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyError(f"policies.yaml : clé absente ou invalide ({exc}).") from exc
    _check(policies)
    return policies


def _check(p: Policies) -> None:
    taxonomy = load_taxonomy()
    problems = [f"intention inconnue : {i}" for i in p.human_request.intents if i not in taxonomy.intents]
    if not 0 <= p.confirmation.low <= p.confirmation.high <= 1:
        problems.append("confirmation : il faut 0 <= low <= high <= 1")
    if not 1 <= p.misunderstanding.rephrase_at < p.misunderstanding.handoff_at:
        problems.append("misunderstanding : il faut 1 <= rephrase_at < handoff_at")
    unknown = set(p.public_detection.hints) | (set(p.contacts) - {"default"})
    problems += [f"public inconnu : {code}" for code in sorted(unknown - set(taxonomy.publics))]
    groups = set(p.identification.fields) - {"default"}
    problems += [f"groupe inconnu : {g}" for g in sorted(groups - set(taxonomy.groups))]
    if "default" not in p.identification.fields or "default" not in p.contacts:
        problems.append("identification.fields et contacts doivent avoir une entrée default")
    problems += [f"message absent : {key}" for key in REQUIRED_MESSAGES if key not in p.messages]
    if problems:
        raise PolicyError("policies.yaml : " + " ; ".join(problems))


@lru_cache(maxsize=4)
def load_policies(path: Path = POLICIES_FILE) -> Policies:
    return parse_policies(yaml.safe_load(path.read_text(encoding="utf-8")))
