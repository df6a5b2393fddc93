"""Pages: agent search, article, tree walkthrough and answer filling without JavaScript, feedback, the editor
(form round trip, tree operations, errors next to fields), review, import and drafting help."""

from __future__ import annotations

import re
from typing import Any

import yaml
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accueil.knowledge.deps import intent_suggester
from tests.conftest import csrf_of, login

from .conftest import SAMPLE

R, V, A = "redacteur@accueil.test", "valideur@accueil.test", "agent.idf@accueil.test"


def form_fields(html: str, selector: str = "form.kb-editor") -> list[tuple[str, str]]:
    """What a browser would post for this form (without any button)."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None
    fields: list[tuple[str, str]] = []
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name:
            continue
        if element.name == "textarea":
            fields.append((name, element.text))
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            fields.append((name, chosen.get("value", "") if chosen else ""))
        elif element.get("type") == "checkbox":
            if element.has_attr("checked"):
                fields.append((name, element.get("value", "on")))
        else:
            fields.append((name, element.get("value", "")))
    return fields


def post_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    return data


def test_agent_search_article_and_walkthrough(client: TestClient) -> None:
    login(client, A)
    page = client.get("/kb?q=délai de paiement échéancier")
    assert page.status_code == 200 and "/kb/articles/delais-traiter-demande" in page.text
    article = client.get("/kb/articles/delais-traiter-demande")
    assert (
        article.status_code == 200
        and "Parcourir l'arbre" in article.text
        and 'id="reponse-invitation_echeancier"' in article.text
    )
    start = client.get("/kb/articles/delais-traiter-demande/parcours")
    links = re.findall(r'href="/kb/articles/delais-traiter-demande/parcours\?chemin=([0-9.]+)"', start.text)
    assert links == ["0", "1"] and "Retour" not in start.text
    path = "1"
    for _ in range(6):  # follow the first branch until an outcome
        step = client.get(f"/kb/articles/delais-traiter-demande/parcours?chemin={path}")
        assert "← Retour" in step.text
        following = re.findall(rf'chemin=({re.escape(path)}\.\d+)"', step.text)
        if not following:
            break
        path = following[0]
    assert "Réponse type à envoyer" in step.text
    answer_id = re.search(r'name="reponse" value="([a-z_]+)"', step.text).group(1)  # type: ignore[union-attr]
    form = BeautifulSoup(step.text, "html.parser").select_one(f"#reponse-{answer_id} form")
    values = {}
    for field in form.find_all(["input", "select"]):  # type: ignore[union-attr]
        name = field.get("name")
        if name and name.startswith("v_"):
            options = [o.get("value") for o in field.find_all("option") if o.get("value")]
            values[name] = (
                options[0] if options else {"date": "2026-03-01", "number": "3"}.get(field.get("type"), "1200")
            )
    query = {"chemin": path, "reponse": answer_id, "remplir": "1", "canal": "chat", **values}
    filled = client.get("/kb/articles/delais-traiter-demande/parcours", params=query)
    assert "Texte prêt à envoyer" in filled.text and 'class="secondary kb-copy"' in filled.text
    text = BeautifulSoup(filled.text, "html.parser").select_one(f"#rendu-{answer_id}-chat").text  # type: ignore[union-attr]
    assert text and "{" not in text
    broken = client.get("/kb/articles/delais-traiter-demande/parcours", params={**query, **dict.fromkeys(values, "")})
    assert "valeur obligatoire" in broken.text


def test_feedback_from_the_article_page(client: TestClient) -> None:
    login(client, A)
    token = csrf_of(client)
    short = client.post("/kb/articles/delais-traiter-demande/signaler", data={"message": "x", "csrf_token": token})
    assert short.status_code == 422 and "5 caractères" in short.text
    sent = client.post(
        "/kb/articles/delais-traiter-demande/signaler",
        data={"message": "Le délai de réponse a changé.", "csrf_token": token},
        follow_redirects=True,
    )
    assert "votre signalement a été transmis" in sent.text
    assert client.get("/kb/redaction").status_code == 403
    client.post("/deconnexion", data={"csrf_token": token})
    login(client, R)
    assert "Le délai de réponse a changé." in client.get("/kb/redaction/signalements").text


def test_editor_round_trip_operations_and_errors(client: TestClient) -> None:
    login(client, R)
    token = csrf_of(client)
    opened = client.post("/kb/articles/delais-traiter-demande/brouillon", data={"csrf_token": token})
    editor_url = str(opened.url).replace("http://testserver", "")
    assert opened.status_code == 200 and editor_url.endswith("/modifier")
    fields = form_fields(opened.text)
    saved = client.post(editor_url, data=post_data([*fields, ("op", "save")]))
    assert saved.status_code == 200 and "Brouillon enregistré" in saved.text, saved.text[:3000]
    export = client.get("/kb/articles/delais-traiter-demande/export.yaml?version=1").text
    draft_number = re.search(r"Brouillon v(\d+)", saved.text).group(1)  # type: ignore[union-attr]
    again = client.get(f"/kb/articles/delais-traiter-demande/export.yaml?version={draft_number}").text
    assert yaml.safe_load(again) == yaml.safe_load(export)  # the form lost nothing

    added = client.post(editor_url, data=post_data([*form_fields(saved.text), ("op", "add_node")]))
    nodes = re.findall(r'name="tree\.nodes\.(\d+)\.id"', added.text)
    assert len(nodes) == len(yaml.safe_load(export)["tree"]["nodes"]) + 1
    refused = client.post(editor_url, data=post_data([*form_fields(added.text), ("op", "save")]))
    assert refused.status_code == 422 and "texte trop court" in refused.text  # the new node has no text yet
    new_text = f"tree.nodes.{len(nodes) - 1}.text"
    fields = [(k, "Nouvelle issue" if k == new_text else v) for k, v in form_fields(refused.text)]
    refused = client.post(editor_url, data=post_data([*fields, ("op", "save")]))
    assert "n&#39;est pas atteignable" in refused.text and 'class="kb-error-summary"' in refused.text
    deleted = client.post(
        editor_url, data=post_data([*form_fields(refused.text), ("op", f"del_node:{len(nodes) - 1}")])
    )
    checked = client.post(editor_url, data=post_data([*form_fields(deleted.text), ("op", "check")]))
    assert "Vérification réussie" in checked.text

    fields = [(k, "nexistepas" if k == "tree.nodes.0.branches.0.next" else v) for k, v in form_fields(checked.text)]
    dangling = client.post(editor_url, data=post_data([*fields, ("op", "save")]))
    assert dangling.status_code == 422 and 'id="f-tree-nodes-0-branches-0-next-err"' in dangling.text
    assert "nœud inexistant « nexistepas »" in dangling.text


def test_create_with_yaml_review_and_validate(client: TestClient) -> None:
    login(client, R)
    token = csrf_of(client)
    page = client.get("/kb/redaction/nouveau")
    fields = [(k, v) for k, v in form_fields(page.text) if k != "yaml"]
    applied = client.post(
        "/kb/redaction/nouveau",
        data=post_data([*fields, ("yaml", yaml.safe_dump(SAMPLE, allow_unicode=True)), ("op", "apply_yaml")]),
    )
    assert applied.status_code == 200 and 'value="test-attestation-exemple"' in applied.text
    created = client.post(
        "/kb/redaction/nouveau", data=post_data([*form_fields(applied.text), ("op", "save"), ("doublon_confirme", "1")])
    )
    assert created.status_code == 200 and "Brouillon enregistré" in created.text, created.text[:2000]
    version_id = re.search(r"/kb/versions/(\d+)/soumettre", created.text).group(1)  # type: ignore[union-attr]
    review = client.post(f"/kb/versions/{version_id}/soumettre", data={"csrf_token": token})
    assert "Relecture" in review.text and "vous ne pouvez pas valider" in review.text
    client.post("/deconnexion", data={"csrf_token": token})
    login(client, V)
    token = csrf_of(client)
    assert "Test | Délivrer une attestation" in client.get("/kb/redaction").text
    review = client.get(f"/kb/versions/{version_id}/relecture")
    assert "Valider et publier" in review.text and "<ins>" in review.text
    done = client.post(f"/kb/versions/{version_id}/valider", data={"csrf_token": token, "comment": "OK"})
    assert done.status_code == 200 and "Publiée" in done.text
    history = client.get("/kb/articles/test-attestation-exemple/historique")
    assert "Valérie Valideuse" in history.text and "Rémi Rédacteur" in history.text


def test_import_page(client: TestClient) -> None:
    login(client, R)
    token = csrf_of(client)
    bad = client.post("/kb/redaction/import", data={"csrf_token": token, "texte": "slug: [oups"})
    assert bad.status_code == 422 and "mal formé" in bad.text
    unknown = dict(SAMPLE, intents=["inconnue"])
    refused = client.post(
        "/kb/redaction/import",
        data={"csrf_token": token},
        files={"fichier": ("a.yaml", yaml.safe_dump(unknown, allow_unicode=True), "application/yaml")},
    )
    assert refused.status_code == 422 and "Intention inconnue" in refused.text
    markdown = client.get("/kb/articles/delais-traiter-demande/export.md").text
    ok = client.post(
        "/kb/redaction/import", data={"csrf_token": token}, files={"fichier": ("delais.md", markdown, "text/markdown")}
    )
    assert ok.status_code == 200 and "Brouillon enregistré" in ok.text


def test_drafting_help_page(app: FastAPI, client: TestClient) -> None:
    app.dependency_overrides[intent_suggester] = lambda: None
    login(client, R)
    token = csrf_of(client)
    text = (
        "Modifier son adresse\n\nLe cotisant qui déménage doit signaler sa nouvelle adresse. "
        "Le micro-entrepreneur le fait en ligne.\n\nConnectez-vous à votre espace. Sélectionnez Mes informations. "
        "Saisissez la nouvelle adresse."
    )
    page = client.post("/kb/redaction/assistant", data={"csrf_token": token, "texte": text})
    assert page.status_code == 200 and "Proposition de brouillon" in page.text
    assert 'value="Modifier son adresse"' in page.text and "Moteur de compréhension indisponible" in page.text
    fields: dict[str, Any] = dict(form_fields(page.text))
    assert fields["blocks.steps"].count("\n") == 2 and fields["slug"] == "modifier-son-adresse"


def test_editor_scope_and_navigation(client: TestClient) -> None:
    login(client, A)
    home = client.get("/")
    assert 'href="/kb"' in home.text and 'href="/kb/redaction"' not in home.text
    assert client.get("/kb/redaction/nouveau").status_code == 403
    client.post("/deconnexion", data={"csrf_token": csrf_of(client)})
    login(client, "redacteur2@accueil.test")  # regional (URS_IDF)
    page = client.get("/kb/redaction/nouveau")
    fields = [(k, v) for k, v in form_fields(page.text) if k != "yaml"]
    applied = client.post(
        "/kb/redaction/nouveau",
        data=post_data([*fields, ("yaml", yaml.safe_dump(SAMPLE, allow_unicode=True)), ("op", "apply_yaml")]),
    )
    refused = client.post(
        "/kb/redaction/nouveau", data=post_data([*form_fields(applied.text), ("op", "save"), ("doublon_confirme", "1")])
    )
    assert refused.status_code == 403 and 'id="f-owner-err"' in refused.text and "rédacteurs nationaux" in refused.text
