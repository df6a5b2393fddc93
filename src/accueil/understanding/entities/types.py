"""The entity record returned to callers, and the candidate spans extractors propose."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class EntityType(StrEnum):
    SIRET = "siret"
    SIREN = "siren"
    NIR = "nir"
    IBAN = "iban"
    AMOUNT = "amount"
    DATE = "date"
    PERIOD = "period"
    EMAIL = "email"
    PHONE = "phone"
    ACCOUNT_NUMBER = "account_number"
    LETTER_REFERENCE = "letter_reference"


# When two candidates overlap, the longer one wins; on equal length, the lower rank wins.
RANK: dict[EntityType, int] = {kind: rank for rank, kind in enumerate(EntityType)}
SENSITIVE: frozenset[EntityType] = frozenset({EntityType.NIR, EntityType.IBAN})


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity; `start`/`end` index the original text; sensitive values are already masked."""

    type: EntityType
    value: str
    start: int
    end: int
    valid: bool

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "value": self.value, "start": self.start, "end": self.end, "valid": self.valid}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of the digit view (not yet mapped to the original text)."""

    type: EntityType
    value: str
    start: int
    end: int
    valid: bool
