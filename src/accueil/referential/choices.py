"""Enumerations of the referential."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    NATIONAL = "national"
    REGIONALE = "regionale"
    CENTRE_NATIONAL = "centre_national"
    CGSS = "cgss"


class ComponentKind(StrEnum):
    COMPONENT = "component"
    FEATURE = "feature"


class DeploymentStatus(StrEnum):
    EN_PRODUCTION = "en_production"
    PREVUE = "prevue"
    A_PREVOIR = "a_prevoir"

    @property
    def label(self) -> str:
        return {
            "en_production": "En production",
            "prevue": "Mise en production prévue",
            "a_prevoir": "À prévoir",
        }[self.value]
