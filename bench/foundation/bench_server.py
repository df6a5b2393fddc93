"""Foundation figures: server start-up time, idle memory, authenticated page latency under load.

Run: .venv/bin/python -m bench.foundation.bench_server [--duration 20] [--connections 50]
Needs `wrk` (deploy/apt-dev.txt) and, for the PostgreSQL run, a server at ACCUEIL_BENCH_POSTGRES_URL
(default postgresql://postgres@127.0.0.1:5432/postgres). Writes bench/results/foundation_server.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "foundation_server.json"
ACCUEIL = str(Path(sys.executable).with_name("accueil"))
LUA = str(Path(__file__).with_name("wrk_report.lua"))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    total = rss_mb(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            total += tree_rss_mb(int(child))
    return total


def wait_ready(url: str, timeout: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"server not ready: {url}")


def hey_run(url: str, token: str, args: argparse.Namespace) -> dict[str, Any]:
    """50 clients, each sending `rate` requests per second (open load, as real users with think time)."""
    out = subprocess.run(
        [
            "hey",
            "-z",
            f"{args.duration}s",
            "-c",
            str(args.connections),
            "-q",
            str(args.rate),
            "-t",
            "5",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stats: dict[str, Any] = {"clients": args.connections, "rate_per_client": args.rate}
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            stats["rps"] = float(line.split()[1])
        for pct in ("50", "90", "95", "99"):
            if line.startswith(f"{pct}% in"):
                stats[f"p{pct}_ms"] = round(float(line.split()[2]) * 1000, 2)
        if line.startswith("[200]"):
            stats["ok"] = int(line.split()[1])
    return stats


def run_backend(name: str, database_url: str, port: int, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    env = {
        **os.environ,
        "ACCUEIL_DATA_DIR": str(data_dir),
        "ACCUEIL_DATABASE_URL": database_url,
        "ACCUEIL_LOG_LEVEL": "WARNING",
        "ACCUEIL_RATE_LIMIT_PER_MINUTE": "1000000",
        "ACCUEIL_PORT": str(port),
    }
    subprocess.run([ACCUEIL, "db", "upgrade"], env=env, check=True, capture_output=True)
    results: dict[str, Any] = {"backend": name}
    for workers in args.workers:
        spawn = time.perf_counter()
        proc = subprocess.Popen(
            [ACCUEIL, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(f"{base}/readyz")
            startup = time.perf_counter() - spawn
            token = httpx.post(
                f"{base}/api/v1/auth/token", json={"email": "agent.idf@accueil.test", "password": "Accueil-demo-2026"}
            ).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert httpx.get(f"{base}/", headers=headers).status_code == 200
            time.sleep(1.0)
            idle = tree_rss_mb(proc.pid)
            runs = {}
            for path in ("/", "/deploiement"):
                out = subprocess.run(
                    [
                        "wrk",
                        "-t2",
                        f"-c{args.connections}",
                        f"-d{args.duration}s",
                        "--timeout",
                        "5s",
                        "-s",
                        LUA,
                        "-H",
                        f"Authorization: Bearer {token}",
                        f"{base}{path}",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                stats = json.loads(out.strip().splitlines()[-1])
                stats["rps"] = round(stats["requests"] / (stats["duration_us"] / 1e6), 1)
                runs[path] = stats
            paced = {}
            for path in ("/", "/deploiement"):
                paced[path] = hey_run(f"{base}{path}", token, args)
            results[f"workers_{workers}"] = {
                "startup_s": round(startup, 2),
                "idle_rss_mb": round(idle, 1),
                "after_load_rss_mb": round(tree_rss_mb(proc.pid), 1),
                "saturation_wrk": runs,
                "paced_hey": paced,
            }
            print(name, workers, json.dumps(results[f"workers_{workers}"]), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    shutil.rmtree(data_dir, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rate", type=float, default=4.0, help="requests per second per paced client (hey)")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("hey"):
        sys.exit("wrk ou hey manquant : make system-deps-dev")
    out: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load": {
            "tools": "wrk 4 (closed loop, saturation) and hey (paced clients)",
            "connections": args.connections,
            "duration_s": args.duration,
            "paced_rate_per_client": args.rate,
            "auth": "bearer token of agent.idf@accueil.test",
            "pages": ["/", "/deploiement"],
        },
        "targets": {"startup_s": 3, "idle_rss_mb": 250, "p95_ms": 50},
        "runs": [],
    }
    out["runs"].append(run_backend("sqlite", "", 8701, args))
    pg_admin = os.environ.get("ACCUEIL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"accueil_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_admin.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        out["runs"].append(run_backend("postgresql", pg_admin.rsplit("/", 1)[0] + f"/{name}", 8702, args))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
