"""Statuses and reasons of the learning loop, with their French labels."""

from __future__ import annotations

from enum import StrEnum


class MisunderstoodReason(StrEnum):
    OUT_OF_SCOPE = "hors_sujet"
    LOW_CONFIDENCE = "confiance_faible"
    REPHRASE = "reformulation"
    THUMBS_DOWN = "pouce_bas"

    @property
    def label(self) -> str:
        return {
            "hors_sujet": "Hors périmètre",
            "confiance_faible": "Confiance faible",
            "reformulation": "Demande de reformulation",
            "pouce_bas": "Avis négatif",
        }[self.value]


class InboxStatus(StrEnum):
    TO_REVIEW = "a_traiter"
    ANNOTATED = "annote"
    NEW_NEED = "nouveau_besoin"
    OUT_OF_SCOPE = "hors_perimetre"
    IGNORED = "ignore"

    @property
    def label(self) -> str:
        return {
            "a_traiter": "À traiter",
            "annote": "Intention attribuée",
            "nouveau_besoin": "Nouveau besoin",
            "hors_perimetre": "Hors périmètre",
            "ignore": "Ignoré",
        }[self.value]


class VersionStatus(StrEnum):
    CANDIDATE = "candidat"
    ACTIVE = "actif"
    RETIRED = "retire"
    REFUSED = "refuse"

    @property
    def label(self) -> str:
        return {"candidat": "Candidat", "actif": "Actif", "retire": "Retiré", "refuse": "Refusé"}[self.value]
