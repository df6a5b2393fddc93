"""The intent catalogue (ids, labels, publics, level, routing skill), loaded once from data/taxonomy.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    label: str
    description: str
    publics: frozenset[str]  # empty means every public
    level: str
    routing_skill: str

    def applies_to(self, public_code: str | None) -> bool:
        return not self.publics or public_code is None or public_code in self.publics


@dataclass(frozen=True, slots=True)
class Taxonomy:
    intents: dict[str, Intent]
    routing_skills: dict[str, str]
    publics: dict[str, str]
    groups: dict[str, tuple[str, ...]]

    def intent(self, intent_id: str) -> Intent | None:
        return self.intents.get(intent_id)


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    raw = yaml.safe_load((DATA_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))
    meta = raw["meta"]
    intents = {
        item["id"]: Intent(
            id=item["id"],
            label=item["label"],
            description=item.get("description", ""),
            publics=frozenset() if item["publics"] == "all" else frozenset(item["publics"]),
            level=item["level"],
            routing_skill=item["routing_skill"],
        )
        for item in raw["intents"]
    }
    return Taxonomy(
        intents=intents,
        routing_skills=dict(meta["routing_skills"]),
        publics=dict(meta["publics"]),
        groups={key: tuple(value) for key, value in meta["groupes"].items()},
    )
