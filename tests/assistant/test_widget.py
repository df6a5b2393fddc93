"""Static checks of the widget: escaped rendering, accessibility hooks, no build step."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "src" / "accueil" / "assistant" / "static"
JS = (STATIC / "accueil-widget.js").read_text(encoding="utf-8")
CSS = (STATIC / "accueil-widget.css").read_text(encoding="utf-8")


def test_message_data_is_never_parsed_as_html() -> None:
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", JS)
    assert "textContent" in JS
    assert "safeUrl" in JS and 'protocol === "https:"' in JS  # links only to http(s)


def test_accessibility_hooks() -> None:
    for hook in ('role: "log"', '"aria-live": "polite"', 'role: "dialog"', '"aria-expanded"', 'for: "aw-input"',
                 'role: "status"', '"Escape"', "launcher.focus()", "input.focus()"):
        assert hook in JS, hook
    assert "@media (max-width: 600px)" in CSS and "prefers-reduced-motion" in CSS and "focus-visible" in CSS


def test_conversation_survives_reloads_and_network_loss() -> None:
    for hook in ("sessionStorage", "client_id", '"resume"', "onclose", "window.addEventListener(\"online\""):
        assert hook in JS, hook
