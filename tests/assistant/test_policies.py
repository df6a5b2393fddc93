"""Each policy of data/policies.yaml, one by one, from tables; and the loader's refusals."""

from __future__ import annotations

import copy

import pytest
import yaml

from accueil.assistant.policies import POLICIES_FILE, PolicyError, load_policies, parse_policies

P = load_policies()
RAW = yaml.safe_load(POLICIES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"intent": "parler_a_un_humain"}, True),
    ({"choice": "handoff"}, True),
    ({"dtmf": "0"}, True),
    ({"dtmf": "1"}, False),
    ({"intent": "salutation"}, False),
    ({"choice": "sat:oui"}, False),
])
def test_human_on_request(kwargs: dict, expected: bool) -> None:
    assert P.human_request.is_request(**kwargs) is expected


@pytest.mark.parametrize(("count", "action"), [(1, "rephrase"), (2, "handoff"), (3, "handoff")])
def test_misunderstanding_counter(count: int, action: str) -> None:
    assert P.misunderstanding.action(count) == action


def test_misunderstanding_suggests_three_business_intents() -> None:
    ranking = [("salutation", 0.5), ("a", 0.2), ("hors_sujet", 0.1), ("b", 0.1), ("c", 0.05), ("d", 0.04)]
    assert P.misunderstanding.suggestions_from(ranking) == ["a", "b", "c"]


@pytest.mark.parametrize(("confidence", "channel", "expected"), [
    (0.44, "chat", False), (0.45, "chat", True), (0.6, "chat", True), (0.75, "chat", False), (0.99, "voice", True),
])
def test_confirmation_band(confidence: float, channel: str, expected: bool) -> None:
    assert P.confirmation.applies(confidence, channel) is expected


@pytest.mark.parametrize(("level", "asked"), [(1, True), (2, False)])
def test_satisfaction_after_level_one(level: int, asked: bool) -> None:
    assert P.satisfaction.asks_after(level) is asked


@pytest.mark.parametrize(("level", "group", "required", "fields"), [
    ("N2", "EMP", True, ("siret", "email")),
    ("N2", "PART", True, ("account_number", "email")),
    ("N1", None, False, ("siret", "email")),
])
def test_identification(level: str, group: str | None, required: bool, fields: tuple[str, ...]) -> None:
    assert P.identification.required(level) is required
    assert P.identification.fields_for(group) == fields


@pytest.mark.parametrize(("text", "public"), [
    ("le CA de mon auto-entreprise", "AE"),
    ("ma nounou n'est pas payée", "PAJE"),
    ("ma femme de ménage", "CESU"),
    ("je bosse à Genève", "STFS"),
    ("mes salariés et la DSN", "RG"),
    ("droits d'auteur versés par mon diffuseur", "AA"),
    ("je suis armateur", "MAR"),
    ("bonjour", None),
    ("madsn", None),  # short hints match whole words only
])
def test_public_inferred_from_vocabulary(text: str, public: str | None) -> None:
    assert P.public_detection.infer(text) == public


def test_contacts_and_deployment_components() -> None:
    assert P.contact_for("AE").phone == "3698"
    assert P.contact_for(None) == P.contacts["default"]
    assert "marins.urssaf.fr" in P.contact_for("MAR").sentence()
    assert (P.deployment.chatbot, P.deployment.livechat, P.deployment.generative) == ("chatbot", "livechat", "iag")


@pytest.mark.parametrize(("path", "value", "message"), [
    (("confirmation", "low"), 0.9, "low <= high"),
    (("misunderstanding", "handoff_at"), 1, "rephrase_at < handoff_at"),
    (("human_request", "intents"), ["inconnue"], "intention inconnue"),
    (("public_detection", "hints"), {"ZZ": ["x"]}, "public inconnu"),
    (("messages",), {"welcome": "x"}, "message absent"),
    (("limits",), {"max_turn_chars": 1}, "clé absente"),
])
def test_loader_refuses_bad_policies(path: tuple[str, ...], value: object, message: str) -> None:
    raw = copy.deepcopy(RAW)
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(PolicyError, match=message):
        parse_policies(raw)
