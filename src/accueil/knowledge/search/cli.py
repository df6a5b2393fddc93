"""`accueil kb …`: the Typer app of the knowledge base, mounted by accueil.cli as `kb`.

NOTE for the content side: add your `kb` sub-commands to this same `kb_app` (accueil/knowledge/cli.py does:
`from accueil.knowledge.search.cli import kb_app` then `@kb_app.command(...)`); the commands defined here are
`search`, `import-docs`, `seed-docs`, `gaps` and `index-info`: pick other names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.core.errors import DomainError

kb_app = typer.Typer(help="Base de connaissances : recherche, documents, articles.", no_args_is_help=True)


def _echo(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def _database() -> Iterator[Engine]:
    from accueil.bootstrap import prepare_database

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    try:
        yield engine
    except DomainError as exc:
        typer.echo(f"Erreur : {exc.message}", err=True)
        if exc.details:
            _echo(exc.details)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


@contextmanager
def _session() -> Iterator[Session]:
    with _database() as engine, make_sessionmaker(engine).begin() as session:
        yield session


def _plain(snippet_html: str) -> str:
    return unescape(re.sub(r"</?mark>", "", snippet_html))


@kb_app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Texte recherché")],
    public: Annotated[str | None, typer.Option("--public", help="Code du public (RG, AE, TI...)")] = None,
    audience: Annotated[str | None, typer.Option(help="agent, usager ou bot")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Type (répétable)")] = None,
    collection: Annotated[str | None, typer.Option(help="Collection de documents")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="Nombre de résultats")] = 10,
    mode: Annotated[str, typer.Option(help="hybrid, lexical ou dense")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Cherche dans la base publiée et affiche les résultats classés."""
    from accueil.knowledge.search import search

    with _session() as session:
        response = search(
            session, query, public=public, audience=audience, kinds=kind, collection=collection, limit=limit, mode=mode
        )
    if as_json:
        _echo(
            {
                "query": response.query,
                "total": response.total,
                "took_ms": response.took_ms,
                "weak": response.weak,
                "results": [
                    {
                        "rank": rank,
                        "key": hit.key,
                        "title": hit.title,
                        "kind": hit.kind,
                        "score": hit.score,
                        "url": hit.url,
                        "snippet": _plain(hit.snippet_html),
                        "snippet_html": hit.snippet_html,
                    }
                    for rank, hit in enumerate(response.results, start=1)
                ],
            }
        )
        return
    typer.echo(f"{len(response.results)} résultat(s) sur {response.total} en {response.took_ms:.1f} ms.")
    for rank, hit in enumerate(response.results, start=1):
        typer.echo(f"{rank:>2}. [{hit.kind}] {hit.title}  ({hit.key}, score {hit.score:.4f})")
        typer.echo(f"    {_plain(hit.snippet_html)}")
    if response.weak:
        typer.echo("Aucun résultat convaincant : la recherche est notée dans les lacunes.")


@kb_app.command("import-docs")
def import_docs(
    path: Annotated[Path, typer.Argument(help="Fichier ou dossier (HTML, Markdown, DOCX, PDF, texte)")],
    collection: Annotated[str, typer.Option("--collection", help="actualites, faq, guide-du-service...")],
    prune: Annotated[bool, typer.Option(help="Retirer les autres documents de la collection")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Rapport JSON")] = False,
) -> None:
    """Importe des documents dans une collection (un fichier inchangé est ignoré, une transaction par fichier)."""
    from accueil.knowledge.documents import FileOutcome, import_paths
    from accueil.knowledge.documents.service import STATUS_LABELS

    def progress(done: int, total: int, outcome: FileOutcome) -> None:
        typer.echo(f"[{done}/{total}] {outcome.source} : {STATUS_LABELS[outcome.status]} — {outcome.message}", err=True)
        for warning in outcome.warnings:
            typer.echo(f"        attention : {warning}", err=True)

    with _database() as engine:
        report = import_paths(make_sessionmaker(engine), path, collection=collection, progress=progress, prune=prune)
    summary: dict[str, Any] = report.as_dict()
    if as_json:
        _echo(summary)
    else:
        typer.echo(
            f"Importés : {summary['importes']}, mis à jour : {summary['mis_a_jour']}, "
            f"inchangés : {summary['inchanges']}, échecs : {summary['echecs']}."
        )
    if report.count("failed"):
        raise typer.Exit(1)


@kb_app.command("seed-docs")
def seed_docs() -> None:
    """Importe les documents de démonstration (data/kb/documents) ; les fichiers inchangés sont ignorés."""
    from accueil.knowledge.documents import seed_documents

    with _session() as session:
        _echo({"documents_ajoutes_ou_mis_a_jour": seed_documents(session)})


@kb_app.command("gaps")
def gaps_command(
    status: Annotated[str, typer.Option(help="open ou resolved")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Liste les recherches sans résultat convaincant (lacunes), les plus fréquentes d'abord."""
    from accueil.knowledge.search import list_gaps

    with _session() as session:
        rows, total = list_gaps(session, status=status, limit=limit)
        _echo(
            {
                "total": total,
                "lacunes": [
                    {"requete": g.query, "fois": g.count, "filtres": g.filters, "derniere": g.last_seen} for g in rows
                ],
            }
        )


@kb_app.command("index-info")
def index_info() -> None:
    """Taille de l'index : entrées par type et mémoire de la matrice de vecteurs de ce processus."""
    from accueil.knowledge.search import index_size

    with _session() as session:
        _echo(index_size(session))
