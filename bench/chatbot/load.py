"""Load: N concurrent simulated usagers against ONE server process (uvicorn, SQLite, extractive generator).

Each usager is an asyncio task with its own httpx client session on loopback: it starts a conversation, then
plays a realistic mix of turns (free text understood by the NLU, buttons, a grounded generative question,
a satisfaction click, a misunderstood message, a handoff and the contact form), waits a think time between
turns, and starts over. Reported: turn latency p50/p95/p99 (client side), turns per second, errors, and the
server's memory (RSS) at rest and at peak. Bounded by --duration.

    .venv/bin/python -m bench.chatbot.load [--users 200] [--duration 60] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "results" / "chatbot_load.json"
SCRIPTS = {
    "AE": [{"text": "comment déclarer mon chiffre d'affaires"}, {"pick": 1}, {"pick": 0},
           {"text": "Quels sont les taux des micro-entrepreneurs libéraux en 2026 ?"}, {"choice": "sat:oui"},
           {"text": "gzzzt krrrr"}, {"choice": "handoff"}, {"text": "usager.test@exemple.fr"},
           {"text": "Merci de me rappeler pour ma déclaration."}],
    "RG": [{"text": "comment obtenir mon attestation de vigilance ?"}, {"pick": 0}, {"choice": "sat:non"},
           {"text": "Qu'est-ce que le Tese à usage partiel pour les extras ?"}, {"choice": "sat:oui"},
           {"choice": "flow:contact"}, {"text": "je veux parler à un conseiller"}, {"text": "usager.test@exemple.fr"},
           {"text": "Je souhaite un rendez-vous."}],
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.conversations = 0
        self.measuring = False

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def usager(base: str, stats: Stats, stop: float, think: float, rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < stop:
            public = rng.choice(list(SCRIPTS))
            try:
                started = await client.post("/api/v1/chat/conversations", json={"public": public})
            except httpx.HTTPError as exc:
                stats.error(type(exc).__name__)
                await asyncio.sleep(think)
                continue
            if started.status_code != 201:
                stats.error(f"start {started.status_code}")
                await asyncio.sleep(think)
                continue
            data = started.json()
            url = f"/api/v1/chat/conversations/{data['conversation_id']}/turns"
            headers = {"X-Chat-Token": data["token"]}
            stats.conversations += stats.measuring
            choices: list[dict[str, str]] = [c for r in data["replies"] for c in r["choices"]]
            for step in SCRIPTS[public]:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                if time.monotonic() >= stop:
                    return
                if "pick" in step:
                    if not choices:
                        continue
                    choice = choices[min(step["pick"], len(choices) - 1)]
                    body = {"choice": choice["id"], "label": choice["label"]}
                else:
                    body = dict(step)
                began = time.perf_counter()
                try:
                    response = await client.post(url, json=body, headers=headers)
                except httpx.HTTPError as exc:
                    stats.error(type(exc).__name__)
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    stats.error(f"turn {response.status_code}")
                    continue
                if stats.measuring:
                    stats.latencies.append(elapsed)
                choices = [c for r in response.json()["replies"] for c in r["choices"]] or choices


async def drive(base: str, pid: int, args: argparse.Namespace, think: float) -> dict[str, Any]:
    stats = Stats()
    rng = random.Random(42)
    stop = time.monotonic() + args.warmup + args.duration
    tasks = [asyncio.create_task(usager(base, stats, stop, think, random.Random(rng.random())))
             for _ in range(args.users)]
    await asyncio.sleep(args.warmup)
    stats.measuring = True
    began, cpu_began = time.monotonic(), cpu_seconds(pid)
    peak = rss_mb(pid)
    while time.monotonic() < stop:
        await asyncio.sleep(1)
        peak = max(peak, rss_mb(pid))
    measured = time.monotonic() - began
    server_cpu = cpu_seconds(pid) - cpu_began
    stats.measuring = False
    await asyncio.gather(*tasks, return_exceptions=True)
    values = sorted(stats.latencies)

    def pct(p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 1) if values else float("nan")

    return {
        "think_time_s": think,
        "offered_turns_per_s": round(args.users / think, 1),
        "turns": len(values),
        "turns_per_s": round(len(values) / measured, 1),
        "conversations_started": stats.conversations,
        "latency_ms": {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
                       "mean": round(statistics.mean(values), 1) if values else None, "max": pct(1.0)},
        "errors": stats.errors,
        "server_rss_mb_peak": round(peak, 1),
        "server_cpu_utilisation": round(server_cpu / measured, 2),
        "server_cpu_ms_per_turn": round(1000 * server_cpu / max(1, len(values)), 2),
        "measured_s": round(measured, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--think", type=float, nargs="+", default=[5.0, 2.0, 1.0],
                        help="mean think times between turns (s), one run each (5 s: human pace; 1 s: saturation)")
    parser.add_argument("--nlu-models", type=Path, default=None, help="models folder (trained once if empty)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--server-log", type=Path, default=Path(tempfile.gettempdir()) / "accueil-bench-load.log")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accueil-bench-load-") as tmp:
        port = free_port()
        env = {**os.environ, "ACCUEIL_DATA_DIR": tmp, "ACCUEIL_DATABASE_URL": f"sqlite:///{tmp}/load.sqlite3",
               "ACCUEIL_NLU_MODEL_DIR": str(args.nlu_models or Path(tmp) / "models"), "ACCUEIL_DEMO_DATA": "false",
               "ACCUEIL_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"), "ACCUEIL_LLM_BASE_URL": "",
               "ACCUEIL_RATE_LIMIT_PER_MINUTE": "1000000", "ACCUEIL_ENVIRONMENT": "development"}
        command = [sys.executable, "-m", "uvicorn", "--factory", "accueil.web.app:app_from_env", "--host", "127.0.0.1",
                   "--port", str(port), "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "75"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=args.server_log.open("w"))
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            idle = rss_mb(server.pid)
            started = time.perf_counter()  # first turn: loads (or trains) the NLU model and the knowledge view
            first = httpx.post(f"{base}/api/v1/chat/conversations", json={"public": "AE"}, timeout=300).json()
            httpx.post(f"{base}/api/v1/chat/conversations/{first['conversation_id']}/turns", timeout=300,
                       headers={"X-Chat-Token": first["token"]}, json={"text": "bonjour"})
            warm_s = time.perf_counter() - started
            runs = [asyncio.run(drive(base, server.pid, args, think)) for think in args.think]
        finally:
            server.terminate()
            server.wait(timeout=20)
    report = {
        "benchmark": "chatbot load: concurrent simulated usagers on one server process",
        "setup": {"users": args.users, "duration_s": args.duration,
                  "warmup_s": args.warmup, "server": "1 uvicorn process, SQLite (WAL), extractive generator, "
                  "embedded retrieval (no demo data), keep-alive 75 s",
                  "client": "asyncio + httpx on loopback, same machine (shares the CPUs)",
                  "cpus": os.cpu_count(), "python": platform.python_version()},
        "server_rss_mb_idle": round(idle, 1),
        "first_turn_s": round(warm_s, 1),
        "runs": runs,
        "target": {"p95_ms": 150, "met_at_human_pace": runs[0]["latency_ms"]["p95"] < 150},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
