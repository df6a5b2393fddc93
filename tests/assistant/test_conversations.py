"""Every YAML conversation in tests/assistant/conversations passes, and together they cover every flow and
every policy (what `accueil test conversations` runs, here in CI)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from accueil.assistant import Assistant
from accueil.assistant.testing import POLICIES, ConversationResult, load_scripts, run_script
from accueil.core.config import Settings

SCRIPTS = load_scripts([Path(__file__).parent / "conversations"])


@pytest.fixture(scope="module")
def results() -> dict[str, ConversationResult]:
    return {}


@pytest.mark.parametrize(("path", "script"), SCRIPTS, ids=[p.stem for p, _ in SCRIPTS])
def test_conversation(path: Path, script: dict, session: Session, assistant: Assistant, settings: Settings,
                      results: dict[str, ConversationResult]) -> None:
    result = asyncio.run(run_script(session, assistant, script, secret=settings.secret_key, path=path))
    results[path.stem] = result
    assert result.passed, "\n".join(result.failures)


def test_every_flow_and_policy_is_covered(results: dict[str, ConversationResult], assistant: Assistant,
                                          session: Session, settings: Settings) -> None:
    for path, script in SCRIPTS:  # scripts deselected in this run are played here
        if path.stem not in results:
            results[path.stem] = asyncio.run(run_script(session, assistant, script, secret=settings.secret_key))
    flows = set().union(*(r.flows for r in results.values()))
    covers = set().union(*(r.covers for r in results.values()))
    assert set(assistant.kit.flows.flows) - flows == set(), "flux jamais joués"
    assert set(POLICIES) - covers == set(), "politiques sans conversation de test"
