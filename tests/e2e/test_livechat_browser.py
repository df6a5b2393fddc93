"""Live chat in a real browser (headless Debian chromium) against a real server process on loopback:
a usager escalates from the bot (the chatbot widget, public CESU), sees a queue position, an agent accepts
in the console, they exchange messages (typing indicator), the agent closes with a qualification, the
usager rates, and the whole conversation (bot and human parts) is archived. Marked `browser`; < 60 s.

The usager rates in the widget's own form (1 to 5 and a comment), shown when the agent closes the conversation."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.livechat.servers import Server, always_open_routing, free_port, server_env
from tests.livechat.clone import live_settings  # noqa: F401  (fixture)

from accueil.bootstrap import DEFAULT_DEMO_PASSWORD
from accueil.core.config import Settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip
pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture
def server(
    live_settings: Settings,  # noqa: F811
    tmp_path: Path,
    nlu_model_dir: Path,
) -> Iterator[tuple[Server, Path]]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium absent (/usr/bin/chromium) : test navigateur non exécuté")
    if not live_settings.is_sqlite:
        pytest.skip("le test navigateur tourne sur SQLite (le multi-processus couvre PostgreSQL)")
    env = server_env(
        database_url=live_settings.effective_database_url,
        data_dir=live_settings.data_dir,
        redis_url="",
        routing_file=always_open_routing(tmp_path / "routing.yaml"),
        ACCUEIL_NLU_MODEL_DIR=str(nlu_model_dir),
    )
    running = Server(free_port(), env, log=tmp_path / "server.log").start()
    yield running, live_settings.data_dir / "archive"
    running.stop()


def test_escalation_console_rating_archive(server: tuple[Server, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    app, archive = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        agent = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        usager = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        for page in (agent, usager):
            page.set_default_timeout(45_000)

        # the agent of the national Cesu centre opens the console and becomes available
        agent.goto(f"{app.base}/connexion?suivant=/console")
        agent.get_by_label("Adresse e-mail").fill("agent.cesu@accueil.test")
        agent.get_by_label("Mot de passe").fill(DEFAULT_DEMO_PASSWORD)
        agent.get_by_role("button", name="Se connecter").click()
        agent.wait_for_url("**/console")
        agent.get_by_text("Connecté en direct").wait_for()
        agent.get_by_label("Présence", exact=True).select_option("disponible")
        agent.get_by_text("0 / 4 conversations simultanées").wait_for()

        # the usager talks to the bot, then asks for a human: the widget shows the queue position
        usager.goto(f"{app.base}/demo?public=CESU")
        usager.get_by_role("button", name="Une question ?").click()
        usager.get_by_role("button", name="Contacter l'Urssaf").wait_for()  # the bot has greeted
        usager.locator("footer .aw-human").click()
        usager.locator(".aw-status", has_text="position 1").wait_for()

        # the agent sees it arrive (proposed to them), reads the bot's summary and accepts
        agent.locator("#incoming button").first.wait_for()
        assert "Proposée pour vous" in agent.locator("#incoming button").first.inner_text()
        agent.locator("#incoming button").first.click()
        agent.locator("#summary").get_by_text("Raison du transfert").wait_for()
        agent.get_by_role("button", name="Accepter cette conversation").click()
        agent.get_by_label("Votre réponse à l'usager").wait_for()
        usager.locator(".aw-msg", has_text="a rejoint la conversation").wait_for()

        # they exchange messages (escaped everywhere), with the typing indicator
        agent.get_by_label("Votre réponse à l'usager").fill("Bonjour, je suis Claire. <b>Comment</b> puis-je aider ?")
        usager.locator(".aw-typing").wait_for()  # the widget shows the agent typing
        agent.keyboard.press("Control+Enter")
        usager.locator(".aw-msg", has_text="<b>Comment</b> puis-je aider ?").wait_for()
        usager.get_by_label("Votre message").fill("Mon salarié n'a pas reçu son attestation.")
        usager.keyboard.press("Enter")
        agent.locator("#messages li", has_text="Mon salarié n'a pas reçu son attestation.").wait_for()
        assert agent.locator("#messages li.lc-bot").count() >= 1  # the bot's part is shown to the agent

        # the agent closes with a qualification; the usager rates
        agent.get_by_text("Clôturer", exact=True).click()
        agent.get_by_label("Motif").select_option("demarche")
        agent.get_by_role("button", name="Clôturer la conversation").click()
        agent.get_by_text("close", exact=False).first.wait_for()
        usager.locator(".aw-msg", has_text="a terminé la conversation").wait_for()
        rating = usager.locator("form.aw-rating")
        rating.get_by_role("group", name="Comment évaluez-vous cet échange avec le conseiller ?").wait_for()
        rating.get_by_label("5 (très satisfait)").check()
        rating.get_by_label("Commentaire (facultatif)").fill("Très clair, merci")
        rating.get_by_role("button", name="Envoyer ma note").click()
        usager.locator(".aw-msg", has_text="Merci pour votre note (5/5)").wait_for()
        browser.close()

    documents = list(archive.rglob("conversation.json"))
    assert len(documents) == 1
    document = json.loads(documents[0].read_text(encoding="utf-8"))
    kinds = {m["author_kind"] for m in document["messages"]}
    assert {"bot", "usager", "agent", "system"} <= kinds
    assert document["rating"] == {"value": 5, "comment": "Très clair, merci"}
    assert document["qualification"]["motif"] == "demarche"
    assert (documents[0].parent / "transcript.html").exists()
