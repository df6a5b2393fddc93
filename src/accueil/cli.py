"""The `accueil` command line (Typer). Every sub-command builds Settings itself and commits once."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated

import typer

from accueil.assistant.cli import chat as chat_command
from accueil.assistant.cli import test_app
from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.core.errors import DomainError
from accueil.knowledge import cli as _knowledge_cli  # noqa: F401  (registers the content commands on kb_app)
from accueil.knowledge.search.cli import kb_app
from accueil.livechat.cli import livechat_app
from accueil.understanding.cli import nlu_app

app = typer.Typer(
    help="accueil : plateforme omnicanale de relation de service.", no_args_is_help=True, pretty_exceptions_enable=False
)
users_app = typer.Typer(help="Gestion des utilisateurs.", no_args_is_help=True)
db_app = typer.Typer(help="Base de données : migrations et données.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")
app.add_typer(test_app, name="test")
app.command("chat")(chat_command)
app.add_typer(nlu_app, name="nlu")
app.add_typer(livechat_app, name="livechat")
app.add_typer(kb_app, name="kb")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adresse d'écoute")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Nombre de processus")] = 1,
) -> None:
    """Prépare la base (migrations, données) puis sert l'application HTTP."""
    import uvicorn

    from accueil.bootstrap import prepare_database
    from accueil.core.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(settings, make_engine(settings.effective_database_url))
    uvicorn.run(
        "accueil.web.app:app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )


@db_app.command("upgrade")
def db_upgrade(demo: Annotated[bool, typer.Option(help="Charger aussi les données de démonstration")] = True) -> None:
    """Applique les migrations et charge le référentiel (idempotent)."""
    from accueil.bootstrap import prepare_database

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    added = prepare_database(settings, make_engine(settings.effective_database_url), demo=demo)
    typer.echo(json.dumps({"ajouts": added}, ensure_ascii=False))


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Adresse e-mail (identifiant)")],
    name: Annotated[str, typer.Option("--name", help="Nom complet")],
    role: Annotated[list[str], typer.Option("--role", help="Rôle (répétable) : admin, superviseur, agent...")],
    organisation: Annotated[
        list[str] | None, typer.Option("--organisation", help="Code d'organisation (répétable)")
    ] = None,
    skill: Annotated[list[str] | None, typer.Option("--skill", help="Compétence (répétable)")] = None,
    max_chats: Annotated[int, typer.Option(help="Conversations simultanées")] = 3,
    password_stdin: Annotated[bool, typer.Option(help="Lire le mot de passe sur l'entrée standard")] = False,
) -> None:
    """Crée un utilisateur (par exemple le premier administrateur)."""
    from accueil.bootstrap import prepare_database
    from accueil.identity.service import UserInput, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mot de passe : ")
        if password != getpass.getpass("Confirmation : "):
            fail("les deux mots de passe diffèrent.")
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    try:
        with make_sessionmaker(engine).begin() as session:
            user = create_user(
                session,
                UserInput(
                    email=email,
                    full_name=name,
                    roles=tuple(role),
                    organisation_codes=tuple(organisation or ()),
                    skills=tuple(skill or ()),
                    max_chats=max_chats,
                    password=password,
                ),
                actor=None,
            )
            typer.echo(f"Utilisateur créé : {user.email} (n° {user.id}).")
    except DomainError as exc:
        details = f" {json.dumps(exc.details, ensure_ascii=False)}" if exc.details else ""
        fail(exc.message + details)


@app.command()
def deployments(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Affiche la matrice de déploiement composants × publics."""
    from accueil.referential.service import deployment_matrix

    settings = Settings()
    engine = make_engine(settings.effective_database_url)
    from accueil.bootstrap import prepare_database

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(settings, engine, demo=False)
    with make_sessionmaker(engine).begin() as session:
        matrix = deployment_matrix(session)
    if as_json:
        typer.echo(json.dumps(matrix.as_dict(), ensure_ascii=False, indent=2))
        return
    codes = [code for code, _, _ in matrix.publics]
    typer.echo(f"{'Composant':<28}" + " ".join(f"{c:>5}" for c in codes) + "  Total")
    symbol = {"en_production": "✔", "a_prevoir": "–"}
    for row in matrix.rows:
        cells = [symbol.get(row.cells[c].status, str(row.cells[c].planned_year)) for c in codes]
        typer.echo(f"{row.name:<28}" + " ".join(f"{s:>5}" for s in cells) + f"  {row.live}/{row.total}")
    typer.echo(f"Objectif : tous les composants pour tous les publics d'ici {matrix.goal_year}.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
