"""Roles and their French labels."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISEUR = "superviseur"
    AGENT = "agent"
    REDACTEUR = "redacteur"
    VALIDEUR = "valideur"
    FORMATEUR = "formateur"
    ANALYSTE = "analyste"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrateur",
    Role.SUPERVISEUR: "Superviseur",
    Role.AGENT: "Agent",
    Role.REDACTEUR: "Rédacteur",
    Role.VALIDEUR: "Valideur",
    Role.FORMATEUR: "Formateur",
    Role.ANALYSTE: "Analyste",
}
