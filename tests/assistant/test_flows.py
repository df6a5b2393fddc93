"""The flows of data/flows load, are consistent, and cite articles and answers that exist in the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from accueil.assistant.flows import FlowError, StepKind, check_book, default_book, load_book, parse_flow
from accueil.assistant.knowledge import KnowledgeView, packaged_documents
from accueil.knowledge.parameters import load_parameters


def test_every_step_kind_is_used() -> None:
    kinds = {step.kind for flow in default_book().flows.values() for step in flow.steps.values()}
    assert kinds == set(StepKind)


def test_flows_cite_existing_articles_and_answers() -> None:
    view = KnowledgeView.of(packaged_documents(), load_parameters(), "fichiers")
    for slug, answer in default_book().articles():
        doc = view.article(slug)
        assert doc is not None, slug
        assert not answer or doc.answer(answer) is not None, f"{slug}#{answer}"


def test_intent_triggers_respect_publics() -> None:
    book = default_book()
    assert book.for_intent("declaration_ca_ae_comment", "AE").id == "declaration_ca"
    assert book.for_intent("declaration_ca_ae_comment", "RG") is None
    assert {f.id for f in book.menu("RG")} >= {"attestation_vigilance", "contact", "delai_paiement"}
    assert "declaration_ca" not in {f.id for f in book.menu("RG")}


@pytest.mark.parametrize(("flow", "message"), [
    ({"id": "x", "title": "X", "steps": {"a": {"say": "Bonjour", "next": "b"}}}, "étape suivante inconnue"),
    ({"id": "x", "title": "X", "intents": ["nope"], "steps": {"a": {"say": "B"}}}, "intention inconnue"),
    ({"id": "x", "title": "X", "steps": {"a": {"ask": "s", "type": "couleur"}}}, "type de donnée inconnu"),
    ({"id": "x", "title": "X", "steps": {"a": {"flow": "absent"}}}, "flux inconnu"),
    ({"id": "x", "title": "X", "steps": {"a": {"handoff": {"skill": "cuisine"}}}}, "compétence inconnue"),
    ({"id": "x", "title": "X", "publics": ["ZZ"], "steps": {"a": {"end": "Fin"}}}, "public inconnu"),
])
def test_check_refuses_inconsistent_flows(flow: dict, message: str) -> None:
    parsed = parse_flow(flow, source="test.yaml")
    assert any(message in problem for problem in check_book({parsed.id: parsed}))


def test_unknown_step_kind_and_duplicate_ids(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="type d'étape absent"):
        parse_flow({"id": "x", "title": "X", "steps": {"a": {"dance": True}}}, source="x.yaml")
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("id: same\ntitle: T\nsteps:\n  s:\n    end: Fin\n", encoding="utf-8")
    with pytest.raises(FlowError, match="en double"):
        load_book(tmp_path)
