"""`accueil chat` (a terminal chat, or JSON lines for scripts) and `accueil test conversations`."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import typer

from accueil.core.config import Settings

test_app = typer.Typer(help="Tests de bout en bout des composants.", no_args_is_help=True)
DEFAULT_SCRIPTS = Path("tests/assistant/conversations")


def _assistant(settings: Settings, models_settings: Settings | None = None) -> Any:
    from accueil.assistant import build_assistant
    from accueil.assistant.ports import registry_understanding
    from accueil.assistant.testing import ScriptedUnderstanding

    understanding = ScriptedUnderstanding(registry_understanding(SimpleNamespace(settings=models_settings or settings)))
    return build_assistant(settings, understanding=understanding)


@test_app.command("conversations")
def test_conversations(
    paths: Annotated[list[Path] | None, typer.Argument(help="Fichiers ou dossiers YAML")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Joue les conversations de test (tests/assistant/conversations) sur une base temporaire."""
    from accueil.assistant.testing import load_scripts, run_script
    from accueil.bootstrap import prepare_database
    from accueil.core.database import make_engine, make_sessionmaker

    scripts = load_scripts(paths or [DEFAULT_SCRIPTS])
    if not scripts:
        typer.echo("Erreur : aucune conversation de test trouvée.", err=True)
        raise typer.Exit(2)
    configured = Settings()
    with tempfile.TemporaryDirectory(prefix="accueil-conversations-") as tmp:
        settings = configured.model_copy(update={"data_dir": Path(tmp), "database_url": f"sqlite:///{tmp}/test.sqlite3",
                                                 "llm_base_url": "", "nlu_model_dir": configured.nlu_model_dir
                                                 or configured.data_dir / "models" / "nlu"})
        engine = make_engine(settings.effective_database_url)
        prepare_database(settings, engine, demo=False)
        assistant = _assistant(settings)

        async def play() -> list[Any]:
            results = []
            with make_sessionmaker(engine)() as session, session.begin():
                for path, script in scripts:
                    results.append(await run_script(session, assistant, script, secret=settings.secret_key, path=path))
                session.rollback()
            return results

        results = asyncio.run(play())
        engine.dispose()
    failed = [r for r in results if not r.passed]
    if as_json:
        typer.echo(json.dumps({"total": len(results), "failed": len(failed),
                               "results": [{"name": r.name, "path": r.path, "passed": r.passed, "turns": r.turns,
                                            "failures": r.failures} for r in results]}, ensure_ascii=False, indent=2))
    else:
        for r in results:
            typer.echo(f"{'OK   ' if r.passed else 'ÉCHEC'} {r.name} ({r.turns} tours)")
            for failure in r.failures:
                typer.echo(f"      - {failure}")
        typer.echo(f"{len(results) - len(failed)}/{len(results)} conversations réussies.")
    if failed:
        raise typer.Exit(1)


def chat(
    public: Annotated[str | None, typer.Option("--public", help="Code du public (AE, RG...)")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Une ligne JSON par tour sur l'entrée et la sortie")] = False,
) -> None:
    """Discute avec l'assistant dans le terminal (--jsonl : {"text": ...} ou {"choice": ...} par ligne)."""
    from accueil.bootstrap import prepare_database
    from accueil.core.database import make_engine, make_sessionmaker

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    asyncio.run(_chat_loop(make_sessionmaker(engine), _assistant(settings), settings, public, jsonl))


async def _chat_loop(factory: Any, assistant: Any, settings: Settings, public: str | None, jsonl: bool) -> None:
    from accueil.assistant.service import StartRequest, start_chat, take_turn
    from accueil.assistant.testing import resolve_choice
    from accueil.assistant.turns import Turn
    from accueil.conversations.service import by_public_id
    from accueil.core.errors import DomainError

    with factory.begin() as session:
        conversation, shown = start_chat(session, assistant, StartRequest(public=public.upper() if public else None),
                                         secret=settings.secret_key)
        conversation_id = conversation.public_id
    if not jsonl:
        _print_replies(shown)
    for line in sys.stdin:
        line = line.rstrip("\n")
        if jsonl:
            try:
                data = json.loads(line) if line.strip() else {}
            except ValueError:
                data = {"invalid": True}
            if not isinstance(data, dict) or not ({"text", "choice"} & data.keys()):
                print(json.dumps({"error": "Ligne illisible : {\"text\": ...} ou {\"choice\": ...} attendu."},
                                 ensure_ascii=False), flush=True)
                continue
            if "choice" in data:
                choice_id, label = resolve_choice(str(data["choice"]), shown)
                turn = Turn.choice(choice_id, label=label)
            else:
                turn = Turn.text(str(data["text"]))
        else:
            if line.strip().isdigit() and 0 < int(line) <= len([c for r in shown for c in r.choices]):
                choice = [c for r in shown for c in r.choices][int(line) - 1]
                turn = Turn.choice(choice.id, label=choice.label)
            else:
                turn = Turn.text(line)
        try:
            with factory.begin() as session:
                result = await take_turn(session, assistant, by_public_id(session, conversation_id), turn)
        except DomainError as exc:
            print(json.dumps({"error": exc.message}, ensure_ascii=False) if jsonl else f"! {exc.message}", flush=True)
            continue
        shown = result.replies or shown
        if jsonl:
            print(json.dumps({
                "replies": [{"text": r.text, "choices": [c.as_dict() for c in r.choices],
                             "sources": [s.as_dict() for s in r.sources]} for r in result.replies],
                "intent": result.intent, "handoff": result.handoff,
                "satisfaction_asked": result.satisfaction_asked, "ended": result.ended,
            }, ensure_ascii=False), flush=True)
        else:
            _print_replies(result.replies)
        if result.ended:
            break


def _print_replies(replies: Any) -> None:
    number = 0
    for reply in replies:
        typer.echo(f"assistant> {reply.text}")
        for source in reply.sources:
            checked = f" (vérifié le {source.checked})" if source.checked else ""
            typer.echo(f"    source : {source.title} {source.url}{checked}")
        for choice in reply.choices:
            number += 1
            typer.echo(f"    [{number}] {choice.label}")
