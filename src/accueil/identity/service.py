"""Users, roles, memberships, authentication with lockout, and login sessions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from accueil.identity import audit
from accueil.identity.access import NATIONAL_CODE, Actor
from accueil.identity.choices import Role
from accueil.identity.models import Membership, User, UserRole, UserSession
from accueil.identity.security import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from accueil.referential.models import Organisation
from accueil.referential.taxonomy import load_taxonomy

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENERIC_LOGIN_ERROR = "Identifiant ou mot de passe incorrect."


@dataclass(frozen=True, slots=True)
class UserInput:
    email: str
    full_name: str
    roles: tuple[str, ...]
    organisation_codes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    max_chats: int = 3
    password: str | None = None
    active: bool = True


def actor_for(session: Session, user: User) -> Actor:
    national_ids = set(session.scalars(select(Organisation.id).where(Organisation.code == NATIONAL_CODE)))
    return Actor(
        user_id=user.id,
        email=user.email,
        full_name=user.full_name,
        roles=user.roles,
        organisation_ids=user.organisation_ids,
        national=bool(national_ids & set(user.organisation_ids)),
    )


def _validate(session: Session, data: UserInput, *, creating: bool) -> list[int]:
    errors: dict[str, str] = {}
    if not _EMAIL.match(data.email.strip()):
        errors["email"] = "Adresse e-mail invalide."
    if not data.full_name.strip() or len(data.full_name) > 200:
        errors["full_name"] = "Le nom est obligatoire (200 caractères au plus)."
    unknown_roles = [r for r in data.roles if r not in {role.value for role in Role}]
    if unknown_roles:
        errors["roles"] = f"Rôle inconnu : {', '.join(unknown_roles)}."
    if not data.roles:
        errors["roles"] = "Au moins un rôle est requis."
    skills = load_taxonomy().routing_skills
    unknown_skills = [s for s in data.skills if s not in skills]
    if unknown_skills:
        errors["skills"] = f"Compétence inconnue : {', '.join(unknown_skills)}."
    if not 1 <= data.max_chats <= 20:
        errors["max_chats"] = "Le nombre de conversations simultanées doit être compris entre 1 et 20."
    if creating and (data.password is None or len(data.password) < MIN_PASSWORD_LENGTH):
        errors["password"] = f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
    if not creating and data.password is not None and len(data.password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
    org_ids: list[int] = []
    for code in data.organisation_codes:
        org_id = session.scalar(select(Organisation.id).where(Organisation.code == code))
        if org_id is None:
            errors["organisations"] = f"Organisation inconnue : {code}."
        else:
            org_ids.append(org_id)
    if errors:
        raise InvalidInput("Certaines informations sont invalides.", details=errors)
    return org_ids


def create_user(session: Session, data: UserInput, *, actor: Actor | None) -> User:
    org_ids = _validate(session, data, creating=True)
    email = data.email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("Un utilisateur existe déjà avec cette adresse e-mail.")
    assert data.password is not None
    user = User(
        email=email,
        full_name=data.full_name.strip(),
        password_hash=hash_password(data.password),
        skills=sorted(set(data.skills)),
        max_chats=data.max_chats,
        active=data.active,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(set(data.roles))]
    user.membership_rows = [Membership(organisation_id=i) for i in sorted(set(org_ids))]
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.id,
        summary=f"Création de {email}",
        details={"roles": sorted(data.roles), "organisations": list(data.organisation_codes)},
    )
    return user


def update_user(session: Session, user_id: int, data: UserInput, *, actor: Actor) -> User:
    user = get_user(session, user_id)
    org_ids = _validate(session, data, creating=False)
    email = data.email.strip().lower()
    other = session.scalar(select(User.id).where(User.email == email, User.id != user_id))
    if other is not None:
        raise Conflict("Un utilisateur existe déjà avec cette adresse e-mail.")
    before = {"roles": sorted(user.roles), "active": user.active, "skills": list(user.skills)}
    user.email, user.full_name = email, data.full_name.strip()
    user.skills, user.max_chats, user.active = sorted(set(data.skills)), data.max_chats, data.active
    user.role_rows = [UserRole(role=r) for r in sorted(set(data.roles))]
    user.membership_rows = [Membership(organisation_id=i) for i in sorted(set(org_ids))]
    if data.password:
        user.password_hash = hash_password(data.password)
    if not data.active:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.updated",
        object_type="user",
        object_id=user.id,
        summary=f"Modification de {email}",
        details={
            "before": before,
            "after": {"roles": sorted(data.roles), "active": data.active, "skills": sorted(data.skills)},
        },
    )
    return user


def unlock_user(session: Session, user_id: int, *, actor: Actor) -> User:
    user = get_user(session, user_id)
    user.failed_logins, user.locked_until = 0, None
    audit.record(
        session,
        actor=actor,
        action="user.unlocked",
        object_type="user",
        object_id=user.id,
        summary=f"Déverrouillage de {user.email}",
    )
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("utilisateur")
    return user


def list_users(session: Session, *, role: str | None = None) -> Sequence[User]:
    query = select(User).order_by(User.full_name)
    if role:
        query = query.join(UserRole).where(UserRole.role == role)
    return session.scalars(query).all()


def authenticate(session: Session, email: str, password: str, *, max_failures: int, lockout_minutes: int) -> User:
    """Check a password; after `max_failures` consecutive failures the account is locked for a while."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        verify_password(None, password)
        raise Unauthenticated(
            "Compte temporairement verrouillé après plusieurs échecs de connexion. Réessayez plus tard "
            "ou contactez un administrateur."
        )
    if user is None or not user.active or not verify_password(user.password_hash, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + timedelta(minutes=lockout_minutes)
                audit.record(
                    session,
                    actor=None,
                    action="user.locked",
                    object_type="user",
                    object_id=user.id,
                    summary=f"Verrouillage de {user.email} après {user.failed_logins} échecs",
                )
        raise Unauthenticated(GENERIC_LOGIN_ERROR)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return user


def open_session(session: Session, user: User, *, hours: int) -> tuple[str, UserSession]:
    token = new_token()
    row = UserSession(
        token_hash=token_digest(token),
        csrf_token=new_token(),
        user_id=user.id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_session(session: Session, token: str | None) -> User | None:
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == token_digest(token)))
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == token_digest(token)))


def purge_expired_sessions(session: Session) -> int:
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def users_with_roles(session: Session, roles: Iterable[str]) -> Sequence[User]:
    return session.scalars(select(User).join(UserRole).where(UserRole.role.in_(list(roles))).distinct()).all()
