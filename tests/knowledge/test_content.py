"""Pure functions of the content model: tree checks and walkthrough, answer filling, parameters, YAML/Markdown."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from accueil.core.errors import InvalidInput
from accueil.knowledge.answers import fill_answer, parse_value
from accueil.knowledge.document import Tree, Variable, parse_document
from accueil.knowledge.parameters import load_parameters, render_parameters
from accueil.knowledge.tree import apply_operation, check_tree, walk
from accueil.knowledge.yamlio import from_markdown, from_yaml, parse_import, to_markdown, to_yaml

from .conftest import SAMPLE


def _tree(nodes: list[dict[str, Any]], start: str = "q") -> Tree:
    return Tree.model_validate({"start": start, "nodes": nodes})


Q = {"id": "q", "kind": "question", "text": "?", "branches": [{"label": "A", "next": "a"}, {"label": "B", "next": "b"}]}
A = {"id": "a", "kind": "outcome", "text": "fin A"}
B = {"id": "b", "kind": "outcome", "text": "fin B"}


@pytest.mark.parametrize(
    ("nodes", "start", "expected"),
    [
        ([Q, A, B], "q", []),
        ([Q, A], "q", ["nœud inexistant « b »"]),
        ([Q, A, B], "x", ["départ « x » n'existe pas"]),
        ([Q, A, B, {"id": "c", "kind": "outcome", "text": "orpheline"}], "q", ["« c » n'est pas atteignable"]),
        ([{**Q, "branches": [{"label": "A", "next": "a"}]}, A], "q", ["au moins 2 branches"]),
        (
            [
                Q,
                A,
                {
                    "id": "b",
                    "kind": "check",
                    "text": "v",
                    "branches": [{"label": "x", "next": "q"}, {"label": "y", "next": "a"}],
                },
            ],
            "q",
            ["Boucle"],
        ),
        ([Q, {**A, "branches": [{"label": "z", "next": "b"}]}, B], "q", ["ne doit pas avoir de branche"]),
        ([Q, {**A, "answers": ["inconnue"]}, B], "q", ["réponse type inconnue"]),
        ([Q, A, B, {**B}], "q", ["en double"]),
    ],
)
def test_tree_checks(nodes: list[dict[str, Any]], start: str, expected: list[str]) -> None:
    messages = [issue.message for issue in check_tree(_tree(nodes, start))]
    if not expected:
        assert messages == []
    for fragment in expected:
        assert any(fragment in message for message in messages), messages


def test_walkthrough_follows_path_and_goes_back() -> None:
    tree = parse_document(SAMPLE).tree
    assert tree is not None
    start = walk(tree, "")
    assert start.current.id == "q_compte" and start.back is None and not start.finished
    second = walk(tree, "1")
    assert second.current.id == "c_dette" and second.back == "" and second.next_path(0) == "1.0"
    end = walk(tree, "1.1")
    assert end.finished and end.current.id == "o_refus" and [s.node.id for s in end.steps] == ["q_compte", "c_dette"]
    assert walk(tree, "1.7.0").current.id == "c_dette"  # an impossible choice stops the walk
    assert walk(tree, "abc").current.id == "q_compte"


def test_tree_operations() -> None:
    tree = copy.deepcopy(SAMPLE["tree"])
    tree = apply_operation(tree, "add_node")
    assert tree["nodes"][-1]["id"] == "n5"
    tree = apply_operation(tree, "up_node:4")
    assert tree["nodes"][3]["id"] == "n5"
    tree = apply_operation(tree, "add_branch:0")
    assert len(tree["nodes"][0]["branches"]) == 3
    tree = apply_operation(tree, "down_branch:0:0")
    assert tree["nodes"][0]["branches"][1]["label"] == "Oui"
    tree = apply_operation(tree, "del_branch:0:2")
    tree = apply_operation(tree, "del_node:0")
    assert tree["start"] == "c_dette"
    assert apply_operation(tree, "del_node:x") == tree


def test_fill_answer_formats_typed_values() -> None:
    answer = parse_document(SAMPLE).answers[0]
    params = load_parameters()
    filled = fill_answer(
        answer,
        {"date_envoi": "01/03/2026", "montant": "1234,5", "nombre": "3", "canal": "Courrier"},
        parameters=params,
    )
    assert filled["chat"] == "Envoyée le 1er mars 2026 (1 234,50 €)."
    assert "par courrier : 1 234,50 €, 3 pages" in filled["email"] and params["pass_annuel"].value in filled["email"]
    assert set(filled) == {"email", "chat", "voice"}


def test_fill_answer_refuses_unknown_missing_and_invalid_values() -> None:
    answer = parse_document(SAMPLE).answers[0]
    with pytest.raises(InvalidInput) as caught:
        fill_answer(
            answer,
            {"date_envoi": "31/02/2026", "montant": "abc", "inconnue": "x", "canal": "fax"},
            parameters=load_parameters(),
        )
    fields = {d["champ"] for d in caught.value.details}
    assert fields == {"inconnue", "date_envoi", "montant", "nombre", "canal"}


@pytest.mark.parametrize(
    ("kind", "raw", "shown"),
    [
        ("integer", " 12 ", "12"),
        ("amount", "1 000 €", "1 000 €"),
        ("amount", "99.9", "99,90 €"),
        ("date", "2026-12-25", "25 décembre 2026"),
        ("text", " bonjour ", "bonjour"),
    ],
)
def test_parse_value(kind: str, raw: str, shown: str) -> None:
    assert parse_value(Variable(name="x", type=kind, label="X"), raw) == shown


def test_parameters_override(tmp_path: Path) -> None:
    override = tmp_path / "params.yaml"
    override.write_text("parameters:\n  pass_annuel: {value: '50 000 €', year: 2027, label: PASS}\n", encoding="utf-8")
    params = load_parameters(override)
    assert render_parameters("PASS : {{pass_annuel}}, PMSS {{ pmss }}, {{inconnu}}", params) == (
        f"PASS : 50 000 €, PMSS {load_parameters()['pmss'].value}, {{{{inconnu}}}}"
    )


def test_yaml_and_markdown_round_trip() -> None:
    doc = parse_document(SAMPLE)
    again = parse_document(from_yaml(to_yaml(doc)))
    assert again.as_data() == doc.as_data()
    markdown = to_markdown(doc)
    assert markdown.startswith("---\n") and "## Étapes" in markdown and "1. Vérifier le compte." in markdown
    assert parse_document(from_markdown(markdown)).as_data() == doc.as_data()
    assert parse_document(parse_import(markdown)).as_data() == doc.as_data()


def test_malformed_yaml_gives_a_french_message() -> None:
    with pytest.raises(InvalidInput, match=r"mal formé.*ligne"):
        from_yaml("slug: a\ntitle: [non fermé\n")
    with pytest.raises(InvalidInput, match="objet"):
        parse_document(["liste"])
    with pytest.raises(InvalidInput) as caught:
        parse_document({**SAMPLE, "kind": "roman", "audiences": [], "couleur": "bleu"})
    fields = {d["champ"] for d in caught.value.details}
    assert {"kind", "audiences", "couleur"} <= fields
