"""(b) Load: 1,000 usager WebSockets and 50 agents across 2 server processes sharing Redis pub/sub and one
database. Every conversation is assigned; half the usagers sit on the other process than their agent.
Usagers write over their WebSocket, agents answer over HTTP (as the console does). Measures delivery
latency (send -> the other side's WebSocket) p50/p90/p99, loss, duplicates and memory per connection.

    .venv/bin/python -m bench.livechat.bench_load            # PostgreSQL + Redis on loopback, < 3 min
    .venv/bin/python -m bench.livechat.bench_load --backend sqlite --usagers 200 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import create_engine, text

from accueil.core.clock import utcnow
from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.identity import service as identity
from accueil.identity.models import User
from accueil.livechat import usager
from accueil.livechat.tokens import usager_token
from accueil.livechat.tx import run_tx
from accueil.routing import accept, load_policy, set_presence, touch
from bench.livechat.servers import Server, always_open_routing, free_port, server_env

RESULTS = Path(__file__).resolve().parents[1] / "results" / "livechat_load.json"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def make_database(backend: str, work: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{work / 'bench.sqlite3'}", None
    admin_url = os.environ.get("ACCUEIL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"accueil_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}", admin_url


def drop_database(url: str, admin_url: str | None) -> None:
    if admin_url is None:
        return
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def seed(settings: Settings, n_agents: int, n_usagers: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Agents (with login sessions) and usagers' conversations, each already assigned to an agent."""
    from accueil.bootstrap import prepare_database

    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    factory = make_sessionmaker(engine)
    policy = load_policy().always_open()
    agents: list[dict[str, Any]] = []
    with factory.begin() as session:
        for n in range(n_agents):
            user = identity.create_user(
                session,
                identity.UserInput(
                    email=f"bench.agent{n}@accueil.test", full_name=f"Agent{n} Bench", roles=("agent",),
                    organisation_codes=("URS_IDF",), skills=("attestations",),
                    max_chats=min(20, -(-n_usagers // n_agents)), password="Bench-password-2026",
                ),
                actor=None,
            )  # fmt: skip
            token, _ = identity.open_session(session, user, hours=2)
            set_presence(session, user.id, "pause", now=utcnow())
            agents.append({"user_id": user.id, "token": token})
    usagers: list[dict[str, Any]] = []

    def fill(session: Any, start: int) -> list[dict[str, Any]]:
        """Ten conversations per transaction: the session stays small and flushes stay cheap."""
        made = []
        for n in range(start, min(n_usagers, start + 10)):
            conversation, _ = usager.start_direct(
                session, public_code="RG", skill="attestations", organisation_code="URS_IDF",
                text=f"usager {n}", usager_ref=None, policy=policy, now=utcnow(),
            )  # fmt: skip
            agent = agents[n % n_agents]
            user = session.get(User, agent["user_id"])
            assert user is not None
            accept(session, conversation.id, agent=identity.actor_for(session, user), now=utcnow())
            token = usager_token(settings.secret_key, conversation.public_id)
            made.append({"conversation_id": conversation.id, "token": token, "agent": n % n_agents})
        return made

    def chunk(start: int) -> list[dict[str, Any]]:
        return run_tx(factory, lambda session: fill(session, start))  # retried on a SQLite write conflict

    with ThreadPoolExecutor(
        max_workers=1 if settings.is_sqlite else 4
    ) as pool:  # four writers: the seed is setup, not the measure
        for made in pool.map(chunk, range(0, n_usagers, 10)):
            usagers.extend(made)
    with factory.begin() as session:  # seen just now: the servers' sweepers must not think them gone
        touch(session, [a["user_id"] for a in agents], now=utcnow())
    engine.dispose()
    return agents, usagers


def nlu_cache() -> Path:
    """The assistant trains its NLU model at first start: keep it between runs (not part of the measure)."""
    path = Path(os.environ.get("ACCUEIL_NLU_MODEL_DIR", Path.home() / ".cache" / "accueil" / "nlu"))
    path.mkdir(parents=True, exist_ok=True)
    return path


class Stats:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.latency: dict[str, list[float]] = {"usager_to_agent": [], "agent_to_usager": []}
        self.received: dict[str, int] = {}
        self.ids: dict[str, set[int]] = {}
        self.duplicates = 0
        self.http_errors: dict[str, int] = {}
        self.loop_lag_ms: list[float] = []

    def got(self, receiver: str, message: dict[str, Any], direction: str) -> None:
        seen = self.ids.setdefault(receiver, set())
        if message["id"] in seen:
            self.duplicates += 1
            return
        seen.add(message["id"])
        key = message["text"]
        if key in self.sent:
            self.latency[direction].append((time.perf_counter() - self.sent[key]) * 1000)
            self.received[key] = self.received.get(key, 0) + 1


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="accueil-bench-livechat-"))
    url, admin = make_database(args.backend, work)
    settings = Settings(data_dir=work, database_url=url, demo_data=False, log_level="WARNING")
    started = time.perf_counter()
    try:
        agents, usagers = seed(settings, args.agents, args.usagers)
        setup_s = time.perf_counter() - started
        env = server_env(
            database_url=url, data_dir=work, redis_url=args.redis, routing_file=always_open_routing(work / "r.yaml"),
            ACCUEIL_DEMO_DATA="false", ACCUEIL_NLU_MODEL_DIR=str(nlu_cache()),
        )  # fmt: skip
        began = time.perf_counter()
        servers = [Server(free_port(), env, log=work / f"server{i}.log").start() for i in range(2)]
        start_s = time.perf_counter() - began
        try:
            result = await measure(args, servers, agents, usagers, setup_s)
            result["setup"]["servers_start_s"] = round(start_s, 1)
            return result
        finally:
            stopping = time.perf_counter()
            for server in servers:
                server.stop()
            print(f"servers stopped in {time.perf_counter() - stopping:.1f}s", file=sys.stderr)
    finally:
        drop_database(url, admin)


