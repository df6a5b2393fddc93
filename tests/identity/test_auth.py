"""Login, logout, lockout, CSRF and bearer tokens, through the HTTP surface."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import DEMO_PASSWORD, bearer, csrf_of, login


def test_pages_redirect_to_login_when_anonymous(client: TestClient) -> None:
    response = client.get("/admin/utilisateurs", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/connexion?suivant=/admin/utilisateurs")


def test_api_answers_401_in_french_when_anonymous(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"erreur": "non_authentifie", "message": "Authentification requise."}


def test_login_sets_secure_session_cookie_and_home_shows_roles(client: TestClient) -> None:
    response = client.post(
        "/connexion",
        data={"email": "Valideur@accueil.test", "password": DEMO_PASSWORD, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "accueil_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/")
    assert "Valérie Valideuse" in home.text and "Valideur" in home.text


def test_wrong_password_gives_generic_french_error(client: TestClient) -> None:
    response = client.post(
        "/connexion",
        data={"email": "agent.idf@accueil.test", "password": "mauvais-mot-de-passe", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.text
    unknown = client.post(
        "/connexion", data={"email": "personne@accueil.test", "password": "x" * 12, "csrf_token": csrf_of(client)}
    )
    assert "Identifiant ou mot de passe incorrect." in unknown.text


def test_lockout_after_repeated_failures_even_with_right_password(client: TestClient) -> None:
    for _ in range(5):
        client.post(
            "/connexion",
            data={"email": "analyste@accueil.test", "password": "faux-faux-faux", "csrf_token": csrf_of(client)},
        )
    response = client.post(
        "/connexion", data={"email": "analyste@accueil.test", "password": DEMO_PASSWORD, "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 401
    assert "verrouillé" in response.text
    admin = login(TestClient(client.app), "admin@accueil.test")
    audit = admin.get("/api/v1/audit", params={"action": "user.locked"}).json()
    assert any(entry["summary"].startswith("Verrouillage de analyste@accueil.test") for entry in audit)


def test_form_post_without_csrf_token_is_refused(client: TestClient) -> None:
    response = client.post("/connexion", data={"email": "admin@accueil.test", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text
    forged = client.post(
        "/connexion", data={"email": "admin@accueil.test", "password": DEMO_PASSWORD, "csrf_token": "forged.value"}
    )
    assert forged.status_code == 403


def test_cookie_api_mutation_needs_csrf_header(client: TestClient) -> None:
    login(client, "admin@accueil.test")
    body = {"status": "en_production"}
    assert client.put("/api/v1/deployments/chatbot/MAR", json=body).status_code == 403
    ok = client.put("/api/v1/deployments/chatbot/MAR", json=body, headers={"X-CSRF-Token": csrf_of(client)})
    assert ok.status_code == 200


def test_logout_invalidates_the_session(client: TestClient) -> None:
    login(client, "redacteur@accueil.test")
    cookie = client.cookies["accueil_session"]
    assert client.post("/deconnexion", data={"csrf_token": csrf_of(client)}, follow_redirects=False).status_code == 303
    replay = TestClient(client.app)
    replay.cookies.set("accueil_session", cookie)
    assert replay.get("/api/v1/me").status_code == 401


def test_bearer_token_login_and_logout(client: TestClient) -> None:
    headers = bearer(client, "formateur@accueil.test")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["email"] == "formateur@accueil.test" and me["roles"] == ["formateur"]
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_open_redirect_after_login_is_neutralised(client: TestClient) -> None:
    response = client.post(
        "/connexion",
        data={
            "email": "admin@accueil.test",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_of(client),
            "suivant": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
