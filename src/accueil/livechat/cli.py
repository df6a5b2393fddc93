"""`accueil livechat ...`: purge expired archives (logged), sign an account token for the archive API."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer

from accueil.core.config import Settings

livechat_app = typer.Typer(help="Live chat : archives des conversations.", no_args_is_help=True)


@livechat_app.command("purge")
def purge_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Lister sans supprimer")] = False,
) -> None:
    """Supprime les transcriptions archivées à conservation échue (chaque suppression est journalisée)."""
    from accueil.bootstrap import prepare_database
    from accueil.core.clock import utcnow
    from accueil.core.database import make_engine, make_sessionmaker
    from accueil.core.logging import configure_logging
    from accueil.livechat.archive import FileArchive, purge

    settings = Settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    with make_sessionmaker(engine).begin() as session:
        purged = purge(session, archive=FileArchive(settings.data_dir / "archive"), now=utcnow(), dry_run=dry_run)
    logging.getLogger("accueil.livechat.archive").info("purge finished", extra={"count": len(purged)})
    typer.echo(json.dumps({"simulation": dry_run, "archives": len(purged), "details": purged}, ensure_ascii=False))


@livechat_app.command("account-token")
def account_token_command(
    account: Annotated[str, typer.Option(help="Référence du compte usager")],
    hours: Annotated[int, typer.Option(help="Validité en heures")] = 1,
) -> None:
    """Signe un jeton d'accès aux archives d'un compte (ce que fait l'espace en ligne de l'usager)."""
    from accueil.livechat.tokens import account_token

    typer.echo(account_token(Settings().secret_key, account, hours=hours))
