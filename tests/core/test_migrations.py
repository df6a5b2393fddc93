"""Migrations and seeding are idempotent and safe when several processes start at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from accueil.bootstrap import prepare_database
from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.identity.models import User
from accueil.referential.models import Deployment, Organisation, Public

SCRIPT = """
import sys
from accueil.bootstrap import prepare_database
from accueil.core.config import Settings
from accueil.core.database import make_engine
s = Settings(data_dir=sys.argv[1], database_url=f"sqlite:///{sys.argv[1]}/db.sqlite3")
prepare_database(s, make_engine(s.effective_database_url))
"""


def _counts(url: str) -> tuple[int, int, int, int]:
    with make_sessionmaker(make_engine(url)).begin() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
            for m in (Public, Organisation, Deployment, User)
        )


def test_prepare_twice_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/db.sqlite3")
    engine = make_engine(settings.effective_database_url)
    first = prepare_database(settings, engine)
    second = prepare_database(settings, engine)
    assert first["publics"] == 16 and first["organisations"] == 37 and first["deployments"] == 96
    assert set(second.values()) == {0}


def test_concurrent_starts_do_not_corrupt(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stderr=subprocess.PIPE) for _ in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    assert _counts(f"sqlite:///{tmp_path}/db.sqlite3") == (16, 37, 96, 13)
