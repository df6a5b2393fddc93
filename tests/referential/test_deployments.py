"""The deployment matrix: seeded state of 14 April 2025, is_live, edits with validation and audit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accueil.identity.access import SYSTEM_ACTOR
from accueil.referential import service
from tests.conftest import bearer, csrf_of, login

EXPECTED_LIVE = {
    "chatbot": {"AA", "AE", "CESU", "PAM", "PAJE", "PUMA", "RG", "TESE", "TI", "STFS"},
    "livechat": {"AE", "PAM", "PAJE", "CESU", "STFS", "TESE", "AA"},
    "voicebot": {"STFS", "CEA", "CESU", "RG", "PAM", "PAJE", "ADM"},
}
EXPECTED_PLANNED = {"chatbot": {"CEA", "TFE"}, "livechat": {"CEA"}, "voicebot": {"AA", "AE", "TI"}}


def test_seeded_matrix_matches_state_of_april_2025(session: Session) -> None:
    matrix = service.deployment_matrix(session)
    assert len(matrix.publics) == 16
    rows = {row.component: row for row in matrix.rows}
    for component, live in EXPECTED_LIVE.items():
        row = rows[component]
        assert {code for code, cell in row.cells.items() if cell.status == "en_production"} == live
        assert {code for code, cell in row.cells.items() if cell.status == "prevue"} == EXPECTED_PLANNED[component]
        assert all(row.cells[c].planned_year == 2025 for c in EXPECTED_PLANNED[component])
    assert (rows["chatbot"].live, rows["livechat"].live, rows["voicebot"].live) == (10, 7, 7)
    assert matrix.goal_year == 2027


def test_is_live_is_the_single_question_channels_ask(session: Session) -> None:
    assert service.is_live(session, "chatbot", "AE")
    assert not service.is_live(session, "chatbot", "MAR")
    assert not service.is_live(session, "voicebot", "AE")  # planned, not live
    assert not service.is_live(session, "chatbot", None)
    service.set_deployment(
        session, component="chatbot", public="MAR", status="en_production", planned_year=None, actor=SYSTEM_ACTOR
    )
    assert service.is_live(session, "chatbot", "MAR")


def test_deployment_page_shows_counts_and_goal(client: TestClient) -> None:
    login(client, "agent.idf@accueil.test")
    page = client.get("/deploiement")
    assert page.status_code == 200
    assert "10/16" in page.text and "7/16" in page.text and "2027" in page.text
    assert "<main" in page.text and 'scope="col"' in page.text


def test_json_api_gives_the_same_matrix(client: TestClient) -> None:
    headers = bearer(client, "analyste@accueil.test")
    data = client.get("/api/v1/deployments", headers=headers).json()
    chatbot = next(c for c in data["components"] if c["code"] == "chatbot")
    assert chatbot["coverage"] == "10/16"
    assert chatbot["deployments"]["TFE"] == {
        "status": "prevue",
        "label": "Mise en production prévue (2025)",
        "planned_year": 2025,
    }
    assert client.get("/api/v1/deployments/chatbot/ae").json() == {"component": "chatbot", "public": "AE", "live": True}


def test_unknown_codes_and_bad_status_are_clear_4xx_and_nothing_written(client: TestClient) -> None:
    headers = bearer(client, "admin@accueil.test")
    unknown = client.put("/api/v1/deployments/chatbot/ZZ", json={"status": "en_production"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["message"] == "Public inconnu : « ZZ »."
    bad_component = client.get("/api/v1/deployments/fax/AE")
    assert bad_component.status_code == 422 and "Composant inconnu" in bad_component.json()["message"]
    bad_status = client.put("/api/v1/deployments/chatbot/AE", json={"status": "demain"}, headers=headers)
    assert bad_status.status_code == 422
    no_year = client.put("/api/v1/deployments/chatbot/MAR", json={"status": "prevue"}, headers=headers)
    assert no_year.status_code == 422 and "année" in no_year.json()["message"]
    assert client.get("/api/v1/deployments/chatbot/MAR").json()["live"] is False


def test_only_admins_change_deployments_and_changes_are_audited(client: TestClient) -> None:
    supervisor = bearer(client, "superviseur.idf@accueil.test")
    assert (
        client.put("/api/v1/deployments/livechat/RG", json={"status": "en_production"}, headers=supervisor).status_code
        == 403
    )
    admin = bearer(client, "admin@accueil.test")
    response = client.put(
        "/api/v1/deployments/livechat/RG", json={"status": "prevue", "planned_year": 2026}, headers=admin
    )
    assert response.json() == {"component": "livechat", "public": "RG", "status": "prevue", "planned_year": 2026}
    audit = client.get("/api/v1/audit", params={"action": "deployment."}, headers=admin).json()
    assert audit[0]["object_id"] == "livechat:RG" and audit[0]["details"]["before"]["status"] == "a_prevoir"


def test_admin_edits_referential_through_pages(client: TestClient) -> None:
    login(client, "admin@accueil.test")
    assert "Urssaf Bretagne" in client.get("/admin/referentiel").text
    response = client.post(
        "/admin/referentiel/organisations/URS_BRE",
        data={"csrf_token": csrf_of(client), "name": "Urssaf Bretagne (Rennes)", "city": "Rennes", "active": "on"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    orgs = client.get("/api/v1/organisations").json()
    assert next(o for o in orgs if o["code"] == "URS_BRE")["name"] == "Urssaf Bretagne (Rennes)"
    response = client.post(
        "/admin/referentiel/deploiement",
        data={"csrf_token": csrf_of(client), "component": "voicebot", "public": "AE", "status": "en_production"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/api/v1/deployments/voicebot/AE").json()["live"] is True
    bad = client.post(
        "/admin/referentiel/deploiement",
        data={
            "csrf_token": csrf_of(client),
            "component": "voicebot",
            "public": "AE",
            "status": "prevue",
            "planned_year": "bientôt",
        },
    )
    assert bad.status_code == 422


def test_referential_lists_sixteen_publics_and_the_network(client: TestClient) -> None:
    headers = bearer(client, "agent.paca@accueil.test")
    publics = client.get("/api/v1/publics", headers=headers).json()
    assert [p["code"] for p in publics] == [
        "RG",
        "TD",
        "ADM",
        "TFE",
        "CEA",
        "TESE",
        "AE",
        "TI",
        "PAM",
        "VRP",
        "CESU",
        "PAJE",
        "STFS",
        "PUMA",
        "AA",
        "MAR",
    ]
    assert {p["group_name"] for p in publics} == {"Employeurs", "Indépendants", "Particuliers", "Publics spécifiques"}
    orgs = {o["code"]: o for o in client.get("/api/v1/organisations", headers=headers).json()}
    assert len([o for o in orgs.values() if o["kind"] == "regionale"]) == 21
    assert {"UCN", "CN_CESU", "CN_PAJE", "CGSS_RE", "SFE", "SAA"} <= set(orgs)
