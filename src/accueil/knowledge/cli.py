"""`accueil kb` commands of the content side: check, import, export, demo loading, reindexing, review dates.

They are registered on the Typer app of the search side (`accueil.knowledge.search.cli.kb_app`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.core.errors import DomainError
from accueil.knowledge import indexing, queues, service
from accueil.knowledge.loader import ARTICLES_DIR, coverage, offline_context, read_directory, seed_demo_kb
from accueil.knowledge.parameters import load_parameters
from accueil.knowledge.yamlio import parse_import, to_markdown, to_yaml

try:
    from accueil.knowledge.search.cli import kb_app
except ImportError:  # the search side's Typer app is the one mounted as `accueil kb`
    kb_app = typer.Typer(help="Base de connaissances.", no_args_is_help=True)


def _echo(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def _session() -> Iterator[tuple[Settings, Session]]:
    from accueil.bootstrap import prepare_database

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    try:
        with make_sessionmaker(engine).begin() as session:
            yield settings, session
    except DomainError as exc:
        typer.echo(f"Erreur : {exc.message}", err=True)
        if exc.details:
            _echo(exc.details)
        raise typer.Exit(2) from None


@kb_app.command("check")
def check(directory: Annotated[Path, typer.Argument(help="Dossier d'articles YAML")] = ARTICLES_DIR) -> None:
    """Vérifie chaque article YAML d'un dossier (format, arbre, variables, paramètres, taxonomie) sans base."""
    settings = Settings()
    report = read_directory(directory, offline_context(load_parameters(settings.kb_parameters_file)))
    _echo({"erreurs": report.errors, **coverage(report.documents)})
    if report.errors:
        raise typer.Exit(1)


@kb_app.command("import")
def import_files(
    files: Annotated[list[Path], typer.Argument(help="Fichiers .yaml ou .md")],
    author: Annotated[str, typer.Option("--auteur", help="E-mail du rédacteur")] = "redacteur@accueil.test",
) -> None:
    """Importe des articles comme brouillons (la version publiée reste en ligne jusqu'à validation)."""
    from accueil.identity.models import User
    from accueil.identity.service import actor_for

    with _session() as (settings, session):
        user = session.scalar(select(User).where(User.email == author))
        if user is None:
            typer.echo(f"Erreur : rédacteur inconnu : {author}", err=True)
            raise typer.Exit(2)
        actor, parameters = actor_for(session, user), load_parameters(settings.kb_parameters_file)
        done = []
        for path in files:
            data = parse_import(path.read_text(encoding="utf-8"), filename=path.name)
            version = service.save_document(
                session, data, actor=actor, parameters=parameters, note=f"Import {path.name}"
            )
            done.append({"fichier": str(path), "article": version.article.slug, "version": version.number})
        _echo(done)


@kb_app.command("export")
def export(
    slug: str,
    markdown: Annotated[bool, typer.Option("--markdown", help="Markdown avec en-tête YAML")] = False,
    output: Annotated[Path | None, typer.Option("--sortie", help="Fichier de sortie")] = None,
) -> None:
    """Exporte la version publiée (ou la dernière) d'un article en YAML ou Markdown."""
    with _session() as (_, session):
        article = service.get_article(session, slug)
        doc = service.document_of(service.published_version(article) or service.latest_version(article))
        text = to_markdown(doc) if markdown else to_yaml(doc)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text)


@kb_app.command("seed-demo")
def seed_demo() -> None:
    """Charge (ou met à jour) la base de connaissances de démonstration et l'indexe."""
    with _session() as (settings, session):
        added = seed_demo_kb(session, parameters=load_parameters(settings.kb_parameters_file))
        _echo({"articles_ajoutes_ou_mis_a_jour": added})


@kb_app.command("reindex")
def reindex() -> None:
    """Réindexe toutes les versions publiées (après un changement de paramètres ou de modèle)."""
    with _session() as (settings, session):
        count = indexing.reindex_published(session, parameters=load_parameters(settings.kb_parameters_file))
        _echo({"entrees_modifiees": count})


@kb_app.command("stats")
def stats() -> None:
    """Compte les articles publiés, arbres valides, réponses types et la couverture des intentions N1."""
    with _session() as (_, session):
        _echo(coverage([service.document_of(v) for v in service.published_versions(session)]))


@kb_app.command("expiring")
def expiring(days: Annotated[int, typer.Option("--jours", help="Horizon en jours")] = 30) -> None:
    """Liste les articles publiés dont la date de revue tombe dans les N jours (ou est dépassée)."""
    with _session() as (_, session):
        _echo(
            [
                {"article": v.article.slug, "a_revoir_avant": v.review_by}
                for v in queues.expiring(session, None, days=days)
            ]
        )
