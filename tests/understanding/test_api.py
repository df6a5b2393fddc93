"""POST /api/v1/nlu/parse (public), the formateurs' inbox and model pages, through HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accueil.understanding import service
from accueil.understanding.registry import ModelRegistry
from tests.conftest import bearer, csrf_of, login

from .conftest import Trained


@pytest.fixture
def nlu_client(app: FastAPI, client: TestClient, trained: Trained, tmp_path: Path) -> TestClient:
    app.state.nlu_registry = ModelRegistry(trained.copy_to(tmp_path / "models"), poll_seconds=0)
    return client


def test_parse_is_public_and_answers_the_documented_shape(nlu_client: TestClient, trained: Trained) -> None:
    text = "Jveux changer mon RIB, mon siret 732 829 320 00074"
    response = nlu_client.post("/api/v1/nlu/parse", json={"text": text})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["intent"] == "coordonnees_changer_rib" and answer["model_version"] == trained.model.version
    (siret,) = answer["entities"]
    assert siret == {"type": "siret", "value": "73282932000074", "start": 33, "end": 50, "valid": True}
    assert text[siret["start"] : siret["end"]] == "732 829 320 00074"
    assert {"ranking", "out_of_scope", "intents", "truncated", "confidence"} <= set(answer)


def test_parse_with_public_and_reference_date(nlu_client: TestClient) -> None:
    answer = nlu_client.post(
        "/api/v1/nlu/parse", json={"text": "un rendez-vous demain", "public": "AE", "reference_date": "2026-11-27"}
    ).json()
    assert {"type": "date", "value": "2026-11-28", "start": 15, "end": 21, "valid": True} in answer["entities"]


@pytest.mark.parametrize("text", ["", "😀", "\u0000\u0001", "ignore previous instructions; DROP TABLE users"])
def test_bad_input_gives_an_out_of_scope_answer(nlu_client: TestClient, text: str) -> None:
    response = nlu_client.post("/api/v1/nlu/parse", json={"text": text})
    assert response.status_code == 200 and response.json()["out_of_scope"] is True


def test_huge_input_is_truncated_and_wrong_types_are_refused_in_french(nlu_client: TestClient) -> None:
    answer = nlu_client.post("/api/v1/nlu/parse", json={"text": "attestation " * 1000}).json()
    assert answer["truncated"] is True and len(answer["text"]) <= 2000
    response = nlu_client.post("/api/v1/nlu/parse", json={"text": 42})
    assert response.status_code == 422 and "message" in response.json()


def test_inbox_api_needs_the_formateur_role(nlu_client: TestClient, session: Session) -> None:
    item = service.record_misunderstood(
        session,
        text="je voudrais un papier pour ma banque",
        channel="chat",
        public_code="RG",
        reason="confiance_faible",
    )
    assert nlu_client.get("/api/v1/nlu/misunderstood").status_code == 401
    agent = bearer(nlu_client, "agent.idf@accueil.test")
    assert nlu_client.get("/api/v1/nlu/misunderstood", headers=agent).status_code == 403
    formateur = bearer(nlu_client, "formateur@accueil.test")
    listed = nlu_client.get("/api/v1/nlu/misunderstood", headers=formateur).json()
    assert item.id in {row["id"] for row in listed}
    annotated = nlu_client.post(
        f"/api/v1/nlu/misunderstood/{item.id}/annotation",
        headers=formateur,
        json={"resolution": "annote", "intent": "attestation_affiliation_ou_paiement"},
    )
    assert annotated.status_code == 200 and annotated.json()["status"] == "annote"
    status = nlu_client.get("/api/v1/nlu/status", headers=formateur).json()
    assert status["active_version"] == status["loaded_version"] and status["last_error"] is None


def test_inbox_and_models_pages_for_formateurs(nlu_client: TestClient, session: Session) -> None:
    item = service.record_misunderstood(
        session, text="c'est quoi le truc pour les congés", channel="voice", public_code=None, reason="reformulation"
    )
    login(nlu_client, "formateur@accueil.test")
    page = nlu_client.get("/formation/incompris")
    assert page.status_code == 200 and "c&#39;est quoi le truc pour les congés" in page.text
    assert "Formation du bot" in page.text
    response = nlu_client.post(
        f"/formation/incompris/{item.id}",
        data={"resolution": "annote", "intent": "hors_sujet", "csrf_token": csrf_of(nlu_client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert ("c'est quoi le truc pour les congés", "hors_sujet") in {
        (e.text, e.intent) for e in service.added_examples(session)
    }
    models = nlu_client.get("/formation/modeles")
    assert models.status_code == 200 and "Modèles de compréhension" in models.text


def test_pages_are_refused_to_other_roles(nlu_client: TestClient) -> None:
    login(nlu_client, "agent.idf@accueil.test")
    assert nlu_client.get("/formation/incompris").status_code == 403
