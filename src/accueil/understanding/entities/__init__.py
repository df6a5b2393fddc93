"""Entities with validation: identifiers (SIRET, SIREN, NIR, IBAN, account, reference), amounts, dates,
periods, e-mail and phone. Offsets index the original text; NIR and IBAN values are masked.
"""

from __future__ import annotations

import re
from datetime import date

from accueil.core.clock import utcnow
from accueil.understanding.entities.amounts import find_amounts, find_emails
from accueil.understanding.entities.identifiers import (
    find_digit_runs,
    find_iban,
    find_international_phones,
    find_nir,
    find_references,
)
from accueil.understanding.entities.temporal import find_temporal
from accueil.understanding.entities.types import RANK, SENSITIVE, Candidate, Entity, EntityType
from accueil.understanding.spelled import digit_view

_DIGIT = re.compile(r"\d")
_TEMPORAL_WORD = re.compile(
    r"janv|f[ée]v|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[ée]c|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|aujourd|demain|hier|dans |il y a|fin |fin d|d[ée]but|mi-|trimestre|semestre|mois|ann[ée]e|l'an ",
    re.IGNORECASE,
)

__all__ = ["Entity", "EntityType", "extract_entities", "mask_sensitive", "replace_entities"]


def extract_entities(text: str, *, today: date | None = None) -> list[Entity]:
    """Every entity of `text`, in reading order; overlapping candidates resolved (longest first)."""
    if not text or not any(ch.isalnum() for ch in text):
        return []
    view = digit_view(text)
    reference = today or utcnow().date()
    candidates: list[Candidate] = []
    if "@" in view.text:
        candidates += find_emails(view.text)
    if _DIGIT.search(view.text):
        candidates += [
            *find_iban(view.text),
            *find_nir(view.text),
            *find_international_phones(view.text),
            *find_digit_runs(view.text),
            *find_references(view.text),
            *find_amounts(view.text),
        ]
    if _DIGIT.search(view.text) or _TEMPORAL_WORD.search(view.text):
        candidates += find_temporal(view.text, reference)
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (-(c.end - c.start), RANK[c.type], c.start)):
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    entities = []
    for candidate in sorted(kept, key=lambda c: c.start):
        start, end = view.original_span(candidate.start, candidate.end)
        entities.append(Entity(candidate.type, candidate.value, start, end, candidate.valid))
    return entities


def replace_entities(text: str, entities: list[Entity], replace: dict[EntityType, str] | None = None) -> str:
    """Replace entity spans by a placeholder (for the classifier) or their masked value (sensitive types)."""
    out, cursor = [], 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < cursor:
            continue
        if replace is None:
            substitute = f" ent{entity.type.value.replace('_', '')} "
        elif entity.type in replace:
            substitute = replace[entity.type] or entity.value
        else:
            continue
        out.append(text[cursor : entity.start])
        out.append(substitute)
        cursor = entity.end
    out.append(text[cursor:])
    return "".join(out)


def mask_sensitive(text: str, entities: list[Entity]) -> str:
    """The text with every NIR and IBAN replaced by its masked value."""
    return replace_entities(text, entities, {kind: "" for kind in SENSITIVE})
