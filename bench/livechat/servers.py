"""Start real accueil server processes on loopback (uvicorn subprocesses) for multi-process tests and benches."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from accueil.routing.policy import DEFAULT_FILE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def always_open_routing(path: Path, **overrides: object) -> Path:
    """The packaged routing policy with every queue open at all hours (tests and benches run at any time)."""
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    raw["always_open"] = True
    raw.update(overrides)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def server_env(
    *, database_url: str, data_dir: Path, redis_url: str, routing_file: Path, **extra: str
) -> dict[str, str]:
    env = {
        **os.environ,
        "ACCUEIL_DATABASE_URL": database_url,
        "ACCUEIL_DATA_DIR": str(data_dir),
        "ACCUEIL_REDIS_URL": redis_url,
        "ACCUEIL_ROUTING_FILE": str(routing_file),
        "ACCUEIL_LOG_LEVEL": "WARNING",
        "ACCUEIL_ENVIRONMENT": "development",
        "ACCUEIL_LLM_BASE_URL": "",
        "ACCUEIL_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    env.update(extra)
    return env


@dataclass
class Server:
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    extra_args: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 240.0) -> Server:
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "accueil.web.app:app_from_env",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", *self.extra_args,
        ]  # fmt: skip
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(command, env=self.env, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=1) as response:
                    if json.load(response).get("assistant") != "en_preparation":  # start-up work done
                        return self
                time.sleep(0.2)
            except OSError:
                if self.process.poll() is not None:
                    message = f"server on port {self.port} exited ({self.process.returncode}); see {self.log}"
                    raise RuntimeError(message) from None
                time.sleep(0.1)
        raise RuntimeError(f"server on port {self.port} not ready after {timeout_s}s; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid
