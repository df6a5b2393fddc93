"""(c) Wait-estimate accuracy on a discrete-event simulation of one live-chat queue.

Arrivals: non-homogeneous Poisson (a working day with a morning and an afternoon peak); handling times:
log-normal; agents with 2 or 3 simultaneous chats working shifts (some leave at lunch); usagers who abandon
after an exponential patience; an agent takes ~5 s to accept. At each arrival we record three estimates of
the usager's wait and compare them with the wait that actually followed (abandoned usagers excluded):
  - ours: accueil.routing.estimate_position/point_estimate (live staffing + measured mean handling time);
  - naive: the average of the last 10 realised waits;
  - Erlang C for a new arrival (queue-level estimate shown to supervisors).
Reports mean absolute error, bias, and how often the real wait falls inside our displayed range.

    .venv/bin/python -m bench.livechat.bench_wait_estimate        # a few seconds
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import random
import statistics
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accueil.routing import Staffing, estimate_position, expected_wait_new, load_policy
from accueil.routing.estimate import point_estimate

RESULTS = Path(__file__).resolve().parents[1] / "results" / "livechat_wait_estimate.json"
ACCEPT_DELAY_S = 5.0
DAY_S = 9 * 3600.0  # 8:30 -> 17:30


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    base_rate_per_h: float
    peak_factor: float
    agents: tuple[tuple[int, float, float], ...]  # (capacity, start_s, end_s)
    handling_mean_s: float = 600.0
    handling_cv: float = 0.8
    patience_mean_s: float = 900.0


def _shifts(n: int, capacity: int, lunch_share: float = 0.0) -> tuple[tuple[int, float, float], ...]:
    """n agents all day; a share of them away from 12:00 to 13:30 (two shifts)."""
    result = []
    away = round(n * lunch_share)
    for i in range(n):
        if i < away:
            result += [(capacity, 0.0, 3.5 * 3600), (capacity, 5.0 * 3600, DAY_S)]
        else:
            result.append((capacity, 0.0, DAY_S))
    return tuple(result)


SCENARIOS = (
    Scenario("stable", "charge régulière (~92 % d'occupation)", 66.0, 1.0, _shifts(4, 3)),
    Scenario("pics", "pics du matin et de l'après-midi (surcharge passagère)", 52.0, 1.7, _shifts(4, 3)),
    Scenario("pause_dejeuner", "pics + la moitié des agents absents de 12 h à 13 h 30", 52.0, 1.5, _shifts(6, 2, 0.5)),
)


def rate_at(scenario: Scenario, t: float) -> float:
    """Arrivals per second: two Gaussian peaks (10:00 and 14:30) over a base rate."""
    hours = t / 3600 + 8.5
    peaks = math.exp(-((hours - 10.0) ** 2) / 0.8) + 0.8 * math.exp(-((hours - 14.5) ** 2) / 0.8)
    return scenario.base_rate_per_h * (1 + (scenario.peak_factor - 1) * peaks) / 3600


@dataclass
class Usager:
    arrival: float
    estimates: dict[str, float | None] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None
    reliable: bool = False
    taken_at: float | None = None
    abandoned: bool = False


@dataclass
class Agent:
    capacity: int
    busy: int = 0
    available: bool = False


def simulate_day(scenario: Scenario, seed: int, policy: Any) -> list[Usager]:
    rng = random.Random(seed)
    sigma = math.sqrt(math.log(1 + scenario.handling_cv**2))
    mu = math.log(scenario.handling_mean_s) - sigma**2 / 2
    events: list[tuple[float, int, str, Any]] = []
    counter = 0

    def push(at: float, kind: str, payload: Any = None) -> None:
        nonlocal counter
        counter += 1
        heapq.heappush(events, (at, counter, kind, payload))

    agents = [Agent(capacity) for capacity, _, _ in scenario.agents]
    for agent, (_, start, end) in zip(agents, scenario.agents, strict=True):
        push(start, "on", agent)
        push(end, "off", agent)
    max_rate = max(rate_at(scenario, t) for t in range(0, int(DAY_S), 60))
    t = 0.0
    while True:  # thinning: non-homogeneous Poisson arrivals
        t += rng.expovariate(max_rate)
        if t >= DAY_S:
            break
        if rng.random() < rate_at(scenario, t) / max_rate:
            push(t, "arrival")
    queue: deque[Usager] = deque()
    served: list[Usager] = []
    handled: deque[float] = deque(maxlen=policy.estimate_window)
    recent_waits: deque[float] = deque(maxlen=10)
    arrivals_last_hour: deque[float] = deque()
    everyone: list[Usager] = []

    def staffing() -> Staffing:
        live = [a for a in agents if a.available]
        mean = statistics.fmean(handled) if handled else None
        return Staffing(
            slots=sum(a.capacity for a in live),
            busy=sum(min(a.capacity, a.busy) for a in live),
            handling_s=mean,
            samples=len(handled),
        )

    def dispatch(now: float) -> None:
        while queue:
            free = [a for a in agents if a.available and a.busy < a.capacity]
            if not free:
                return
            agent = min(free, key=lambda a: a.busy / a.capacity)
            usager = queue.popleft()
            agent.busy += 1
            usager.taken_at = now + ACCEPT_DELAY_S
            recent_waits.append(usager.taken_at - usager.arrival)
            duration = rng.lognormvariate(mu, sigma)
            push(usager.taken_at + duration, "done", (agent, duration))

    while events:
        now, _, kind, payload = heapq.heappop(events)
        if kind == "arrival":
            usager = Usager(now)
            everyone.append(usager)
            arrivals_last_hour.append(now)
            while arrivals_last_hour and arrivals_last_hour[0] < now - 3600:
                arrivals_last_hour.popleft()
            queue.append(usager)
            current = staffing()
            rank = len(queue)
            ours = estimate_position(rank, current, policy)
            usager.estimates["ours"] = point_estimate(rank, current) if ours is not None else None
            usager.estimates["naive"] = statistics.fmean(recent_waits) if recent_waits else 0.0
            usager.estimates["erlang_c"] = expected_wait_new(len(arrivals_last_hour) / 3600, current)
            if ours is not None:
                usager.low, usager.high, usager.reliable = ours.low_s, ours.high_s, ours.reliable
            push(now + rng.expovariate(1 / scenario.patience_mean_s), "abandon", usager)
            dispatch(now)
        elif kind == "abandon":
            if payload.taken_at is None and payload in queue:
                queue.remove(payload)
                payload.abandoned = True
        elif kind == "done":
            agent, duration = payload
            agent.busy -= 1
            handled.append(duration)
            dispatch(now)
        elif kind == "on":
            payload.available = True
            dispatch(now)
        elif kind == "off":
            payload.available = False
    served.extend(u for u in everyone if u.taken_at is not None)
    return everyone


def summarise(usagers: list[Usager]) -> dict[str, Any]:
    served = [u for u in usagers if u.taken_at is not None]
    real = {id(u): u.taken_at - u.arrival for u in served}  # type: ignore[operator]
    result: dict[str, Any] = {
        "arrivals": len(usagers),
        "served": len(served),
        "abandoned": sum(u.abandoned for u in usagers),
        "mean_real_wait_s": round(statistics.fmean(real.values()), 1) if real else None,
    }
    reliable = [u for u in served if u.reliable and u.estimates.get("ours") is not None]
    result["shown_estimates_share"] = round(len(reliable) / max(1, len(served)), 3)
    for name in ("ours", "naive", "erlang_c"):
        pairs = [(u.estimates[name], real[id(u)]) for u in served if u.estimates.get(name) is not None]
        errors = [abs(e - r) for e, r in pairs]  # type: ignore[operator]
        result[name] = {
            "estimated": len(pairs),
            "mae_s": round(statistics.fmean(errors), 1) if errors else None,
            "median_ae_s": round(statistics.median(errors), 1) if errors else None,
            "bias_s": round(statistics.fmean(e - r for e, r in pairs), 1) if pairs else None,  # type: ignore[operator]
        }
    shown = [(u.estimates["ours"], real[id(u)]) for u in reliable]
    result["ours_when_shown"] = {
        "estimated": len(shown),
        "mae_s": round(statistics.fmean(abs(e - r) for e, r in shown), 1) if shown else None,  # type: ignore[operator]
        "naive_mae_same_usagers_s": round(
            statistics.fmean(abs(u.estimates["naive"] - real[id(u)]) for u in reliable),
            1,  # type: ignore[operator]
        )
        if reliable
        else None,
    }
    inside = [u.low <= real[id(u)] <= u.high for u in reliable if u.low is not None and u.high is not None]  # type: ignore[operator]
    result["range_coverage"] = round(sum(inside) / len(inside), 3) if inside else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    policy = replace(load_policy(), min_samples=20)
    began = time.perf_counter()
    results: dict[str, Any] = {
        "method": __doc__.split("\n\n")[1].replace("\n", " "),
        "policy": {"quantiles": list(policy.quantiles), "min_samples": policy.min_samples,
                   "window": policy.estimate_window},
        "days_per_scenario": args.days,
        "scenarios": {},
    }  # fmt: skip
    for index, scenario in enumerate(SCENARIOS):
        usagers: list[Usager] = []
        for day in range(args.days):
            usagers += simulate_day(scenario, args.seed + 1000 * index + day, policy)
        summary = summarise(usagers)
        summary["description"] = scenario.description
        summary["agent_shifts"] = len(scenario.agents)
        summary["handling_mean_s"] = scenario.handling_mean_s
        results["scenarios"][scenario.name] = summary
    all_ours = [s["ours"]["mae_s"] for s in results["scenarios"].values()]
    all_naive = [s["naive"]["mae_s"] for s in results["scenarios"].values()]
    results["verdict"] = {
        "ours_mae_s": all_ours,
        "naive_mae_s": all_naive,
        "ours_better_everywhere": all(o < n for o, n in zip(all_ours, all_naive, strict=True)),
        "nominal_range_coverage": round(policy.quantiles[1] - policy.quantiles[0], 2),
    }
    results["elapsed_s"] = round(time.perf_counter() - began, 1)
    results["command"] = f"python -m bench.livechat.bench_wait_estimate --days {args.days} --seed {args.seed}"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
