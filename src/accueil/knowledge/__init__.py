"""Knowledge base: articles (procedure, FAQ, guide, actualité) as immutable versions with structured blocks,
decision trees and suggested answers; the editorial workflow with separation of duties; the demo loader.

Public API (imported lazily so that importing the ORM models stays cheap and cycle-free). Search lives in
`accueil.knowledge.search`; other packages never import `accueil.knowledge.models`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    # content model
    "ArticleDocument": "accueil.knowledge.document",
    "SuggestedAnswer": "accueil.knowledge.document",
    "Tree": "accueil.knowledge.document",
    "parse_document": "accueil.knowledge.document",
    "validate_document": "accueil.knowledge.checks",
    "ArticleKind": "accueil.knowledge.choices",
    "VersionStatus": "accueil.knowledge.choices",
    "Channel": "accueil.knowledge.choices",
    "TRANSITIONS": "accueil.knowledge.choices",
    # yearly figures, trees, answers
    "load_parameters": "accueil.knowledge.parameters",
    "render_parameters": "accueil.knowledge.parameters",
    "walk": "accueil.knowledge.tree",
    "fill_answer": "accueil.knowledge.answers",
    # reading and writing
    "get_article": "accueil.knowledge.service",
    "list_articles": "accueil.knowledge.service",
    "published_version": "accueil.knowledge.service",
    "published_versions": "accueil.knowledge.service",
    "document_of": "accueil.knowledge.service",
    "create_article": "accueil.knowledge.service",
    "draft_for_edit": "accueil.knowledge.service",
    "update_draft": "accueil.knowledge.service",
    "save_document": "accueil.knowledge.service",
    "render_answer": "accueil.knowledge.service",
    # workflow
    "submit": "accueil.knowledge.workflow",
    "validate": "accueil.knowledge.workflow",
    "send_back": "accueil.knowledge.workflow",
    "archive": "accueil.knowledge.workflow",
    "restore": "accueil.knowledge.workflow",
    "abandon": "accueil.knowledge.workflow",
    "diff_versions": "accueil.knowledge.history",
    "review_queue": "accueil.knowledge.queues",
    "expiring": "accueil.knowledge.queues",
    "report_error": "accueil.knowledge.feedback",
    "list_feedback": "accueil.knowledge.feedback",
    # import/export, drafting help, demo data
    "to_yaml": "accueil.knowledge.yamlio",
    "to_markdown": "accueil.knowledge.yamlio",
    "parse_import": "accueil.knowledge.yamlio",
    "propose": "accueil.knowledge.drafting",
    "seed_demo_kb": "accueil.knowledge.loader",
    "reindex_published": "accueil.knowledge.indexing",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'accueil.knowledge' has no attribute {name!r}")
