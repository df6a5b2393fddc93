"""The training data guard and the fixed, deterministic split."""

from __future__ import annotations

from accueil.referential.taxonomy import load_taxonomy
from accueil.understanding.dataset import (
    MIN_EXAMPLES,
    Example,
    bucket,
    check,
    fold_of,
    is_test,
    load_packaged,
    merge,
    split,
    training_examples,
)


def test_every_intent_of_the_taxonomy_has_enough_distinct_examples() -> None:
    report = check(load_packaged())
    assert report.unknown == [], f"intentions inconnues de la taxonomie : {report.unknown}"
    assert report.missing == [], f"intentions avec moins de {MIN_EXAMPLES} exemples : " + ", ".join(
        f"{i} ({report.counts.get(i, 0)})" for i in report.missing
    )
    assert report.cross_duplicates == [], f"phrases présentes dans deux intentions : {report.cross_duplicates[:10]}"
    assert set(report.counts) == set(load_taxonomy().intents)


def test_split_is_deterministic_and_about_one_fifth() -> None:
    examples = training_examples()
    train, test = split(examples)
    assert len(train) + len(test) == len(examples)
    assert 0.15 < len(test) / len(examples) < 0.25
    assert split(list(reversed(examples)))[1] == list(reversed(test))
    assert is_test("Bonjour !") == is_test("  bonjour") == is_test("BONJOUR")
    assert bucket("échéancier") == bucket("Echeancier")


def test_every_intent_has_examples_on_both_sides_of_the_split() -> None:
    train, test = split(training_examples())
    assert {e.intent for e in train} == set(load_taxonomy().intents)
    assert len({e.intent for e in test}) > 0.9 * len(load_taxonomy().intents)


def test_folds_are_stable() -> None:
    assert fold_of("je veux mon attestation", 5) == fold_of("Je veux mon attestation !", 5)
    assert {fold_of(e.text, 5) for e in training_examples()[:200]} == {0, 1, 2, 3, 4}


def test_annotated_examples_override_packaged_duplicates() -> None:
    packaged = [Example("Je veux mon RIB", "a"), Example("bonjour", "salutation")]
    added = [Example("je veux mon rib !", "b", "inbox"), Example("je veux mon rib", "c", "inbox")]
    merged = merge(packaged, added)
    assert [(e.text, e.intent) for e in merged] == [("bonjour", "salutation"), ("je veux mon rib !", "b")]
