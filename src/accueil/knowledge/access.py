"""Who may do what in the knowledge base. The only place that decides editorial scope.

Rédacteurs write the articles owned by their organisation (national staff: every article); valideurs
validate in the same scope, and nobody validates a version he wrote or edited (separation of duties).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accueil.core.errors import Forbidden
from accueil.identity.access import Actor
from accueil.identity.choices import Role

if TYPE_CHECKING:
    from accueil.knowledge.models import Version

READER_ROLES = (Role.AGENT, Role.SUPERVISEUR, Role.REDACTEUR, Role.VALIDEUR, Role.FORMATEUR, Role.ANALYSTE)
EDITORIAL_ROLES = (Role.REDACTEUR, Role.VALIDEUR)

SCOPE_MESSAGE = (
    "Vous ne pouvez rédiger que les articles de votre organisation ; "
    "les articles nationaux sont réservés aux rédacteurs nationaux."
)


def can_read_drafts(actor: Actor) -> bool:
    return actor.has_role(*EDITORIAL_ROLES)


def can_write(actor: Actor, owner_id: int | None) -> bool:
    return actor.has_role(Role.REDACTEUR) and actor.can_reach_organisation(owner_id)


def require_writer(actor: Actor, owner_id: int | None) -> None:
    if not actor.has_role(Role.REDACTEUR):
        raise Forbidden("Seuls les rédacteurs peuvent rédiger des articles.")
    if not actor.can_reach_organisation(owner_id):
        raise Forbidden(SCOPE_MESSAGE)


def has_contributed(actor: Actor, author_id: int | None, contributors: list[int]) -> bool:
    return actor.user_id == author_id or actor.user_id in contributors


def can_validate(actor: Actor, owner_id: int | None, author_id: int | None, contributors: list[int]) -> bool:
    return (
        actor.has_role(Role.VALIDEUR)
        and actor.can_reach_organisation(owner_id)
        and not has_contributed(actor, author_id, contributors)
    )


def require_validator(actor: Actor, owner_id: int | None, author_id: int | None, contributors: list[int]) -> None:
    if not actor.has_role(Role.VALIDEUR):
        raise Forbidden("Seuls les valideurs peuvent valider ou renvoyer une version.")
    if not actor.can_reach_organisation(owner_id):
        raise Forbidden("Cet article appartient à une autre organisation que la vôtre.")
    if has_contributed(actor, author_id, contributors):
        raise Forbidden(
            "Séparation des tâches : vous ne pouvez pas valider une version que vous avez rédigée ou modifiée."
        )


def require_reviewer(actor: Actor, owner_id: int | None) -> None:
    """Send back or archive: a valideur of the article's organisation (no separation needed)."""
    if not actor.has_role(Role.VALIDEUR):
        raise Forbidden("Seuls les valideurs peuvent effectuer cette action.")
    if not actor.can_reach_organisation(owner_id):
        raise Forbidden("Cet article appartient à une autre organisation que la vôtre.")


def can_edit_version(actor: Actor, version: Version) -> bool:
    return version.status == "draft" and can_write(actor, version.article.owner_id)


def can_validate_version(actor: Actor, version: Version) -> bool:
    return version.status == "in_review" and can_validate(
        actor, version.article.owner_id, version.author_id, list(version.contributors or [])
    )
