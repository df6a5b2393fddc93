"""Routing policy: data/routing.yaml loaded once into frozen dataclasses (hours, overflow, delays, archive).

`ACCUEIL_ROUTING_FILE` points to another file (tests, deployments); `load_policy(path)` reads a given one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from accueil.core.errors import InvalidInput
from accueil.routing.holidays import CALENDARS, holiday_name

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "routing.yaml"
ENV_FILE = "ACCUEIL_ROUTING_FILE"
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

Slots = tuple[tuple[time, time], ...]


@dataclass(frozen=True, slots=True)
class Hours:
    timezone: str
    weekly: tuple[Slots, ...]  # Monday first
    holidays: str
    closures: frozenset[date] = frozenset()
    always_open: bool = False

    def is_open(self, at: datetime) -> bool:
        if self.always_open:
            return True
        local = at.astimezone(ZoneInfo(self.timezone))
        if self.closed_day(local.date()):
            return False
        return any(start <= local.time() < end for start, end in self.weekly[local.weekday()])

    def closed_day(self, day: date) -> bool:
        return day in self.closures or holiday_name(day, self.holidays) is not None

    def next_opening(self, at: datetime, *, horizon_days: int = 21) -> datetime | None:
        """The next moment the queue opens after `at` (local time of the queue), or None."""
        if self.always_open:
            return at
        zone = ZoneInfo(self.timezone)
        local = at.astimezone(zone)
        for offset in range(horizon_days):
            day = local.date() + timedelta(days=offset)
            if self.closed_day(day):
                continue
            for start, _end in self.weekly[day.weekday()]:
                opening = datetime.combine(day, start, tzinfo=zone)
                if opening > local:
                    return opening
        return None

    def describe(self) -> str:
        """Opening hours in French, e.g. « du lundi au vendredi de 8 h 30 à 17 h 30 »."""
        if self.always_open:
            return "tous les jours, à toute heure"
        groups: list[tuple[list[str], Slots]] = []
        for name, slots in zip(DAYS, self.weekly, strict=True):
            if not slots:
                continue
            if groups and groups[-1][1] == slots and DAYS.index(groups[-1][0][-1]) == DAYS.index(name) - 1:
                groups[-1][0].append(name)
            else:
                groups.append(([name], slots))
        parts = []
        for names, slots in groups:
            days = f"du {names[0]} au {names[-1]}" if len(names) > 2 else " et ".join(f"le {n}" for n in names)
            parts.append(days + " " + " et ".join(f"de {_hm(s)} à {_hm(e)}" for s, e in slots))
        return ", ".join(parts) or "aucun horaire d'ouverture"


def _hm(value: time) -> str:
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


@dataclass(frozen=True, slots=True)
class QueueHours:
    organisation: str | None
    skill: str | None
    hours: Hours


@dataclass(frozen=True, slots=True)
class Motif:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    national_pool: str
    default_skill: str
    hours: Hours
    calendars: dict[str, Hours]
    queues: tuple[QueueHours, ...]
    overflow_enabled: bool
    overflow_after_s: float
    overflow_kinds: frozenset[str]
    offer_timeout_s: float
    agent_grace_s: float
    usager_grace_s: float
    staffed_presences: frozenset[str]
    service_level_s: float
    service_level_target: float
    min_samples: int
    estimate_window: int
    estimate_window_days: int
    quantiles: tuple[float, float]
    retention_days: int
    motifs: tuple[Motif, ...] = field(default=())

    def hours_for(self, organisation_code: str, skill: str) -> Hours:
        """The most specific rule wins: organisation and skill, then organisation, then skill, then default."""
        best: tuple[int, Hours] | None = None
        for rule in self.queues:
            if rule.organisation not in (None, organisation_code) or rule.skill not in (None, skill):
                continue
            score = (2 if rule.organisation else 0) + (1 if rule.skill else 0)
            if best is None or score > best[0]:
                best = (score, rule.hours)
        if best is not None:
            return best[1]
        return self.calendars.get(organisation_code, self.hours)

    def motif(self, code: str) -> Motif | None:
        return next((m for m in self.motifs if m.code == code), None)

    def always_open(self) -> RoutingPolicy:
        """The same policy with every queue open at all hours (demonstrations, benchmarks, tests)."""
        opened = replace(self.hours, always_open=True)
        return replace(
            self,
            hours=opened,
            calendars={k: replace(v, always_open=True) for k, v in self.calendars.items()},
            queues=tuple(replace(q, hours=replace(q.hours, always_open=True)) for q in self.queues),
        )


def _slots(raw: list[str]) -> Slots:
    slots = []
    for item in raw:
        start, _, end = str(item).partition("-")
        slot = (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
        if slot[0] >= slot[1]:
            raise InvalidInput(f"Plage horaire invalide : « {item} ».")
        slots.append(slot)
    return tuple(slots)


def _hours(raw: dict[str, Any], base: Hours | None, *, timezone: str, holidays: str) -> Hours:
    weekly = base.weekly if base else tuple(() for _ in DAYS)
    if "hours" in raw:
        unknown = set(raw["hours"]) - set(DAYS)
        if unknown:
            raise InvalidInput(f"Jours inconnus dans les horaires : {sorted(unknown)}.")
        weekly = tuple(_slots(raw["hours"].get(day, [])) for day in DAYS)
    zone = raw.get("timezone", timezone)
    calendar = raw.get("holidays", holidays)
    ZoneInfo(zone)  # raises on an unknown zone
    if calendar not in CALENDARS:
        raise InvalidInput(f"Calendrier de jours fériés inconnu : « {calendar} ».")
    closures = frozenset(date.fromisoformat(str(d)) for d in raw.get("closures", base.closures if base else ()))
    always = bool(raw.get("always_open", base.always_open if base else False))
    return Hours(zone, weekly, calendar, closures, always)


def parse_policy(raw: dict[str, Any]) -> RoutingPolicy:
    timezone, calendar = raw.get("timezone", "Europe/Paris"), raw.get("holidays", "metropole")
    default = _hours(
        {"hours": raw["hours"], "closures": raw.get("closures", []), "always_open": raw.get("always_open", False)},
        None,
        timezone=timezone,
        holidays=calendar,
    )
    calendars = {
        code: _hours(item, default, timezone=timezone, holidays=calendar)
        for code, item in (raw.get("calendars") or {}).items()
    }
    queues = tuple(
        QueueHours(
            item.get("organisation"),
            item.get("skill"),
            _hours(
                item,
                base := calendars.get(item.get("organisation", ""), default),
                timezone=base.timezone,
                holidays=base.holidays,
            ),
        )
        for item in raw.get("queues") or []
    )
    overflow, assignment = raw.get("overflow", {}), raw.get("assignment", {})
    service, estimate = raw.get("service_level", {}), raw.get("estimate", {})
    low, high = estimate.get("quantiles", [0.2, 0.8])
    return RoutingPolicy(
        national_pool=raw.get("national_pool", "UCN"),
        default_skill=raw.get("default_skill", "accueil_orientation"),
        hours=default,
        calendars=calendars,
        queues=queues,
        overflow_enabled=bool(overflow.get("enabled", True)),
        overflow_after_s=float(overflow.get("after_s", 180)),
        overflow_kinds=frozenset(overflow.get("kinds", ["regionale", "cgss"])),
        offer_timeout_s=float(assignment.get("offer_timeout_s", 30)),
        agent_grace_s=float(assignment.get("agent_disconnect_grace_s", 90)),
        usager_grace_s=float(assignment.get("usager_abandon_grace_s", 180)),
        staffed_presences=frozenset(assignment.get("staffed_presences", ["disponible", "pause"])),
        service_level_s=float(service.get("threshold_s", 60)),
        service_level_target=float(service.get("target_percent", 80)),
        min_samples=int(estimate.get("min_samples", 20)),
        estimate_window=int(estimate.get("window", 200)),
        estimate_window_days=int(estimate.get("window_days", 14)),
        quantiles=(float(low), float(high)),
        retention_days=int(raw.get("archive", {}).get("retention_days", 730)),
        motifs=tuple(Motif(m["code"], m["label"]) for m in raw.get("qualification", [])),
    )


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> RoutingPolicy:
    return parse_policy(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def load_policy(path: Path | None = None) -> RoutingPolicy:
    """The policy of `path`, else of ACCUEIL_ROUTING_FILE, else the packaged data/routing.yaml (cached)."""
    chosen = Path(path or os.environ.get(ENV_FILE) or DEFAULT_FILE)
    return _load(str(chosen), chosen.stat().st_mtime)
