"""Operations surface: probes, OpenAPI, French JSON errors, body limits, security headers, logs."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from accueil.core.logging import JsonFormatter
from tests.conftest import bearer, login


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"statut": "ok"}
    assert client.get("/readyz").json() == {"statut": "pret", "base_de_donnees": "ok", "assistant": "a_la_demande"}


def test_openapi_is_served_with_local_assets(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/deployments" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn.jsdelivr" not in docs.text
    assert client.get(docs.text.split('src="')[1].split('"')[0]).status_code == 200


def test_unknown_route_is_french_json_under_api_and_html_elsewhere(client: TestClient) -> None:
    api = client.get("/api/v1/nexiste-pas")
    assert api.status_code == 404 and api.json()["message"] == "Page ou ressource introuvable."
    page = client.get("/nexiste-pas")
    assert page.status_code == 404 and "Erreur 404" in page.text and 'lang="fr"' in page.text


def test_malformed_json_and_wrong_types_are_422_in_french(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", content=b"{pas du json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["details"][0]["probleme"] == "JSON mal formé"
    response = client.post("/api/v1/auth/token", json={"email": 12, "password": None})
    assert response.status_code == 422 and {d["champ"] for d in response.json()["details"]} == {"email", "password"}


def test_oversized_body_is_refused(client: TestClient) -> None:
    headers = bearer(client, "admin@accueil.test")
    response = client.post(
        "/api/v1/users", content=b"x" * 2_000_000, headers={**headers, "content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["message"] == "Requête trop volumineuse."


def test_security_headers_and_csrf_cookie(client: TestClient) -> None:
    response = client.get("/connexion")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors" in response.headers["content-security-policy"]
    assert "accueil_csrf=" in response.headers["set-cookie"]


def test_unexpected_error_is_500_without_stack_trace(client: TestClient) -> None:
    @client.app.get("/api/v1/boom")  # type: ignore[attr-defined]
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(client.app, raise_server_exceptions=False) as c:
        response = c.get("/api/v1/boom")
    assert response.status_code == 500
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    assert response.json()["erreur"] == "erreur_interne"


@pytest.mark.parametrize(
    "email",
    [
        "admin@accueil.test",
        "superviseur.idf@accueil.test",
        "agent.idf@accueil.test",
        "redacteur@accueil.test",
        "valideur@accueil.test",
        "formateur@accueil.test",
        "analyste@accueil.test",
    ],
)
def test_every_role_has_an_accessible_home(client: TestClient, email: str) -> None:
    login(client, email)
    page = client.get("/")
    assert page.status_code == 200
    for landmark in (
        '<main id="contenu"',
        'role="banner"',
        'aria-label="Navigation principale"',
        "skip-link",
        'role="contentinfo"',
    ):
        assert landmark in page.text
    assert "État du déploiement" in page.text


def test_non_admin_pages_are_forbidden(client: TestClient) -> None:
    login(client, "agent.idf@accueil.test")
    for path in ("/admin/utilisateurs", "/admin/referentiel", "/admin/journal"):
        response = client.get(path)
        assert response.status_code == 403 and "droits" in response.text


def test_json_logs_mask_nir_and_iban() -> None:
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "NIR 1 85 05 78 006 084 36 IBAN FR7630006000011234567890189", None, None
    )
    line = json.loads(JsonFormatter().format(record))
    assert "085" not in line["msg"] and "FR76" not in line["msg"]
    assert "[NIR masqué]" in line["msg"] and "[IBAN masqué]" in line["msg"]
