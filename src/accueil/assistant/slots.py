"""Slot validation: what the usager typed -> a clean value, or a French reason to ask again.

Identifiers reuse the understanding engine's entity extractors (SIRET with Luhn, periods, e-mails...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from accueil.assistant.policies import fold
from accueil.referential.taxonomy import load_taxonomy
from accueil.understanding.entities import Entity, EntityType, extract_entities


@dataclass(frozen=True, slots=True)
class SlotResult:
    value: str | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None


PROMPTS: dict[str, str] = {
    "siret": "Quel est votre numéro SIRET (14 chiffres) ?",
    "email": "Quelle est votre adresse e-mail ?",
    "account_number": "Quel est votre numéro de compte (cotisant, Cesu ou Pajemploi) ?",
    "period": "Pour quelle période (par exemple « mars 2026 » ou « 1er trimestre 2026 ») ?",
    "public": "Quelle est votre situation ?",
    "date": "Quelle date (JJ/MM/AAAA) ?",
    "amount": "Quel montant (en euros) ?",
    "text": "Précisez, s'il vous plaît :",
}


def _first(entities: list[Entity], *types: EntityType) -> Entity | None:
    return next((e for e in entities if e.type in types), None)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def validate_siret(text: str, today: date | None = None) -> SlotResult:
    entity = _first(extract_entities(text, today=today), EntityType.SIRET)
    if entity is not None and entity.valid:
        return SlotResult(entity.value)
    digits = _digits(text)
    if entity is not None or len(digits) == 14:
        return SlotResult(None, "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez-le.")
    if len(digits) == 9:
        return SlotResult(None, "Ce numéro ressemble à un SIREN (9 chiffres) : il faut le SIRET complet (14 chiffres).")
    return SlotResult(None, "Un numéro SIRET compte 14 chiffres : vérifiez votre saisie.")


def validate_email(text: str, today: date | None = None) -> SlotResult:
    entity = _first(extract_entities(text, today=today), EntityType.EMAIL)
    if entity is not None and entity.valid:
        return SlotResult(entity.value.lower())
    return SlotResult(None, "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).")


def validate_account(text: str, today: date | None = None) -> SlotResult:
    digits = _digits(text)
    if 6 <= len(digits) <= 20 and len(digits) == len(re.sub(r"[\s.-]", "", text.strip())):
        return SlotResult(digits)
    entity = _first(extract_entities(text, today=today), EntityType.ACCOUNT_NUMBER, EntityType.SIRET)
    if entity is not None:
        return SlotResult(entity.value)
    return SlotResult(None, "Un numéro de compte compte de 6 à 20 chiffres : vérifiez votre saisie.")


def validate_period(text: str, today: date | None = None) -> SlotResult:
    entity = _first(extract_entities(text, today=today), EntityType.PERIOD, EntityType.DATE)
    if entity is not None and entity.valid:
        return SlotResult(entity.value)
    return SlotResult(None, "Je n'ai pas reconnu la période (exemple : « mars 2026 » ou « 1er trimestre 2026 »).")


def validate_public(text: str, today: date | None = None) -> SlotResult:
    taxonomy = load_taxonomy()
    folded = fold(text).strip()
    for code, label in taxonomy.publics.items():
        if folded in {code.casefold(), fold(label)}:
            return SlotResult(code)
    return SlotResult(None, "Choisissez votre situation parmi les propositions.")


def validate_text(text: str, today: date | None = None) -> SlotResult:
    cleaned = " ".join(text.split())
    if not cleaned:
        return SlotResult(None, "Votre réponse est vide.")
    if len(cleaned) > 500:
        return SlotResult(None, "Votre réponse est trop longue (500 caractères au plus).")
    return SlotResult(cleaned)


VALIDATORS: dict[str, Callable[[str, date | None], SlotResult]] = {
    "siret": validate_siret,
    "email": validate_email,
    "account_number": validate_account,
    "period": validate_period,
    "public": validate_public,
    "text": validate_text,
}


def validate(slot_type: str, text: str, *, today: date | None = None) -> SlotResult:
    validator = VALIDATORS.get(slot_type, validate_text)
    return validator(text, today)


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def display(slot_type: str, value: str) -> str:
    """A value as a sentence shows it: '2026-03' -> 'mars 2026', '2026-Q1' -> '1er trimestre 2026'."""
    if slot_type != "period":
        return value
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if match:
        return f"{MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    match = re.fullmatch(r"(\d{4})-([QST])(\d)", value)
    if match:
        number = "1er" if match.group(3) == "1" else f"{match.group(3)}e"
        unit = {"Q": "trimestre", "S": "semestre", "T": "trimestre"}[match.group(2)]
        return f"{number} {unit} {match.group(1)}"
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        day = "1er" if match.group(3) == "01" else str(int(match.group(3)))
        return f"{day} {MONTHS[int(match.group(2)) - 1]} {match.group(1)}"
    return f"l'année {value}" if re.fullmatch(r"\d{4}", value) else value


def slots_from_entities(entities: list[Entity]) -> dict[str, str]:
    """Valid identifiers the usager already gave in free text (so the bot does not ask for them again)."""
    found: dict[str, str] = {}
    for entity in entities:
        if not entity.valid:
            continue
        if entity.type == EntityType.SIRET:
            found.setdefault("siret", entity.value)
        elif entity.type == EntityType.EMAIL:
            found.setdefault("email", entity.value.lower())
        elif entity.type == EntityType.PERIOD:
            found.setdefault("period", entity.value)
        elif entity.type == EntityType.ACCOUNT_NUMBER:
            found.setdefault("account_number", entity.value)
    return found
