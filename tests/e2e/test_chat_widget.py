"""The widget in a real browser (headless Debian chromium) against a real server process on loopback:
buttons, a free-text question answered by a grounded generative answer with its sources, a satisfaction
click, a reload that keeps the conversation, and a handoff. Marked `browser`; about 15 s."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, nlu_model_dir: Path) -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium absent (/usr/bin/chromium) : test navigateur non exécuté")
    data = tmp_path_factory.mktemp("e2e-chat")
    models = nlu_model_dir  # trained by the fixture, not while a page waits
    port = _free_port()
    env = {**os.environ, "ACCUEIL_DATA_DIR": str(data), "ACCUEIL_DATABASE_URL": f"sqlite:///{data}/e2e.sqlite3",
           "ACCUEIL_NLU_MODEL_DIR": str(models), "ACCUEIL_DEMO_DATA": "false", "ACCUEIL_LOG_LEVEL": "WARNING",
           "ACCUEIL_LLM_BASE_URL": "", "ACCUEIL_ENVIRONMENT": "development"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "accueil.web.app:app_from_env", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"le serveur n'a pas démarré : {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield base, data / "e2e.sqlite3"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_widget_end_to_end(server: tuple[str, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    base, database = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(45_000)
        page.goto(f"{base}/demo?public=RG")
        launcher = page.get_by_role("button", name="Une question ?")
        launcher.click()
        log = page.locator("[role=log]")
        assert log.get_attribute("aria-live") == "polite"
        assert page.evaluate("document.activeElement.id") == "aw-input"  # focus moves into the dialog

        # 1. a scenario with buttons, then a satisfaction click
        page.get_by_role("button", name="Contacter l'Urssaf").click()
        log.get_by_text("appeler le 3957").wait_for()
        page.locator(".aw-satisfaction").get_by_role("button", name="Oui").click()
        log.get_by_text("Merci pour votre retour").wait_for()

        # 2. a free-text question: a grounded generative answer with its sources as links
        before = log.locator(".aw-sources").count()
        page.get_by_label("Votre message").fill("Qu'est-ce que le Tese à usage partiel pour les extras ?")
        page.keyboard.press("Enter")
        sources = log.locator(".aw-sources").nth(before)
        sources.wait_for()
        assert "Tese" in sources.inner_text()
        assert sources.locator("a").first.get_attribute("href").startswith("http")
        assert "vérifié le" in sources.inner_text()

        # 3. the conversation survives a reload
        count = log.locator(".aw-msg").count()
        page.reload()
        page.locator("[role=log] .aw-msg").nth(count - 1).wait_for()
        assert page.locator("[role=log] .aw-msg").count() == count

        # 4. escaped rendering: a script typed by the usager is shown as text
        page.get_by_label("Votre message").fill("<img src=x onerror=\"window.pwned=1\">")
        page.keyboard.press("Enter")
        log.locator(".aw-user", has_text="<img src=x").wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned === undefined")

        # 5. the permanent button hands over to a human (live chat not open for RG: a message by e-mail)
        page.locator("footer .aw-human").click()  # the permanent button (a reply may offer one too)
        log.get_by_text("Laissez-nous un message").wait_for()
        page.keyboard.press("Escape")
        assert page.get_by_role("dialog").is_hidden()
        assert page.evaluate("document.activeElement.textContent") == "Une question ?"

        # 6. mobile layout: the panel takes the whole screen
        page.set_viewport_size({"width": 390, "height": 800})
        launcher.click()
        box = page.get_by_role("dialog").bounding_box()
        assert box is not None and box["width"] >= 389
        browser.close()

    with sqlite3.connect(database) as db:
        kinds = {row[0] for row in db.execute("select kind from events")}
    assert {"conversation_started", "answer_given", "generative_answer", "satisfaction",
            "handoff_requested"} <= kinds
