"""Synonyms and acronyms, editable by rédacteurs, applied at query time.

A group lists equivalent terms ("AE", "auto-entrepreneur", "micro-entrepreneur"). Each term is analysed like
the index (so "plan d'apurement" is the phrase `plan apur`); a query phrase found in a group brings the other
terms of the group as alternatives. Edits take effect at once: nothing is re-indexed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput, NotFound
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.knowledge.search import state
from accueil.knowledge.search.analysis import analyse
from accueil.knowledge.search.models import SynonymGroup

SEED_FILE = Path(__file__).resolve().parent / "synonyms.yaml"
MAX_TERMS = 30
MAX_TERM_LENGTH = 100

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Clause:
    """One concept of a query: the words typed, and what else may stand for them."""

    original: Phrase
    alternatives: tuple[Phrase, ...] = ()

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        return (self.original, *self.alternatives)


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[tuple[Phrase, ...], ...] = ()
    by_phrase: dict[Phrase, tuple[int, ...]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def build(cls, groups: Sequence[Sequence[str]]) -> Thesaurus:
        analysed: list[tuple[Phrase, ...]] = []
        by_phrase: dict[Phrase, list[int]] = {}
        for terms in groups:
            phrases = tuple(dict.fromkeys(p for p in (tuple(analyse(t)) for t in terms) if p))
            if len(phrases) < 2:
                continue
            for phrase in phrases:
                by_phrase.setdefault(phrase, []).append(len(analysed))
            analysed.append(phrases)
        longest = max((len(p) for p in by_phrase), default=0)
        return cls(tuple(analysed), {p: tuple(g) for p, g in by_phrase.items()}, longest)

    def clauses(self, terms: Sequence[str]) -> list[Clause]:
        """Split query terms into clauses, longest synonym phrase first."""
        result: list[Clause] = []
        i = 0
        while i < len(terms):
            for size in range(min(self.longest, len(terms) - i), 0, -1):
                phrase = tuple(terms[i : i + size])
                groups = self.by_phrase.get(phrase)
                if groups:
                    others = dict.fromkeys(p for g in groups for p in self.groups[g] if p != phrase)
                    result.append(Clause(phrase, tuple(others)))
                    i += size
                    break
            else:
                result.append(Clause((terms[i],)))
                i += 1
        return result


@lru_cache(maxsize=1)
def seed_groups() -> tuple[tuple[tuple[str, ...], str], ...]:
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8")) or {}
    return tuple((tuple(str(t) for t in g["terms"]), str(g.get("note", ""))) for g in data.get("groups", []))


_cache: state.TokenCache[Thesaurus] = state.TokenCache(state.SYNONYMS)


def _build(session: Session, _previous: Thesaurus | None) -> Thesaurus:
    if not state.current_token(session, state.SYNONYMS):  # never seeded nor edited: the packaged file
        return Thesaurus.build([terms for terms, _ in seed_groups()])
    return Thesaurus.build([g.terms for g in session.scalars(select(SynonymGroup).order_by(SynonymGroup.id))])


def thesaurus(session: Session, *, token: str | None = None) -> Thesaurus:
    return _cache.get(session, _build, token=token)


def seed_synonyms(session: Session) -> int:
    """Load the packaged groups once, the first time (later edits are never overwritten)."""
    if state.current_token(session, state.SYNONYMS):
        return 0
    if session.scalar(select(func.count()).select_from(SynonymGroup)):
        state.bump(session, state.SYNONYMS)
        return 0
    for terms, note in seed_groups():
        session.add(SynonymGroup(terms=list(terms), note=note, source="seed", updated_at=utcnow()))
    state.bump(session, state.SYNONYMS)
    return len(seed_groups())


def _clean_terms(terms: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(str(t).split()) for t in terms if str(t).strip()))
    problems = []
    if len(cleaned) < 2:
        problems.append("Un groupe réunit au moins deux termes.")
    if len(cleaned) > MAX_TERMS:
        problems.append(f"Un groupe compte au plus {MAX_TERMS} termes.")
    problems += [f"« {t[:40]}… » est trop long." for t in cleaned if len(t) > MAX_TERM_LENGTH]
    problems += [f"« {t} » ne contient que des mots vides." for t in cleaned if not analyse(t)]
    if not problems and len({tuple(analyse(t)) for t in cleaned}) < 2:
        problems.append("Ces termes sont identiques une fois analysés (accents, pluriels) : rien à ajouter.")
    if problems:
        raise InvalidInput("Groupe de synonymes invalide.", details=problems)
    return cleaned


def list_groups(session: Session) -> list[SynonymGroup]:
    if not state.current_token(session, state.SYNONYMS):
        seed_synonyms(session)
    return list(session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))


def get_group(session: Session, group_id: int) -> SynonymGroup:
    group = session.get(SynonymGroup, group_id)
    if group is None:
        raise NotFound("groupe de synonymes")
    return group


def _changed(session: Session, actor: Actor, action: str, group: SynonymGroup, **details: Any) -> None:
    state.bump(session, state.SYNONYMS)
    audit.record(
        session,
        actor=actor,
        action=f"kb.synonyms_{action}",
        object_type="synonym_group",
        object_id=group.id,
        summary=", ".join(group.terms)[:300],
        details=details,
    )


def create_group(session: Session, *, terms: Sequence[str], note: str = "", actor: Actor) -> SynonymGroup:
    cleaned = _clean_terms(terms)
    list_groups(session)  # seed first, so the first edit does not hide the packaged groups
    group = SynonymGroup(terms=cleaned, note=note.strip()[:300], updated_by_id=actor.user_id or None)
    session.add(group)
    session.flush()
    _changed(session, actor, "created", group, terms=cleaned)
    return group


def update_group(
    session: Session, group_id: int, *, terms: Sequence[str], note: str = "", actor: Actor
) -> SynonymGroup:
    group = get_group(session, group_id)
    before = list(group.terms)
    group.terms = _clean_terms(terms)
    group.note = note.strip()[:300]
    group.source = "editor"
    group.updated_by_id = actor.user_id or None
    group.updated_at = utcnow()
    session.flush()
    _changed(session, actor, "updated", group, before=before, after=group.terms)
    return group


def delete_group(session: Session, group_id: int, *, actor: Actor) -> None:
    group = get_group(session, group_id)
    _changed(session, actor, "deleted", group, terms=list(group.terms))
    session.delete(group)
    session.flush()
