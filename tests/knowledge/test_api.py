"""JSON API /api/v1/kb: roles on every route, workflow, answers rendering, import, feedback, bad input."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accueil.knowledge.deps import intent_suggester
from tests.conftest import bearer

from .conftest import SAMPLE

R, V, A = "redacteur@accueil.test", "valideur@accueil.test", "agent.idf@accueil.test"


def _create(client: TestClient, headers: dict[str, str], doc: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/api/v1/kb/articles?ignore_duplicates=true", json=doc or SAMPLE, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_roles_are_checked(client: TestClient) -> None:
    assert client.get("/api/v1/kb/articles").status_code == 401
    agent = bearer(client, A)
    assert client.get("/api/v1/kb/articles", headers=agent).status_code == 200
    assert client.post("/api/v1/kb/articles", json=SAMPLE, headers=agent).status_code == 403
    assert client.get("/api/v1/kb/queue", headers=agent).status_code == 403
    assert client.get("/api/v1/kb/feedback", headers=agent).status_code == 403
    assert client.get("/api/v1/kb/articles/delais-traiter-demande/versions", headers=agent).status_code == 403
    assert client.post("/api/v1/kb/versions/1/validate", headers=bearer(client, R)).status_code == 403
    assert client.get("/api/v1/kb/articles?status=draft", headers=agent).json() == []


def test_list_filters_and_detail(client: TestClient) -> None:
    agent = bearer(client, A)
    faq = client.get("/api/v1/kb/articles?kind=faq", headers=agent).json()
    assert faq and {a["kind"] for a in faq} == {"faq"}
    by_intent = client.get("/api/v1/kb/articles?intent=delai_paiement_demande", headers=agent).json()
    assert "delais-traiter-demande" in [a["slug"] for a in by_intent]
    ae = client.get("/api/v1/kb/articles?public=AE", headers=agent).json()
    assert all("AE" in a["publics"] or "all" in a["publics"] for a in ae)
    detail = client.get("/api/v1/kb/articles/delais-traiter-demande", headers=agent).json()
    assert detail["status"] == "published" and detail["content"]["tree"]["start"]
    assert client.get("/api/v1/kb/articles/inexistant", headers=agent).status_code == 404


def test_workflow_over_http(client: TestClient) -> None:
    red, val = bearer(client, R), bearer(client, V)
    created = _create(client, red)
    version_id = created["version_detail"]["id"]
    changed = dict(SAMPLE, summary="Résumé retouché.")
    assert client.put(f"/api/v1/kb/versions/{version_id}", json=changed, headers=red).status_code == 200
    assert client.post(f"/api/v1/kb/versions/{version_id}/submit", headers=red).json()["status"] == "in_review"
    back = client.post(f"/api/v1/kb/versions/{version_id}/send-back", json={"comment": "Sources ?"}, headers=val)
    assert back.json()["status"] == "draft" and back.json()["review_comment"] == "Sources ?"
    client.post(f"/api/v1/kb/versions/{version_id}/submit", headers=red)
    queue = client.get("/api/v1/kb/queue", headers=val).json()
    assert any(item["version_id"] == version_id and item["can_validate"] for item in queue)
    published = client.post(f"/api/v1/kb/versions/{version_id}/validate", json={"comment": "OK"}, headers=val)
    assert published.status_code == 200 and published.json()["status"] == "published"
    draft = client.post(f"/api/v1/kb/articles/{SAMPLE['slug']}/draft", headers=red).json()
    assert draft["number"] == 2
    versions = client.get(f"/api/v1/kb/articles/{SAMPLE['slug']}/versions", headers=red).json()
    assert [v["status"] for v in versions] == ["published", "draft"]
    diff = client.get(f"/api/v1/kb/articles/{SAMPLE['slug']}/diff?from=1&to=2", headers=red).json()
    assert not any(b["changed"] for b in diff["blocks"])
    assert client.post(f"/api/v1/kb/versions/{draft['id']}/abandon", headers=red).json()["status"] == "archived"
    archived = client.post(f"/api/v1/kb/articles/{SAMPLE['slug']}/archive", json={"reason": "test"}, headers=val)
    assert archived.json()["status"] == "archived"
    restored = client.post(f"/api/v1/kb/articles/{SAMPLE['slug']}/restore/1", headers=red)
    assert restored.json()["restored_from"] == 1


def test_author_cannot_validate_over_http(client: TestClient, make_user: Any) -> None:
    make_user("doublerole@accueil.test", ("redacteur", "valideur"), ("UCN",))
    both = bearer(client, "doublerole@accueil.test", "Motdepasse-test-123")
    version_id = _create(client, both)["version_detail"]["id"]
    client.post(f"/api/v1/kb/versions/{version_id}/submit", headers=both)
    refused = client.post(f"/api/v1/kb/versions/{version_id}/validate", headers=both)
    assert refused.status_code == 403 and "Séparation" in refused.json()["message"]


def test_render_answer(client: TestClient) -> None:
    agent = bearer(client, A)
    url = "/api/v1/kb/articles/delais-traiter-demande/answers/invitation_echeancier/render"
    values = {"montant_du": "1500", "nombre_mensualites": "6", "jour_paiement": "1, 10 ou 20 du mois"}
    ok = client.post(url, json={"values": values}, headers=agent)
    assert ok.status_code == 200, ok.text
    channels = ok.json()["channels"]
    assert set(channels) == {"email", "chat", "voice"} and "1 500 €" in channels["chat"] and "{" not in channels["chat"]
    one = client.post(url, json={"values": values, "channel": "voice"}, headers=agent).json()["channels"]
    assert list(one) == ["voice"]
    bad = client.post(url, json={"values": {"montant_du": "x", "inconnue": "1"}}, headers=agent)
    assert bad.status_code == 422
    body = bad.json()
    assert body["message"].startswith("Les valeurs") and {d["champ"] for d in body["details"]} >= {
        "inconnue",
        "montant_du",
    }
    assert (
        client.post(url.replace("invitation_echeancier", "nope"), json={"values": {}}, headers=agent).status_code == 404
    )


def test_bad_input_keeps_published_version(client: TestClient) -> None:
    red = bearer(client, R)
    before = client.get("/api/v1/kb/articles/delais-traiter-demande", headers=red).json()
    draft = client.post("/api/v1/kb/articles/delais-traiter-demande/draft", headers=red).json()
    content = before["content"]
    broken_tree = dict(content["tree"], nodes=[*content["tree"]["nodes"][:1]])
    cases = [
        dict(content, tree=broken_tree),
        dict(content, intents=["inconnue"]),
        dict(content, publics=["XX"]),
        dict(content, answers=[dict(content["answers"][0], variants={"chat": "Bonjour {variable_non_declaree}"})]),
        dict(content, summary="Plafond {{parametre_inconnu}}"),
    ]
    for broken in cases:
        response = client.put(f"/api/v1/kb/versions/{draft['id']}", json=broken, headers=red)
        assert response.status_code == 422, response.text
        assert response.json()["details"] and all(d["probleme"] for d in response.json()["details"])
    malformed = client.post("/api/v1/kb/import", json={"text": "slug: [oups\n"}, headers=red)
    assert malformed.status_code == 422 and "mal formé" in malformed.json()["message"]
    after = client.get("/api/v1/kb/articles/delais-traiter-demande", headers=red).json()
    assert after["content"] == before["content"] and after["version"] == before["version"]


def test_import_export_and_feedback(client: TestClient) -> None:
    red, agent = bearer(client, R), bearer(client, A)
    yaml_text = client.get("/api/v1/kb/articles/delais-traiter-demande/export", headers=agent).text
    assert yaml_text.startswith("slug: delais-traiter-demande")
    md = client.get("/api/v1/kb/articles/delais-traiter-demande/export?format=markdown", headers=agent).text
    imported = client.post("/api/v1/kb/import", json={"text": md, "filename": "a.md"}, headers=red)
    assert imported.status_code == 201 and imported.json()["status"] == "draft"
    fresh = client.post(
        "/api/v1/kb/import", json={"text": yaml_text.replace("delais-traiter-demande", "copie-delais")}, headers=red
    )
    assert fresh.status_code == 201 and fresh.json()["number"] == 1
    report = client.post(
        "/api/v1/kb/articles/delais-traiter-demande/feedback", json={"message": "Lien cassé."}, headers=agent
    )
    assert report.status_code == 201
    assert report.json()["id"] in [f["id"] for f in client.get("/api/v1/kb/feedback", headers=red).json()]
    assert (
        client.post(
            "/api/v1/kb/articles/delais-traiter-demande/feedback", json={"message": ""}, headers=agent
        ).status_code
        == 422
    )


def test_regional_scope_over_http(client: TestClient) -> None:
    regional = bearer(client, "redacteur2@accueil.test")
    assert client.post("/api/v1/kb/articles?ignore_duplicates=true", json=SAMPLE, headers=regional).status_code == 403
    own = dict(SAMPLE, owner="URS_IDF")
    assert client.post("/api/v1/kb/articles?ignore_duplicates=true", json=own, headers=regional).status_code == 201
    assert client.post("/api/v1/kb/articles/delais-traiter-demande/draft", headers=regional).status_code == 403


def test_expiring_and_drafting(app: FastAPI, client: TestClient) -> None:
    app.dependency_overrides[intent_suggester] = lambda: (
        lambda text: [("attestation_vigilance_obtenir", 0.8), ("salutation", 0.5), ("dpae_declaration", 0.01)]
    )
    red = bearer(client, R)
    soon = client.get("/api/v1/kb/expiring?days=3650", headers=red).json()
    assert soon and all(a["review_by"] for a in soon)
    text = (
        "Demander une attestation de vigilance\n\nL'attestation de vigilance prouve que l'employeur est à jour. "
        "Elle est exigée pour un contrat de 5 000 € HT.\n\nConnectez-vous à votre espace. Cliquez sur Attestations. "
        "Téléchargez le document."
    )
    proposal = client.post("/api/v1/kb/drafting/propose", json={"text": text}, headers=red)
    assert proposal.status_code == 200, proposal.text
    doc = proposal.json()["document"]
    assert doc["title"] == "Demander une attestation de vigilance" and doc["kind"] == "procedure"
    assert len(doc["blocks"]["steps"]) == 3 and "{{seuil_vigilance_contrat}}" in doc["blocks"]["context"]
    assert doc["intents"] == ["attestation_vigilance_obtenir"] and proposal.json()["intents_found"][0]["score"] == 0.8
    assert client.post("/api/v1/kb/drafting/propose", json={"text": "court"}, headers=red).status_code == 422


def test_near_duplicate_is_flagged_before_creation(client: TestClient) -> None:
    red = bearer(client, R)
    existing = client.get("/api/v1/kb/articles/delai-paiement-conditions", headers=red).json()["content"]
    copy = dict(existing, slug="copie-conditions-delai", title=existing["title"] + " (copie)")
    refused = client.post("/api/v1/kb/articles", json=copy, headers=red)
    assert refused.status_code == 409, refused.text
    assert "doublon" in refused.json()["message"]
    assert "article:delai-paiement-conditions" in [d["key"] for d in refused.json()["details"]]
    assert client.post("/api/v1/kb/articles?ignore_duplicates=true", json=copy, headers=red).status_code == 201