async def measure(
    args: argparse.Namespace, servers: list[Server], agents: list[dict[str, Any]], usagers: list[dict[str, Any]],
    setup_s: float,
) -> dict[str, Any]:  # fmt: skip
    stats = Stats()
    await asyncio.sleep(2)
    idle = [rss_kib(s.pid) for s in servers]
    gate = asyncio.Semaphore(100)
    loop = asyncio.get_running_loop()
    deadline = [0.0]
    http = httpx.AsyncClient(trust_env=False, timeout=30, limits=httpx.Limits(max_connections=100))
    agent_server = {n: servers[n % 2] for n in range(len(agents))}

    async def agent_reply(n: int, conversation_id: int) -> None:
        key = f"a|{conversation_id}|{uuid.uuid4().hex[:8]}"
        stats.sent[key] = time.perf_counter()
        if args.agent_http:  # the console's fallback path
            response = await http.post(
                f"{agent_server[n].base}/api/v1/livechat/agent/conversations/{conversation_id}/messages",
                json={"text": key, "client_id": key[-8:]},
                headers={"Authorization": f"Bearer {agents[n]['token']}"},
            )
            if response.status_code != 201:
                stats.http_errors[str(response.status_code)] = stats.http_errors.get(str(response.status_code), 0) + 1
        else:  # the console's normal path: its WebSocket
            await agent_sockets[n].send(
                json.dumps({"type": "message", "conversation_id": conversation_id, "text": key, "client_id": key[-8:]})
            )

    agent_sockets: dict[int, Any] = {}
    replies: set[asyncio.Task[None]] = set()  # answers in flight: awaited before counting

    async def agent_loop(n: int, ready: asyncio.Event) -> None:
        async with gate:
            ws = await websockets.connect(
                f"{agent_server[n].ws_base}/api/v1/livechat/ws/agent",
                additional_headers={"Cookie": f"accueil_session={agents[n]['token']}"},
                max_queue=None,
            )
        agent_sockets[n] = ws
        try:
            async for raw in ws:
                data = json.loads(raw)
                if data["type"] == "inbox":
                    ready.set()
                elif data["type"] == "message" and data["message"]["author_kind"] == "usager":
                    stats.got(f"agent{n}", data["message"], "usager_to_agent")
                    if loop.time() < deadline[0] and random.random() < args.reply_ratio:
                        task = asyncio.create_task(agent_reply(n, data["conversation_id"]))
                        replies.add(task)
                        task.add_done_callback(replies.discard)
        except websockets.ConnectionClosed:
            pass

    async def usager_loop(u: dict[str, Any], index: int, ready: asyncio.Event) -> None:
        server = servers[(u["agent"] + index // len(agents)) % 2]  # half on the agent's process, half not
        async with gate:
            ws = await websockets.connect(
                f"{server.ws_base}/api/v1/livechat/ws/usager?token={u['token']}", max_queue=None
            )
        reader_done = asyncio.Event()

        async def reader() -> None:
            try:
                async for raw in ws:
                    data = json.loads(raw)
                    if data["type"] == "state":
                        ready.set()
                    elif data["type"] == "message" and data["message"]["author_kind"] == "agent":
                        stats.got(f"u{u['conversation_id']}", data["message"], "agent_to_usager")
            except websockets.ConnectionClosed:
                pass
            reader_done.set()

        reading = asyncio.create_task(reader())
        await started_load.wait()
        await asyncio.sleep(random.uniform(0, args.interval))
        seq = 0
        while loop.time() < deadline[0]:
            key = f"u|{u['conversation_id']}|{seq}"
            stats.sent[key] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "text": key, "client_id": key[-20:]}))
            seq += 1
            await asyncio.sleep(min(random.expovariate(1 / args.interval), max(0.0, deadline[0] - loop.time())))
        await finished.wait()
        await ws.close()
        await reading

    started_load, finished = asyncio.Event(), asyncio.Event()
    agent_ready = [asyncio.Event() for _ in agents]
    usager_ready = [asyncio.Event() for _ in usagers]
    connect_start = time.perf_counter()
    agent_tasks = [asyncio.create_task(agent_loop(n, agent_ready[n])) for n in range(len(agents))]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in agent_ready)), 60)
    usager_tasks = [asyncio.create_task(usager_loop(u, i, usager_ready[i])) for i, u in enumerate(usagers)]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in usager_ready)), 90)
    connect_s = time.perf_counter() - connect_start
    await asyncio.sleep(3)
    connected = [rss_kib(s.pid) for s in servers]

    async def lag_probe() -> None:
        while not finished.is_set():
            before = loop.time()
            await asyncio.sleep(0.1)
            stats.loop_lag_ms.append((loop.time() - before - 0.1) * 1000)

    probe = asyncio.create_task(lag_probe())
    cpu_before = [cpu_s(s.pid) for s in servers]
    client_before = time.process_time()
    deadline[0] = loop.time() + args.duration
    started_load.set()
    await asyncio.sleep(args.duration)
    if replies:
        await asyncio.wait(list(replies), timeout=60)
    await asyncio.sleep(args.drain)
    cpu_used = [round(cpu_s(s.pid) - b, 1) for s, b in zip(servers, cpu_before, strict=True)]
    client_cpu = round(time.process_time() - client_before, 1)
    finished.set()
    await probe
    closing = time.perf_counter()
    await asyncio.gather(*usager_tasks, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in agent_sockets.values()), return_exceptions=True)
    await asyncio.gather(*agent_tasks, return_exceptions=True)
    close_s = time.perf_counter() - closing
    after = [rss_kib(s.pid) for s in servers]
    await http.aclose()

    per_process = [len(agents) / 2 + len(usagers) / 2] * 2
    directions = {}
    for name, values in stats.latency.items():
        sent = sum(1 for k in stats.sent if k.startswith("u|" if name == "usager_to_agent" else "a|"))
        got = sum(1 for k in stats.received if k.startswith("u|" if name == "usager_to_agent" else "a|"))
        directions[name] = {
            "sent": sent,
            "delivered": got,
            "lost": sent - got,
            "p50_ms": round(percentile(values, 50), 1),
            "p90_ms": round(percentile(values, 90), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(max(values), 1) if values else None,
            "mean_ms": round(statistics.fmean(values), 1) if values else None,
        }
    all_latencies = [v for values in stats.latency.values() for v in values]
    return {
        "setup": {
            "backend": args.backend,
            "broker": "redis",
            "processes": 2,
            "usager_websockets": len(usagers),
            "agents": len(agents),
            "agent_websockets": len(agents),
            "cross_process_share": 0.5,
            "usager_mean_interval_s": args.interval,
            "agent_reply_ratio": args.reply_ratio,
            "load_duration_s": args.duration,
            "seed_s": round(setup_s, 1),
            "connect_all_s": round(connect_s, 1),
            "close_all_s": round(close_s, 1),
        },
        "delivery": directions,
        "overall": {
            "messages": len(all_latencies),
            "throughput_msg_per_s": round(len(all_latencies) / args.duration, 1),
            "p50_ms": round(percentile(all_latencies, 50), 1),
            "p99_ms": round(percentile(all_latencies, 99), 1),
            "target_p99_ms": 200,
            "lost": sum(d["lost"] for d in directions.values()),
            "duplicates_on_the_wire": stats.duplicates,
        },
        "agent_path": "HTTP POST" if args.agent_http else "WebSocket",
        "agent_http_errors": stats.http_errors,
        "bench_client_loop_lag_ms": {
            "p50": round(percentile(stats.loop_lag_ms, 50), 1),
            "p99": round(percentile(stats.loop_lag_ms, 99), 1),
        },
        "cpu": {
            "server_cpu_s_during_load": cpu_used,
            "bench_client_cpu_s_during_load": client_cpu,
            "server_cpu_ms_per_message": round(1000 * sum(cpu_used) / max(1, len(all_latencies)), 2),
        },
        "memory": {
            "rss_idle_mib": [round(v / 1024, 1) for v in idle],
            "rss_connected_mib": [round(v / 1024, 1) for v in connected],
            "rss_after_load_mib": [round(v / 1024, 1) for v in after],
            "note": "RSS growth of each server between idle and all sockets open, divided by its sockets",
            "per_connection_kib": round(sum(c - i for c, i in zip(connected, idle, strict=True)) / sum(per_process), 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--redis", default=os.environ.get("ACCUEIL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--usagers", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=20.0, help="mean seconds between two usager messages")
    parser.add_argument("--reply-ratio", type=float, default=1.0)
    parser.add_argument("--drain", type=float, default=5.0)
    parser.add_argument("--agent-http", action="store_true", help="agents send over HTTP instead of their WebSocket")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    began = time.perf_counter()
    result = asyncio.run(run(args))
    result["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "host": "loopback only",
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "note": "shared 2-core machine: other benchmarks may run at the same time (see load average)",
    }
    result["total_s"] = round(time.perf_counter() - began, 1)
    flags = [
        f"--{k.replace('_', '-')}" + ("" if isinstance(v, bool) else f" {v}")
        for k, v in vars(args).items()
        if k != "output" and v is not False
    ]
    result["command"] = "python -m bench.livechat.bench_load " + " ".join(flags)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
