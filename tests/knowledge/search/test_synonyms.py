"""Synonyms: the thesaurus (pure) and the dictionary that rédacteurs edit (applied at once, audited)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.errors import InvalidInput, NotFound
from accueil.identity.access import Actor
from accueil.identity.models import AuditEntry
from accueil.knowledge.search import create_group, delete_group, list_groups, search, update_group
from accueil.knowledge.search.analysis import analyse
from accueil.knowledge.search.synonyms import Thesaurus, seed_groups
from tests.knowledge.search.conftest import ZT

THESAURUS = Thesaurus.build([terms for terms, _ in seed_groups()])


def alternatives(query: str) -> list[set[tuple[str, ...]]]:
    return [set(c.phrases) for c in THESAURUS.clauses(analyse(query))]


@pytest.mark.parametrize(
    ("query", "expected_phrase"),
    [
        ("AE", ("micro", "entrepreneur")),
        ("auto-entrepreneur", ("micro", "entrepreneur")),
        ("délai de paiement", ("echeanci",)),
        ("échéancier", ("plan", "apur")),
        ("MED", ("mis", "demeur")),
        ("DPAE", tuple(analyse("déclaration préalable à l'embauche"))),
        ("TI", ("travailleur", "independ")),
        ("Pajemploi", tuple(analyse("paje emploi"))),
        ("PUMa", tuple(analyse("protection universelle maladie"))),
    ],
)
def test_a_term_brings_its_group(query: str, expected_phrase: tuple[str, ...]) -> None:
    assert expected_phrase in set().union(*alternatives(query))


def test_ambiguous_acronym_brings_both_meanings() -> None:
    (clause,) = alternatives("CFE")
    assert tuple(analyse("cotisation foncière des entreprises")) in clause
    assert tuple(analyse("centre de formalités des entreprises")) in clause


def test_longest_phrase_first_and_other_words_alone() -> None:
    clauses = THESAURUS.clauses(analyse("plan d'apurement refusé"))
    assert clauses[0].original == ("plan", "apur") and clauses[1].original == tuple(analyse("refusé"))
    assert clauses[1].alternatives == ()


def test_seed_file_has_about_sixty_groups() -> None:
    assert len(THESAURUS.groups) >= 60


@pytest.fixture
def redacteur(actor: Callable[[str], Actor]) -> Actor:
    return actor("redacteur@accueil.test")


def test_edits_apply_at_once_and_are_audited(
    session: Session, indexed: Callable[..., object], redacteur: Actor
) -> None:
    indexed()
    assert search(session, "zorglub", collection=ZT, mode="lexical", log_gap=False).results == []
    group = create_group(session, terms=["zorglub", "plan d'apurement"], note="test", actor=redacteur)
    hits = search(session, "zorglub", collection=ZT, mode="lexical", log_gap=False).results
    assert [h.key for h in hits] == ["article:t-delai"]
    update_group(session, group.id, terms=["zorglub", "chiffre d'affaires"], actor=redacteur)
    hits = search(session, "zorglub", collection=ZT, mode="lexical", audience="agent", log_gap=False).results
    assert "article:t-delai" not in [h.key for h in hits] and hits
    delete_group(session, group.id, actor=redacteur)
    assert search(session, "zorglub", collection=ZT, mode="lexical", log_gap=False).results == []
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(group.id))).all()
    assert {"kb.synonyms_created", "kb.synonyms_updated", "kb.synonyms_deleted"} <= set(actions)
    assert len(list_groups(session)) >= 60  # the packaged groups were seeded before the first edit


@pytest.mark.parametrize(
    "terms",
    [["seul"], ["le", "la"], ["Délais", "délai"], ["x" * 101, "y"], [f"t{i}" for i in range(31)]],
)
def test_invalid_groups(session: Session, redacteur: Actor, terms: list[str]) -> None:
    with pytest.raises(InvalidInput):
        create_group(session, terms=terms, actor=redacteur)


def test_unknown_group(session: Session, redacteur: Actor) -> None:
    with pytest.raises(NotFound):
        delete_group(session, 10**9, actor=redacteur)
