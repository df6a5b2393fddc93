"""Referential service: publics, organisations, components and the deployment matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput, NotFound
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.referential.choices import DeploymentStatus, OrganisationKind
from accueil.referential.models import Component, Deployment, Organisation, Public

GOAL_YEAR = 2027


def list_publics(session: Session) -> Sequence[Public]:
    return session.scalars(select(Public).order_by(Public.position)).all()


def get_public(session: Session, code: str) -> Public:
    public = session.get(Public, code.upper()) if code else None
    if public is None:
        raise InvalidInput(f"Public inconnu : « {code} ».")
    return public


def list_organisations(session: Session, *, active_only: bool = False) -> Sequence[Organisation]:
    query = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if active_only:
        query = query.where(Organisation.active.is_(True))
    return session.scalars(query).all()


def get_organisation(session: Session, code: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise NotFound("organisation")
    return org


def organisation_by_id(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def update_organisation(
    session: Session, code: str, *, name: str | None, city: str | None, active: bool | None, actor: Actor
) -> Organisation:
    org = get_organisation(session, code)
    before = {"name": org.name, "city": org.city, "active": org.active}
    if name is not None:
        if not name.strip() or len(name) > 200:
            raise InvalidInput("Le nom de l'organisation est obligatoire (200 caractères au plus).")
        org.name = name.strip()
    if city is not None:
        org.city = city.strip() or None
    if active is not None:
        org.active = active
    audit.record(
        session,
        actor=actor,
        action="organisation.updated",
        object_type="organisation",
        object_id=org.code,
        summary=f"Modification de {org.name}",
        details={"before": before, "after": {"name": org.name, "city": org.city, "active": org.active}},
    )
    session.flush()
    return org


def create_organisation(
    session: Session, *, code: str, name: str, kind: str, city: str | None, actor: Actor
) -> Organisation:
    code = code.strip().upper()
    if not code or len(code) > 20 or not code.replace("_", "").isalnum():
        raise InvalidInput("Code d'organisation invalide (lettres, chiffres et _ ; 20 caractères au plus).")
    if kind not in {k.value for k in OrganisationKind}:
        raise InvalidInput(f"Type d'organisation inconnu : « {kind} ».")
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise InvalidInput(f"L'organisation {code} existe déjà.")
    if not name.strip():
        raise InvalidInput("Le nom de l'organisation est obligatoire.")
    org = Organisation(code=code, name=name.strip(), kind=kind, city=city)
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.created",
        object_type="organisation",
        object_id=code,
        summary=f"Création de {org.name}",
    )
    return org


def list_components(session: Session) -> Sequence[Component]:
    return session.scalars(select(Component).order_by(Component.position)).all()


def get_component(session: Session, code: str) -> Component:
    component = session.get(Component, code) if code else None
    if component is None:
        raise InvalidInput(f"Composant inconnu : « {code} ».")
    return component


def is_live(session: Session, component: str, public: str | None) -> bool:
    """The one question every channel asks: is this component (or feature) in production for this public?"""
    if public is None:
        return False
    status = session.scalar(
        select(Deployment.status).where(Deployment.component_code == component, Deployment.public_code == public)
    )
    return status == DeploymentStatus.EN_PRODUCTION


def live_publics(session: Session, component: str) -> list[str]:
    return list(
        session.scalars(
            select(Deployment.public_code).where(
                Deployment.component_code == component, Deployment.status == DeploymentStatus.EN_PRODUCTION
            )
        )
    )


@dataclass(frozen=True, slots=True)
class Cell:
    status: str
    label: str
    planned_year: int | None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    component: str
    name: str
    kind: str
    cells: dict[str, Cell]
    live: int
    planned: int
    total: int


@dataclass(frozen=True, slots=True)
class Matrix:
    publics: list[tuple[str, str, str]]  # code, name, group name
    rows: list[MatrixRow]
    goal_year: int
    generated_at: str = field(default_factory=lambda: utcnow().isoformat())

    def as_dict(self) -> dict[str, object]:
        return {
            "goal_year": self.goal_year,
            "goal": f"Tous les composants pour les 16 publics d'ici {self.goal_year}",
            "publics": [{"code": c, "name": n, "group": g} for c, n, g in self.publics],
            "components": [
                {
                    "code": row.component,
                    "name": row.name,
                    "kind": row.kind,
                    "live": row.live,
                    "planned": row.planned,
                    "total": row.total,
                    "coverage": f"{row.live}/{row.total}",
                    "deployments": {
                        code: {"status": cell.status, "label": cell.label, "planned_year": cell.planned_year}
                        for code, cell in row.cells.items()
                    },
                }
                for row in self.rows
            ],
        }


def deployment_matrix(session: Session) -> Matrix:
    publics = session.execute(select(Public.code, Public.name, Public.group_name).order_by(Public.position)).all()
    rows_raw = session.execute(
        select(Deployment.component_code, Deployment.public_code, Deployment.status, Deployment.planned_year)
    ).all()
    by_key = {(c, p): (status, year) for c, p, status, year in rows_raw}
    components = session.execute(select(Component.code, Component.name, Component.kind).order_by(Component.position))
    rows = []
    for code, name, kind in components:
        cells: dict[str, Cell] = {}
        for public_code, _, _ in publics:
            status_raw, year = by_key.get((code, public_code), (DeploymentStatus.A_PREVOIR.value, None))
            status = DeploymentStatus(status_raw)
            label = status.label + (f" ({year})" if year else "")
            cells[public_code] = Cell(status=status.value, label=label, planned_year=year)
        live = sum(1 for c in cells.values() if c.status == DeploymentStatus.EN_PRODUCTION)
        planned = sum(1 for c in cells.values() if c.status == DeploymentStatus.PREVUE)
        rows.append(MatrixRow(code, name, kind, cells, live, planned, len(publics)))
    return Matrix([(c, n, g) for c, n, g in publics], rows, GOAL_YEAR)


def set_deployment(
    session: Session, *, component: str, public: str, status: str, planned_year: int | None, actor: Actor
) -> Deployment:
    get_component(session, component)
    get_public(session, public)
    try:
        new_status = DeploymentStatus(status)
    except ValueError:
        raise InvalidInput(f"Statut de déploiement inconnu : « {status} ».") from None
    if new_status == DeploymentStatus.PREVUE and (planned_year is None or not 2020 <= planned_year <= 2040):
        raise InvalidInput("Une mise en production prévue demande une année (entre 2020 et 2040).")
    if new_status != DeploymentStatus.PREVUE:
        planned_year = None
    dep = session.scalar(
        select(Deployment).where(Deployment.component_code == component, Deployment.public_code == public)
    )
    before = {"status": dep.status, "planned_year": dep.planned_year} if dep else None
    if dep is None:
        dep = Deployment(component_code=component, public_code=public, status=new_status.value)
        session.add(dep)
    if new_status == DeploymentStatus.EN_PRODUCTION and dep.status != new_status:
        dep.live_since = utcnow().date()
    dep.status, dep.planned_year, dep.updated_at = new_status.value, planned_year, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="deployment.updated",
        object_type="deployment",
        object_id=f"{component}:{public}",
        summary=f"{component} × {public} : {new_status.label}",
        details={"before": before, "after": {"status": new_status.value, "planned_year": planned_year}},
    )
    return dep
