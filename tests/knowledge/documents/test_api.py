"""Upload API (rédacteurs, CSRF for cookie sessions), the import job a page polls, the documents page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import bearer, csrf_of, login
from tests.knowledge.documents.conftest import MARKDOWN, make_pdf


def test_upload_creates_a_job_that_imports_each_file(client: TestClient) -> None:
    headers = bearer(client, "redacteur@accueil.test")
    files = [
        ("files", ("reperes.md", MARKDOWN.encode(), "text/markdown")),
        ("files", ("note.pdf", make_pdf([["Attestation de vigilance"]]), "application/pdf")),
        ("files", ("macro.xlsm", b"PK", "application/octet-stream")),
    ]
    response = client.post("/api/v1/kb/documents", data={"collection": "actualites"}, files=files, headers=headers)
    assert response.status_code == 202, response.text
    job = client.get(response.json()["progression"], headers=headers).json()
    assert job["statut"] == "done" and job["total"] == job["traites"] == 3
    assert (job["importes"], job["echecs"]) == (2, 1)
    assert [f["statut"] for f in job["fichiers"]] == ["importé", "importé", "échec"]
    assert "non pris en charge" in job["fichiers"][2]["message"]
    listed = client.get("/api/v1/kb/documents", params={"collection": "actualites"}, headers=headers).json()
    pdf = next(d for d in listed if d["source"] == "note.pdf")
    assert pdf["passages"] == 1 and pdf["format"] == "pdf"
    assert client.delete(f"/api/v1/kb/documents/{pdf['id']}", headers=headers).status_code == 204


def test_roles_and_csrf(client: TestClient) -> None:
    files = [("files", ("a.md", b"# A\n\ntexte", "text/markdown"))]
    agent = bearer(client, "agent.idf@accueil.test")
    assert (
        client.post("/api/v1/kb/documents", data={"collection": "faq"}, files=files, headers=agent).status_code == 403
    )
    login(client, "redacteur@accueil.test")
    no_csrf = client.post("/api/v1/kb/documents", data={"collection": "faq"}, files=files)
    assert no_csrf.status_code == 403
    page = client.post(
        "/kb/documents", data={"collection": "faq", "csrf_token": csrf_of(client)}, files=files, follow_redirects=False
    )
    assert page.status_code == 303 and "import=" in page.headers["location"]
    html = client.get(page.headers["location"]).text
    assert "a.md : importé" in html and "/kb/documents/progression.js" not in html  # finished: nothing to poll
    unknown = client.post(
        "/api/v1/kb/documents", data={"collection": "romans", "csrf_token": csrf_of(client)}, files=files
    )
    assert unknown.status_code == 422 and "Collection inconnue" in unknown.json()["message"]
    assert client.get("/kb/documents/progression.js").headers["content-type"].startswith("text/javascript")
