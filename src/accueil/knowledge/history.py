"""Version history: a readable diff between two versions, block by block (difflib)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accueil.identity.access import Actor
from accueil.knowledge.service import get_article, version_number, versions_of
from accueil.knowledge.yamlio import dump_fragment

BLOCKS = (
    ("title", "Titre"),
    ("summary", "Résumé"),
    ("meta", "Métadonnées"),
    ("context", "Contexte"),
    ("prerequisites", "Prérequis"),
    ("steps", "Étapes"),
    ("answer", "Réponse"),
    ("tree", "Arbre de décision"),
    ("answers", "Réponses types"),
    ("sources", "Sources"),
)
META_KEYS = (
    ("kind", "Type"),
    ("publics", "Publics"),
    ("audiences", "Audiences"),
    ("intents", "Intentions"),
    ("owner", "Propriétaire"),
    ("review_by", "À revoir avant le"),
    ("keywords", "Mots-clés"),
)


@dataclass(frozen=True, slots=True)
class DiffLine:
    op: str  # " " same, "+" added, "-" removed
    text: str


@dataclass(frozen=True, slots=True)
class BlockDiff:
    key: str
    label: str
    lines: list[DiffLine]
    unified: str

    @property
    def changed(self) -> bool:
        return any(line.op != " " for line in self.lines)


def block_lines(content: dict[str, Any], key: str) -> list[str]:
    blocks = content.get("blocks") or {}
    if key in ("title", "summary"):
        return str(content.get(key) or "").splitlines()
    if key == "meta":
        lines = []
        for meta_key, label in META_KEYS:
            value = content.get(meta_key)
            shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
            lines.append(f"{label} : {shown}")
        return lines
    if key in ("context", "answer"):
        return str(blocks.get(key) or "").splitlines()
    if key == "prerequisites":
        return [f"- {item}" for item in blocks.get(key) or []]
    if key == "steps":
        return [f"{i}. {item}" for i, item in enumerate(blocks.get(key) or [], start=1)]
    if key == "sources":
        return [
            f"- {s.get('title')} — {s.get('url') or ''} (vérifiée le {s.get('checked') or '?'})"
            for s in content.get("sources") or []
        ]
    return dump_fragment(content.get(key)).splitlines()


def diff_contents(
    before: dict[str, Any], after: dict[str, Any], *, names: tuple[str, str] = ("avant", "après")
) -> list[BlockDiff]:
    result = []
    for key, label in BLOCKS:
        old, new = block_lines(before, key), block_lines(after, key)
        lines = []
        for row in difflib.ndiff(old, new):
            if row.startswith("? "):
                continue
            lines.append(DiffLine(op=row[0], text=row[2:]))
        unified = "\n".join(difflib.unified_diff(old, new, fromfile=names[0], tofile=names[1], lineterm=""))
        result.append(BlockDiff(key=key, label=label, lines=lines, unified=unified))
    return result


def diff_versions(session: Session, slug: str, from_number: int, to_number: int, *, actor: Actor) -> list[BlockDiff]:
    versions_of(session, slug, actor=actor)  # access check
    article = get_article(session, slug)
    before, after = version_number(article, from_number), version_number(article, to_number)
    return diff_contents(before.content, after.content, names=(f"v{before.number}", f"v{after.number}"))
