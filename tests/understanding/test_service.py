"""The learning loop: inbox, annotation, retraining with a before/after evaluation, guarded activation, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from accueil.core.errors import InvalidInput
from accueil.identity.access import Actor
from accueil.identity.audit import AuditFilter, list_entries
from accueil.understanding import artifact, service
from accueil.understanding.classifier import train
from accueil.understanding.dataset import split, training_examples
from accueil.understanding.registry import ModelRegistry

from .conftest import Trained

FORMATEUR = Actor(
    user_id=0,
    email="formateur@test",
    full_name="Fabien",
    roles=frozenset({"formateur"}),
    organisation_ids=frozenset(),
    national=True,
)


def _actions(session: Session) -> list[str]:
    rows, _ = list_entries(session, AuditFilter(action="nlu."))
    return [row.action for row in rows]


def test_record_masks_identifiers_and_keeps_context(session: Session) -> None:
    nlu = {
        "text": "NIR 1 85 05 78 006 084 91",
        "intent": None,
        "confidence": 0.12,
        "ranking": [{"intent": "fournir_identifiant", "confidence": 0.12}],
    }
    item = service.record_misunderstood(
        session,
        text="mon NIR 1 85 05 78 006 084 91 et IBAN FR76 3000 6000 0112 3456 7890 189 " + "x" * 3000,
        channel="chat",
        public_code="AE",
        reason="confiance_faible",
        nlu=nlu,
    )
    assert "78 006" not in item.text and "3000 6000" not in item.text and len(item.text) <= 2000
    assert "78 006" not in str(item.nlu)
    assert item.predicted_intent == "fournir_identifiant" and item.confidence == 0.12
    assert (item.channel, item.public_code, item.status) == ("chat", "AE", "a_traiter")
    with pytest.raises(InvalidInput):
        service.record_misunderstood(session, text="x", channel="chat", public_code=None, reason="autre")


def test_annotations_feed_the_training_data(session: Session) -> None:
    first = service.record_misunderstood(
        session, text="je cherche le formulaire pour mon RIB", channel="voice", public_code=None, reason="reformulation"
    )
    second = service.record_misunderstood(
        session, text="vous vendez des croissants ?", channel="chat", public_code="RG", reason="hors_sujet"
    )
    third = service.record_misunderstood(
        session, text="je veux louer un local à l'Urssaf", channel="chat", public_code="RG", reason="pouce_bas"
    )
    service.annotate_misunderstood(
        session, first.id, actor=FORMATEUR, resolution="annote", intent="coordonnees_changer_rib"
    )
    service.annotate_misunderstood(session, second.id, actor=FORMATEUR, resolution="hors_perimetre")
    service.annotate_misunderstood(session, third.id, actor=FORMATEUR, resolution="nouveau_besoin")
    added = {(e.text, e.intent) for e in service.added_examples(session)}
    assert added == {
        ("je cherche le formulaire pour mon RIB", "coordonnees_changer_rib"),
        ("vous vendez des croissants ?", "hors_sujet"),
    }
    service.annotate_misunderstood(
        session, first.id, actor=FORMATEUR, resolution="annote", intent="coordonnees_modifier"
    )
    assert ("je cherche le formulaire pour mon RIB", "coordonnees_modifier") in {
        (e.text, e.intent) for e in service.added_examples(session)
    }
    rows, total = service.list_misunderstood(session, service.InboxFilter(status="annote"))
    assert total >= 1 and first.id in {r.id for r in rows}
    assert _actions(session).count("nlu.utterance_annotated") == 4
    with pytest.raises(InvalidInput, match="Intention inconnue"):
        service.annotate_misunderstood(session, first.id, actor=FORMATEUR, resolution="annote", intent="inconnue")
    with pytest.raises(InvalidInput):
        service.annotate_misunderstood(session, first.id, actor=FORMATEUR, resolution="a_traiter")


def test_retrain_compare_activate_and_refuse_a_regression(session: Session, trained: Trained, tmp_path: Path) -> None:
    registry = ModelRegistry(trained.copy_to(tmp_path / "models"), poll_seconds=0)
    service.add_example(
        session,
        text="je souhaite modifier la banque de prélèvement",
        intent="coordonnees_changer_rib",
        actor=FORMATEUR,
        source="manuel",
    )
    candidate = service.train_candidate(session, registry, actor=FORMATEUR)
    assert candidate.status == "candidat" and candidate.baseline_version == trained.model.version
    assert (
        candidate.baseline_metrics is not None
        and abs(candidate.accuracy - candidate.baseline_metrics["accuracy"]) < 0.05
    )
    activated = service.activate_version(session, registry, candidate.version, actor=FORMATEUR, max_accuracy_drop=0.03)
    assert activated.status == "actif" and registry.active_version() == candidate.version
    assert registry.engine().version == candidate.version

    few = [e for e in split(training_examples())[0] if e.intent in {"salutation", "hors_sujet", "remerciement"}]
    bad = train(few)
    artifact.save(bad, registry.root, version="mauvais")
    refused = service.activate_version(session, registry, "mauvais", actor=FORMATEUR, max_accuracy_drop=0.01)
    assert refused.status == "refuse" and "Exactitude" in refused.note
    assert registry.active_version() == candidate.version
    assert {"nlu.model_trained", "nlu.model_activated", "nlu.activation_refused"} <= set(_actions(session))
    assert [v.version for v in service.list_versions(session)][:2] == ["mauvais", candidate.version]
