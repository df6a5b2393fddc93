"""Editorial workflow through the service API: drafts, review, publication, separation of duties, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from accueil.core.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from accueil.identity.access import Actor
from accueil.identity.audit import AuditFilter, list_entries
from accueil.knowledge import feedback, history, queues, service, workflow
from accueil.knowledge.choices import VersionStatus
from accueil.knowledge.parameters import Parameters

REDACTEUR, VALIDEUR = "redacteur@accueil.test", "valideur@accueil.test"


def _publish(session: Session, actor: Callable[[str], Actor], data: dict[str, Any], params: Parameters) -> Any:
    version = service.create_article(session, data, actor=actor(REDACTEUR), parameters=params)
    workflow.submit(session, version.id, actor=actor(REDACTEUR), parameters=params)
    return workflow.validate(session, version.id, actor=actor(VALIDEUR), parameters=params)


def test_full_cycle_keeps_published_online_while_next_draft_is_reviewed(
    session: Session, actor: Callable[[str], Actor], sample: dict[str, Any], params: Parameters
) -> None:
    v1 = _publish(session, actor, sample, params)
    assert v1.status == VersionStatus.PUBLISHED and v1.reviewed_by_id != v1.author_id

    draft = service.draft_for_edit(session, sample["slug"], actor=actor(REDACTEUR))
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    sample["summary"] = "Résumé modifié pour la version 2."
    service.update_draft(session, draft.id, sample, actor=actor(REDACTEUR), parameters=params)
    workflow.submit(session, draft.id, actor=actor(REDACTEUR), parameters=params)
    article = service.get_article(session, sample["slug"])
    assert service.published_version(article).number == 1  # still online during review

    workflow.send_back(session, draft.id, actor=actor(VALIDEUR), comment="Préciser la source.")
    assert draft.status == VersionStatus.DRAFT and draft.review_comment == "Préciser la source."
    workflow.submit(session, draft.id, actor=actor(REDACTEUR), parameters=params)
    workflow.validate(session, draft.id, actor=actor(VALIDEUR), parameters=params)
    assert service.published_version(article).number == 2
    assert v1.status == VersionStatus.ARCHIVED

    diff = history.diff_versions(session, sample["slug"], 1, 2, actor=actor(VALIDEUR))
    changed = {block.key for block in diff if block.changed}
    assert changed == {"summary"}
    summary = next(b for b in diff if b.key == "summary")
    assert ("-", sample["summary"]) not in [(line.op, line.text) for line in summary.lines]
    assert ("+", "Résumé modifié pour la version 2.") in [(line.op, line.text) for line in summary.lines]

    restored = workflow.restore(session, sample["slug"], 1, actor=actor(REDACTEUR))
    assert restored.number == 3 and restored.restored_from == 1 and restored.status == VersionStatus.DRAFT
    assert restored.content["summary"] == v1.content["summary"]

    actions = [e.action for e in list_entries(session, AuditFilter(action="kb."), limit=50)[0]]
    for expected in (
        "kb.article_created",
        "kb.version_submitted",
        "kb.version_published",
        "kb.version_sent_back",
        "kb.draft_started",
        "kb.draft_updated",
        "kb.version_restored",
    ):
        assert expected in actions


def test_nobody_validates_his_own_version(
    session: Session, make_user: Callable[..., Actor], sample: dict[str, Any], params: Parameters
) -> None:
    both = make_user("double@accueil.test", ("redacteur", "valideur"), ("UCN",))
    version = service.create_article(session, sample, actor=both, parameters=params)
    workflow.submit(session, version.id, actor=both, parameters=params)
    with pytest.raises(Forbidden, match="Séparation des tâches"):
        workflow.validate(session, version.id, actor=both, parameters=params)
    assert version.status == VersionStatus.IN_REVIEW
    item = next(i for i in queues.review_queue(session, both) if i.version.id == version.id)
    assert item.can_validate is False


def test_a_contributor_cannot_validate_either(
    session: Session,
    actor: Callable[[str], Actor],
    make_user: Callable[..., Actor],
    sample: dict[str, Any],
    params: Parameters,
) -> None:
    editor = make_user("editeur@accueil.test", ("redacteur", "valideur"), ("UCN",))
    version = service.create_article(session, sample, actor=actor(REDACTEUR), parameters=params)
    sample["summary"] = "Retouché par un second rédacteur-valideur."
    service.update_draft(session, version.id, sample, actor=editor, parameters=params)
    workflow.submit(session, version.id, actor=actor(REDACTEUR), parameters=params)
    with pytest.raises(Forbidden):
        workflow.validate(session, version.id, actor=editor, parameters=params)


def test_transitions_are_enforced(
    session: Session, actor: Callable[[str], Actor], sample: dict[str, Any], params: Parameters
) -> None:
    version = service.create_article(session, sample, actor=actor(REDACTEUR), parameters=params)
    with pytest.raises(InvalidTransition):
        workflow.validate(session, version.id, actor=actor(VALIDEUR), parameters=params)
    workflow.submit(session, version.id, actor=actor(REDACTEUR), parameters=params)
    with pytest.raises(Conflict):
        service.update_draft(session, version.id, sample, actor=actor(REDACTEUR), parameters=params)
    with pytest.raises(Conflict):
        service.draft_for_edit(session, sample["slug"], actor=actor(REDACTEUR))
    with pytest.raises(InvalidInput):
        workflow.send_back(session, version.id, actor=actor(VALIDEUR), comment="  ")
    with pytest.raises(Forbidden):
        workflow.validate(session, version.id, actor=actor("agent.idf@accueil.test"), parameters=params)


def test_invalid_update_leaves_published_version_untouched(
    session: Session, actor: Callable[[str], Actor], sample: dict[str, Any], params: Parameters
) -> None:
    v1 = _publish(session, actor, sample, params)
    before = dict(v1.content)
    draft = service.draft_for_edit(session, sample["slug"], actor=actor(REDACTEUR))
    broken = dict(sample, intents=["intention_inexistante"], publics=["ZZ"])
    broken["tree"] = dict(sample["tree"], start="absent")
    with pytest.raises(InvalidInput) as caught:
        service.update_draft(session, draft.id, broken, actor=actor(REDACTEUR), parameters=params)
    messages = " ".join(d["probleme"] for d in caught.value.details)
    assert "Intention inconnue" in messages and "Public inconnu" in messages and "départ" in messages
    assert v1.content == before and v1.status == VersionStatus.PUBLISHED


def test_organisation_scope(
    session: Session, actor: Callable[[str], Actor], sample: dict[str, Any], params: Parameters
) -> None:
    regional = actor("redacteur2@accueil.test")  # URS_IDF
    with pytest.raises(Forbidden, match="nationaux"):
        service.create_article(session, sample, actor=regional, parameters=params)
    mine = service.create_article(session, dict(sample, owner="urssaf-idf"), actor=regional, parameters=params)
    assert mine.content["owner"] == "URS_IDF"
    paca = dict(sample, slug="test-article-paca", owner="URS_PAC")
    with pytest.raises(Forbidden):
        service.create_article(session, paca, actor=regional, parameters=params)
    with pytest.raises(Forbidden):  # a regional rédacteur cannot hand his article to the national body
        service.update_draft(session, mine.id, dict(sample, owner="national"), actor=regional, parameters=params)
    national_article = service.get_article(session, "delais-traiter-demande")
    with pytest.raises(Forbidden):
        service.draft_for_edit(session, national_article.slug, actor=regional)
    assert service.create_article(session, paca, actor=actor(REDACTEUR), parameters=params).number == 1


def test_feedback_and_expiring(
    session: Session, actor: Callable[[str], Actor], sample: dict[str, Any], params: Parameters
) -> None:
    report = feedback.report_error(
        session,
        "delais-traiter-demande",
        message="Le délai de réponse a changé.",
        actor=actor("agent.idf@accueil.test"),
    )
    listed = feedback.list_feedback(session, actor(REDACTEUR))
    assert report in listed
    with pytest.raises(Forbidden):
        feedback.list_feedback(session, actor("agent.idf@accueil.test"))
    feedback.resolve_feedback(session, report.id, actor=actor(REDACTEUR), resolution="Corrigé en v2.")
    assert report not in feedback.list_feedback(session, actor(REDACTEUR))
    sample["review_by"] = "2020-01-01"
    _publish(session, actor, sample, params)
    soon = queues.expiring(session, actor(REDACTEUR), days=30)
    assert sample["slug"] in [v.article.slug for v in soon]


def test_abandon_then_restore(
    session: Session, actor: Callable[[str], Actor], sample: dict[str, Any], params: Parameters
) -> None:
    _publish(session, actor, sample, params)
    draft = service.draft_for_edit(session, sample["slug"], actor=actor(REDACTEUR))
    with pytest.raises(Conflict):
        workflow.restore(session, sample["slug"], 1, actor=actor(REDACTEUR))
    workflow.abandon(session, draft.id, actor=actor(REDACTEUR))
    assert workflow.restore(session, sample["slug"], 1, actor=actor(REDACTEUR)).number == 3
    archived = workflow.archive(session, sample["slug"], actor=actor(VALIDEUR), parameters=params, reason="Obsolète")
    assert archived.status == VersionStatus.ARCHIVED
    assert service.published_version(service.get_article(session, sample["slug"])) is None
