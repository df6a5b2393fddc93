"""Search API (public with rate limit, agent content behind login), synonyms and gaps API, and the pages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accueil.knowledge.search import search
from tests.conftest import bearer, csrf_of, login
from tests.knowledge.search.conftest import ZT


def _keys(response_json: dict[str, object]) -> list[str]:
    return [hit["key"] for hit in response_json["results"]]  # type: ignore[attr-defined, index]


def test_public_search_sees_usager_content_only(client: TestClient, indexed: Callable[..., object]) -> None:
    indexed()
    params = {"q": "chiffre d'affaires trimestre", "collection": ZT}
    response = client.get("/api/v1/kb/search", params=params)
    assert response.status_code == 200, response.text
    assert "article:t-ca" not in _keys(response.json())
    bot = client.get("/api/v1/kb/search", params={**params, "audience": "bot"})
    assert "answer:t-ca#rappel" in _keys(bot.json())
    refused = client.get("/api/v1/kb/search", params={**params, "audience": "agent"})
    assert refused.status_code == 401 and refused.json()["erreur"] == "non_authentifie"


def test_staff_search_sees_everything(client: TestClient, indexed: Callable[..., object]) -> None:
    indexed()
    headers = bearer(client, "agent.idf@accueil.test")
    body = client.get(
        "/api/v1/kb/search", params={"q": "chiffre d'affaires", "collection": ZT, "kind": "faq"}, headers=headers
    ).json()
    assert _keys(body) == ["article:t-ca"]
    hit = body["results"][0]
    assert set(hit) >= {"key", "kind", "title", "score", "snippet_html", "url", "meta", "intents", "publics"}
    assert "<mark>" in hit["snippet_html"] and body["took_ms"] >= 0


def test_invalid_parameters_are_422(client: TestClient) -> None:
    assert client.get("/api/v1/kb/search", params={"q": ""}).status_code == 422
    assert client.get("/api/v1/kb/search", params={"q": "dsn", "kind": "roman"}).status_code == 422
    assert client.get("/api/v1/kb/search", params={"q": "dsn", "limit": 500}).status_code == 422


def test_search_is_rate_limited(client: TestClient) -> None:
    statuses = {client.get("/api/v1/kb/search", params={"q": "x", "mode": "lexical"}).status_code for _ in range(121)}
    assert statuses == {200, 429}


def test_synonyms_api_for_redacteurs(client: TestClient) -> None:
    agent = bearer(client, "agent.idf@accueil.test")
    assert client.get("/api/v1/kb/synonyms", headers=agent).status_code == 403
    headers = bearer(client, "redacteur@accueil.test")
    groups = client.get("/api/v1/kb/synonyms", headers=headers).json()
    assert any("AE" in g["terms"] for g in groups)
    created = client.post("/api/v1/kb/synonyms", json={"terms": ["zorglub", "quetzal"]}, headers=headers)
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    updated = client.put(
        f"/api/v1/kb/synonyms/{group_id}", json={"terms": ["zorglub", "ornithorynque"]}, headers=headers
    )
    assert updated.json()["terms"] == ["zorglub", "ornithorynque"]
    invalid = client.post("/api/v1/kb/synonyms", json={"terms": ["le", "la"]}, headers=headers)
    assert invalid.status_code == 422 and invalid.json()["details"]
    assert client.delete(f"/api/v1/kb/synonyms/{group_id}", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/kb/synonyms/{group_id}", headers=headers).status_code == 404


def test_gaps_api_and_page(client: TestClient, session: Session) -> None:
    search(session, "Zblorf xyzzyq")
    session.commit()
    headers = bearer(client, "valideur@accueil.test")
    page = client.get("/api/v1/kb/gaps", headers=headers).json()
    gap = next(g for g in page["items"] if g["query"] == "Zblorf xyzzyq")
    assert gap["count"] == 1 and gap["status"] == "open"
    resolved = client.post(f"/api/v1/kb/gaps/{gap['id']}/status", json={"status": "resolved"}, headers=headers)
    assert resolved.json()["status"] == "resolved"
    assert client.get("/api/v1/kb/gaps", headers=bearer(client, "agent.idf@accueil.test")).status_code == 403

    assert client.get("/kb/lacunes", follow_redirects=False).status_code == 303  # to the login page
    login(client, "redacteur@accueil.test")
    html = client.get("/kb/lacunes", params={"statut": "resolved"}).text
    assert "Zblorf xyzzyq" in html
    reopen = client.post(
        f"/kb/lacunes/{gap['id']}", data={"status": "open", "csrf_token": csrf_of(client)}, follow_redirects=False
    )
    assert reopen.status_code == 303
    assert "Zblorf xyzzyq" in client.get("/kb/lacunes").text


def test_synonyms_page_with_csrf(client: TestClient) -> None:
    login(client, "redacteur@accueil.test")
    assert "micro-entrepreneur" in client.get("/kb/synonymes").text
    missing_csrf = client.post("/kb/synonymes", data={"terms": "zorglub, quetzal"})
    assert missing_csrf.status_code == 403
    added = client.post(
        "/kb/synonymes", data={"terms": "zorglub\nquetzal", "csrf_token": csrf_of(client)}, follow_redirects=False
    )
    assert added.status_code == 303
    assert "zorglub = quetzal" in client.get("/kb/synonymes").text


def test_pages_are_for_editors_only(client: TestClient) -> None:
    login(client, "agent.idf@accueil.test")
    assert client.get("/kb/lacunes").status_code == 403
    assert client.get("/kb/synonymes").status_code == 403
