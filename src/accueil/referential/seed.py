"""Idempotent loading of the referential from data/referential.yaml (inserts what is missing only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.referential.models import Component, Deployment, Organisation, Public

REFERENTIAL_FILE = Path(__file__).resolve().parent.parent / "data" / "referential.yaml"


def load_referential_data(path: Path = REFERENTIAL_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def seed_referential(session: Session, data: dict[str, Any] | None = None) -> dict[str, int]:
    data = data or load_referential_data()
    added = {"publics": 0, "organisations": 0, "components": 0, "deployments": 0}
    groups = data["groups"]
    for position, item in enumerate(data["publics"]):
        if session.get(Public, item["code"]) is None:
            session.add(
                Public(
                    code=item["code"],
                    name=item["name"],
                    group_code=item["group"],
                    group_name=groups[item["group"]],
                    centre_code=item.get("centre"),
                    position=position,
                )
            )
            added["publics"] += 1
    existing_orgs = set(session.scalars(select(Organisation.code)))
    for item in data["organisations"]:
        if item["code"] not in existing_orgs:
            session.add(
                Organisation(
                    code=item["code"],
                    name=item["name"],
                    kind=item["kind"],
                    city=item.get("city"),
                    parent_code=item.get("parent"),
                )
            )
            added["organisations"] += 1
    for position, item in enumerate(data["components"]):
        if session.get(Component, item["code"]) is None:
            session.add(Component(code=item["code"], name=item["name"], kind=item["kind"], position=position))
            added["components"] += 1
    session.flush()
    state_date: date = data["deployment_state_date"]
    existing = set(session.execute(select(Deployment.component_code, Deployment.public_code)).tuples())
    for component, statuses in data["deployments"].items():
        rows: list[tuple[str, str, int | None]] = [(p, "en_production", None) for p in statuses["en_production"]]
        for year, publics in (statuses.get("prevue") or {}).items():
            rows += [(p, "prevue", int(year)) for p in publics]
        rows += [(p, "a_prevoir", None) for p in statuses.get("a_prevoir") or []]
        for public, status, year in rows:
            if (component, public) not in existing:
                session.add(
                    Deployment(
                        component_code=component,
                        public_code=public,
                        status=status,
                        planned_year=year,
                        live_since=state_date if status == "en_production" else None,
                    )
                )
                added["deployments"] += 1
    session.flush()
    return added
