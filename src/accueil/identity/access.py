"""Who is acting, and what they may reach. The only place that decides organisation scope."""

from __future__ import annotations

from dataclasses import dataclass

from accueil.core.errors import Forbidden
from accueil.identity.choices import Role

NATIONAL_CODE = "UCN"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    email: str
    full_name: str
    roles: frozenset[str]
    organisation_ids: frozenset[int]
    national: bool  # member of the national body: reads every organisation's data

    @property
    def label(self) -> str:
        return self.email

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has_role(self, *roles: Role | str) -> bool:
        return self.is_admin or any(role in self.roles for role in roles)

    def require_role(self, *roles: Role | str) -> None:
        if not self.has_role(*roles):
            raise Forbidden()

    def can_reach_organisation(self, organisation_id: int | None) -> bool:
        """Admins and national staff reach everything; others only their organisations."""
        if self.is_admin or self.national:
            return True
        return organisation_id is not None and organisation_id in self.organisation_ids

    def organisation_filter(self) -> frozenset[int] | None:
        """None means no restriction; otherwise the organisation ids every query must be limited to."""
        return None if (self.is_admin or self.national) else self.organisation_ids


SYSTEM_ACTOR = Actor(
    user_id=0,
    email="systeme",
    full_name="Système",
    roles=frozenset({Role.ADMIN}),
    organisation_ids=frozenset(),
    national=True,
)
