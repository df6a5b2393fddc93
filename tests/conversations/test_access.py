"""Organisation isolation: an agent of one organisation never reads another's conversations."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accueil.conversations import service
from accueil.core.errors import InvalidInput
from tests.conftest import bearer, login


def _conversation(session: Session, org: str, text: str = "Bonjour") -> int:
    conversation = service.start_conversation(session, channel="chat", public_code="RG", organisation_code=org)
    service.append_message(session, conversation, author_kind="usager", text=text)
    session.commit()
    return conversation.id


def test_agent_reads_own_organisation_and_gets_404_on_another(client: TestClient, session: Session) -> None:
    idf = _conversation(session, "URS_IDF", "message IDF")
    paca = _conversation(session, "URS_PAC", "message PACA")
    headers = bearer(client, "agent.idf@accueil.test")
    assert client.get(f"/api/v1/conversations/{idf}", headers=headers).json()["messages"][0]["text"] == "message IDF"
    forbidden = client.get(f"/api/v1/conversations/{paca}", headers=headers)
    assert forbidden.status_code == 404
    assert forbidden.json()["message"] == "Conversation introuvable."
    listed = {c["id"] for c in client.get("/api/v1/conversations", headers=headers).json()}
    assert idf in listed and paca not in listed


def test_supervisor_is_scoped_too_and_national_admin_sees_all(client: TestClient, session: Session) -> None:
    idf = _conversation(session, "URS_IDF")
    paca = _conversation(session, "URS_PAC")
    sup_paca = bearer(client, "superviseur.paca@accueil.test")
    assert client.get(f"/api/v1/conversations/{idf}", headers=sup_paca).status_code == 404
    assert client.get(f"/api/v1/conversations/{paca}", headers=sup_paca).status_code == 200
    admin = bearer(client, "admin@accueil.test")
    listed = {c["id"] for c in client.get("/api/v1/conversations", headers=admin).json()}
    assert {idf, paca} <= listed


def test_roles_without_conversation_access_get_403(client: TestClient, session: Session) -> None:
    idf = _conversation(session, "URS_IDF")
    for email in ("redacteur@accueil.test", "valideur@accueil.test", "formateur@accueil.test"):
        headers = bearer(client, email)
        assert client.get(f"/api/v1/conversations/{idf}", headers=headers).status_code == 403
        assert client.get("/api/v1/conversations", headers=headers).status_code == 403


def test_conversation_pages_apply_the_same_rules(client: TestClient, session: Session) -> None:
    idf = _conversation(session, "URS_IDF", "<script>alert(1)</script>")
    paca = _conversation(session, "URS_PAC")
    login(client, "agent.idf@accueil.test")
    page = client.get(f"/conversations/{idf}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert client.get(f"/conversations/{paca}").status_code == 404


def test_service_validates_input(session: Session) -> None:
    for kwargs in (
        {"channel": "fax"},
        {"channel": "chat", "public_code": "XX"},
        {"channel": "chat", "organisation_code": "NOPE"},
    ):
        try:
            service.start_conversation(session, **kwargs)  # type: ignore[arg-type]
        except InvalidInput as exc:
            assert "inconnu" in exc.message
        else:
            raise AssertionError(f"accepted {kwargs}")
    conversation = service.start_conversation(session, channel="voice", public_code="PAJE")
    try:
        service.append_message(session, conversation, author_kind="usager", text="x" * 6000)
    except InvalidInput as exc:
        assert "trop long" in exc.message
    kinds = [e.kind for e in service.events_of(session, conversation)]
    assert kinds == ["conversation_started"]
