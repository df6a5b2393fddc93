"""Wait estimates from live staffing and measured handling times.

For a usager at position k with f free slots among the available agents (c slots in all), the wait is the
time until k - f slots are released. With busy slots released at rate c / AHT (AHT: measured mean handling
time), that time follows a Gamma(k - f, AHT / c) law: we show its quantiles as a range. For a queue as a
whole (supervision), Erlang C gives the expected wait of a new arrival from the measured arrival rate.
No estimate is shown when nobody is available or when too few handling times were measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.clock import as_utc
from accueil.routing.choices import EntryState
from accueil.routing.models import QueueEntry
from accueil.routing.policy import RoutingPolicy

DEFAULT_HANDLING_S = 600.0


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    low_s: int
    high_s: int
    reliable: bool

    def as_dict(self) -> dict[str, Any]:
        return {"low_s": self.low_s, "high_s": self.high_s, "reliable": self.reliable}

    def french(self) -> str:
        low, high = _minutes(self.low_s), max(_minutes(self.high_s), 1)
        if high <= 1:
            return "moins d'une minute"
        if low == high or low == 0:
            return f"moins de {high} minutes" if low == 0 else f"environ {high} minutes"
        return f"entre {low} et {high} minutes"


def _minutes(seconds: float) -> int:
    return math.ceil(seconds / 60.0) if seconds > 0 else 0


@dataclass(frozen=True, slots=True)
class Staffing:
    slots: int  # simultaneous chats the available eligible agents can hold
    busy: int  # chats they hold now, plus pending offers
    handling_s: float | None  # measured mean handling time (None: no measure)
    samples: int

    @property
    def free(self) -> int:
        return max(0, self.slots - self.busy)


def measured_handling(
    session: Session, *, skill: str | None, policy: RoutingPolicy, now: datetime
) -> tuple[float | None, int]:
    """Mean handling time (taken -> ended) of the last `window` handled entries of this skill (or of all)."""
    query = (
        select(QueueEntry.taken_at, QueueEntry.ended_at)
        .where(
            QueueEntry.state == EntryState.DONE.value,
            QueueEntry.taken_at.is_not(None),
            QueueEntry.ended_at >= now - timedelta(days=policy.estimate_window_days),
        )
        .order_by(QueueEntry.ended_at.desc())
        .limit(policy.estimate_window)
    )
    if skill is not None:
        query = query.where(QueueEntry.skill == skill)
    durations = [(as_utc(end) - as_utc(start)).total_seconds() for start, end in session.execute(query)]
    durations = [d for d in durations if d > 0]
    if not durations:
        return None, 0
    return sum(durations) / len(durations), len(durations)


def gamma_quantile(shape: float, scale: float, q: float) -> float:
    from scipy.stats import gamma  # imported lazily: scipy.stats is slow to import

    return float(gamma.ppf(q, shape, scale=scale))


def estimate_position(position: int, staffing: Staffing, policy: RoutingPolicy) -> WaitEstimate | None:
    """The wait range of the usager at `position`; None when nobody available can take the queue."""
    if staffing.slots <= 0 or position <= 0:
        return None
    reliable = staffing.samples >= policy.min_samples and staffing.handling_s is not None
    needed = position - staffing.free
    if needed <= 0:  # a slot is free: the wait is the time an agent takes to accept
        return WaitEstimate(0, int(policy.offer_timeout_s), reliable)
    scale = (staffing.handling_s or DEFAULT_HANDLING_S) / staffing.slots
    low_q, high_q = policy.quantiles
    return WaitEstimate(
        round(gamma_quantile(needed, scale, low_q)), round(gamma_quantile(needed, scale, high_q)), reliable
    )


def point_estimate(position: int, staffing: Staffing) -> float | None:
    """Mean of the same law (used by the simulation benchmark)."""
    if staffing.slots <= 0:
        return None
    needed = position - staffing.free
    return 0.0 if needed <= 0 else needed * (staffing.handling_s or DEFAULT_HANDLING_S) / staffing.slots


def erlang_c(traffic: float, servers: int) -> float:
    """Probability that a new arrival waits (Erlang C), from the Erlang B recursion (numerically stable)."""
    if servers <= 0 or traffic >= servers:
        return 1.0
    if traffic <= 0:
        return 0.0
    b = 1.0
    for k in range(1, servers + 1):
        b = traffic * b / (k + traffic * b)
    return servers * b / (servers - traffic * (1 - b))


def expected_wait_new(arrivals_per_s: float, staffing: Staffing) -> float | None:
    """Mean wait of a new arrival (M/M/c): C(c, A) * AHT / (c - A); None when the queue is not stable."""
    aht = staffing.handling_s or DEFAULT_HANDLING_S
    traffic = arrivals_per_s * aht
    if staffing.slots <= 0 or traffic >= staffing.slots:
        return None
    return erlang_c(traffic, staffing.slots) * aht / (staffing.slots - traffic)
