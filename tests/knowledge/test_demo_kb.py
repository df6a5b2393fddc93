"""The demo knowledge base: every file valid, published, and enough of it to serve every N1 intent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from accueil.identity.access import Actor
from accueil.knowledge import service, workflow
from accueil.knowledge.choices import ArticleKind, NodeKind
from accueil.knowledge.loader import ARTICLES_DIR, read_directory, seed_demo_kb
from accueil.knowledge.parameters import Parameters
from accueil.knowledge.tree import check_tree
from accueil.referential.taxonomy import load_taxonomy

DIALOGUE_INTENTS = {
    "salutation",
    "remerciement",
    "au_revoir",
    "affirmer",
    "nier",
    "hors_sujet",
    "repeter_reformuler",
    "patienter",
    "fournir_identifiant",
}


def test_every_demo_file_is_valid(session: Session, params: Parameters) -> None:
    report = read_directory(ARTICLES_DIR, service.check_context(session, params))
    assert report.errors == {}
    assert len(report.documents) == len(list(ARTICLES_DIR.glob("*.yaml")))


def test_demo_kb_is_published_and_covers_the_taxonomy(session: Session) -> None:
    docs = [service.document_of(v) for v in service.published_versions(session)]
    procedures_faq = [d for d in docs if d.kind in (ArticleKind.PROCEDURE, ArticleKind.FAQ)]
    assert len(procedures_faq) >= 90
    trees = [d for d in docs if d.tree is not None and not check_tree(d.tree, answer_ids=[a.id for a in d.answers])]
    assert len(trees) >= 30
    assert sum(len(d.answers) for d in docs) >= 120
    covered = {intent for d in docs for intent in d.intents}
    n1 = {i.id for i in load_taxonomy().intents.values() if i.level == "N1"} - DIALOGUE_INTENTS
    assert sorted(n1 - covered) == []


def test_delais_traiter_demande_is_complete(session: Session) -> None:
    doc = service.document_of(service.published_version(service.get_article(session, "delais-traiter-demande")))
    assert doc.tree is not None
    nodes = doc.tree.nodes
    checks = [n for n in nodes if n.kind == NodeKind.CHECK]
    assert any("WATT" in n.text for n in checks)
    labels = " ".join(b.label for n in checks for b in n.branches)
    assert "GCC" in labels and "RAF" in labels
    texts: list[Any] = [t for a in doc.answers for _, t in a.variants.items()]
    options = [o for a in doc.answers for v in a.variables for o in v.options]
    everything = " ".join(texts + options)
    assert "1, 10 ou 20" in everything and "8, 18 ou 24" in everything
    outcome_answers = {a for n in nodes if n.kind == NodeKind.OUTCOME for a in n.answers}
    assert outcome_answers and outcome_answers <= {a.id for a in doc.answers}


def test_seeding_again_changes_nothing_and_keeps_edits(
    session: Session, actor: Callable[[str], Actor], params: Parameters, tmp_path: Path
) -> None:
    assert seed_demo_kb(session) == 0
    draft = service.draft_for_edit(session, "delais-traiter-demande", actor=actor("redacteur@accueil.test"))
    edited = dict(draft.content, summary="Résumé revu par un rédacteur.")
    service.update_draft(session, draft.id, edited, actor=actor("redacteur@accueil.test"), parameters=params)
    workflow.submit(session, draft.id, actor=actor("redacteur@accueil.test"), parameters=params)
    workflow.validate(session, draft.id, actor=actor("valideur@accueil.test"), parameters=params)
    assert seed_demo_kb(session) == 0  # the unchanged file does not overwrite the edit
    article = service.get_article(session, "delais-traiter-demande")
    assert service.published_version(article).content["summary"] == "Résumé revu par un rédacteur."
    changed_file = yaml.safe_load((ARTICLES_DIR / "delais-traiter-demande.yaml").read_text(encoding="utf-8"))
    changed_file["summary"] = "Nouvelle version du fichier de démonstration."
    (tmp_path / "delais-traiter-demande.yaml").write_text(yaml.safe_dump(changed_file, allow_unicode=True), "utf-8")
    assert seed_demo_kb(session, directory=tmp_path) == 1
    published = service.published_version(service.get_article(session, "delais-traiter-demande"))
    assert published.content["summary"] == changed_file["summary"] and published.number == 3
