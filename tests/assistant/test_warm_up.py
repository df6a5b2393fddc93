"""A served application prepares its assistant (NLU model, knowledge view, indexes) right after start-up."""

from __future__ import annotations

from pathlib import Path

from accueil.assistant.ports import RegistryUnderstanding
from accueil.core.config import Settings
from accueil.web.app import create_app


def test_assistant_is_built_in_the_background(tmp_path: Path, nlu: RegistryUnderstanding) -> None:
    settings = Settings(
        environment="development",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/warm.sqlite3",
        nlu_model_dir=nlu._registry.root,  # the session's trained model: nothing to train here
        demo_data=False,
        log_json=False,
    )
    app = create_app(settings)
    app.state.warm_up.join(timeout=120)
    assert not app.state.warm_up.is_alive()
    assert app.state.assistant is not None
    assert app.state.assistant.kit.understanding.parse("je veux mon attestation de vigilance").intent


def test_no_background_work_in_tests(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/t.sqlite3")
    app = create_app(settings)
    assert not hasattr(app.state, "warm_up") and not hasattr(app.state, "assistant")
