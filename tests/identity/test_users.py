"""User administration: roles enforced, validation in French, audit of every change."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import bearer, csrf_of, login

NEW_AGENT = {
    "email": "nouvel.agent@accueil.test",
    "full_name": "Nouvel Agent",
    "roles": ["agent"],
    "organisations": ["URS_BRE"],
    "skills": ["declaration"],
    "max_chats": 4,
    "password": "un-mot-de-passe-solide",
}


def test_only_admins_manage_users(client: TestClient) -> None:
    for email in ("agent.idf@accueil.test", "superviseur.idf@accueil.test", "valideur@accueil.test"):
        headers = bearer(client, email)
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert client.post("/api/v1/users", json=NEW_AGENT, headers=headers).status_code == 403


def test_admin_creates_user_with_roles_organisations_skills_and_it_is_audited(client: TestClient) -> None:
    headers = bearer(client, "admin@accueil.test")
    response = client.post("/api/v1/users", json=NEW_AGENT, headers=headers)
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["organisations"] == ["URS_BRE"] and user["skills"] == ["declaration"] and user["max_chats"] == 4
    entries = client.get("/api/v1/audit", params={"action": "user.created", "by": "admin@"}, headers=headers).json()
    assert any(e["object_id"] == str(user["id"]) for e in entries)
    new_headers = bearer(client, NEW_AGENT["email"], NEW_AGENT["password"])
    assert client.get("/api/v1/me", headers=new_headers).json()["roles"] == ["agent"]


def test_invalid_user_input_is_refused_in_french_and_nothing_written(client: TestClient) -> None:
    headers = bearer(client, "admin@accueil.test")
    bad = {
        **NEW_AGENT,
        "email": "pas-un-email",
        "roles": ["pirate"],
        "organisations": ["XX"],
        "skills": ["magie"],
        "password": "court",
    }
    response = client.post("/api/v1/users", json=bad, headers=headers)
    assert response.status_code == 422
    details = response.json()["details"]
    assert set(details) >= {"email", "roles", "skills", "password", "organisations"}
    assert all(
        email != "pas-un-email" for email in (u["email"] for u in client.get("/api/v1/users", headers=headers).json())
    )
    wrong_type = client.post("/api/v1/users", json={**NEW_AGENT, "max_chats": "beaucoup"}, headers=headers)
    assert wrong_type.status_code == 422 and wrong_type.json()["details"][0]["champ"] == "max_chats"


def test_duplicate_email_is_a_conflict(client: TestClient) -> None:
    headers = bearer(client, "admin@accueil.test")
    response = client.post("/api/v1/users", json={**NEW_AGENT, "email": "agent.idf@accueil.test"}, headers=headers)
    assert response.status_code == 409
    assert "existe déjà" in response.json()["message"]


def test_deactivating_a_user_closes_their_sessions(client: TestClient) -> None:
    admin = bearer(client, "admin@accueil.test")
    agent = bearer(client, "agent2.idf@accueil.test")
    users = client.get("/api/v1/users", headers=admin).json()
    target = next(u for u in users if u["email"] == "agent2.idf@accueil.test")
    body = {k: target[k] for k in ("email", "full_name", "roles", "organisations", "skills", "max_chats")}
    response = client.put(f"/api/v1/users/{target['id']}", json={**body, "active": False}, headers=admin)
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/api/v1/me", headers=agent).status_code == 401


def test_user_admin_pages_render_and_create_through_the_form(client: TestClient) -> None:
    login(client, "admin@accueil.test")
    assert "Agathe Agent" in client.get("/admin/utilisateurs").text
    form = client.get("/admin/utilisateurs/nouveau")
    assert 'for="email"' in form.text
    response = client.post(
        "/admin/utilisateurs/nouveau",
        data={
            "csrf_token": csrf_of(client),
            "full_name": "Zoé Superviseure",
            "email": "zoe@accueil.test",
            "password": "tres-long-mot-de-passe",
            "max_chats": "3",
            "roles": ["superviseur"],
            "organisations": ["URS_BRE"],
            "active": "on",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Zoé Superviseure" in client.get("/admin/utilisateurs").text
    invalid = client.post(
        "/admin/utilisateurs/nouveau",
        data={"csrf_token": csrf_of(client), "full_name": "", "email": "x", "password": "a", "max_chats": "0"},
    )
    assert invalid.status_code == 422 and "Adresse e-mail invalide." in invalid.text


def test_audit_page_filters(client: TestClient) -> None:
    login(client, "admin@accueil.test")
    page = client.get("/admin/journal", params={"action": "user.created"})
    assert page.status_code == 200 and "user.created" in page.text
    assert client.get("/admin/journal", params={"du": "pas-une-date"}).status_code == 422
