"""The editor form: field names are the document paths (`tree.nodes.2.branches.0.next`), so every error of
the checks lands next to its field. Buttons named `op` edit the tree, answers and sources without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from accueil.knowledge.tree import apply_operation

MULTI = re.compile(r"^(publics|audiences|intents|tree\.nodes\.\d+\.answers)$")
LINES = re.compile(r"^(blocks\.prerequisites|blocks\.steps)$")
OPTIONS = re.compile(r"^answers\.\d+\.variables\.\d+\.options$")
COMMA = re.compile(r"^keywords$")
BOOL = re.compile(r"^tree\.nodes\.\d+\.usager$")
ALLOWED = re.compile(
    r"^(slug|kind|title|summary|publics|audiences|intents|owner|review_by|keywords|blocks\.[a-z]+|tree\.start"
    r"|tree\.nodes\.\d+\.(id|kind|text|usager|answers|branches\.\d+\.(label|next))"
    r"|answers\.\d+\.(id|title|variants\.(email|chat|voice)|variables\.\d+\.(name|type|label|options))"
    r"|sources\.\d+\.(title|url|checked))$"
)
MAX_ROWS = 200


def _set(target: dict[Any, Any], parts: list[str], value: Any) -> None:
    key: Any = int(parts[0]) if parts[0].isdigit() else parts[0]
    if isinstance(key, int) and key >= MAX_ROWS:
        return
    if len(parts) == 1:
        target[key] = value
        return
    child = target.setdefault(key, {})
    _set(child, parts[1:], value)


def _listify(value: Any) -> Any:
    """Dicts whose keys are all ints become lists ordered by index."""
    if isinstance(value, dict):
        converted = {k: _listify(v) for k, v in value.items()}
        if converted and all(isinstance(k, int) for k in converted):
            return [converted[k] for k in sorted(converted) if k < MAX_ROWS]
        return converted
    return value


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _split_options(text: str) -> list[str]:
    """Options one per line, or separated by « ; » on a single line."""
    parts = text.splitlines() if "\n" in text.strip() else text.split(";")
    return [part.strip() for part in parts if part.strip()]


def form_to_data(
    items: Iterable[tuple[str, str]], multi_keys: Iterable[str] = ("publics", "audiences", "intents")
) -> dict[str, Any]:
    """Rebuild the document dict from the posted fields (unknown names are ignored)."""
    raw: dict[Any, Any] = {}
    multis: dict[str, list[str]] = {}
    for name, value in items:
        if not ALLOWED.match(name):
            continue
        if MULTI.match(name):
            multis.setdefault(name, []).append(value)
            continue
        if LINES.match(name):
            parsed: Any = _split_lines(value)
        elif OPTIONS.match(name):
            parsed = _split_options(value)
        elif COMMA.match(name):
            parsed = [part.strip() for part in value.split(",") if part.strip()]
        elif BOOL.match(name):
            parsed = value in ("1", "on", "true", "oui")
        else:
            parsed = value.replace("\r\n", "\n")
        _set(raw, name.split("."), parsed)
    for name in multi_keys:
        multis.setdefault(name, [])
    for name, values in multis.items():
        _set(raw, name.split("."), [v for v in values if v])
    data = _listify(raw)
    return _tidy(data)


def _tidy(data: dict[str, Any]) -> dict[str, Any]:
    blocks = data.get("blocks") or {}
    for key in ("context", "answer"):
        if blocks.get(key):
            blocks[key] = blocks[key].rstrip() + "\n"
    data["blocks"] = blocks
    tree = data.get("tree")
    if isinstance(tree, dict):
        nodes = tree.get("nodes") or []
        for node in nodes:
            node.setdefault("branches", [])
            node.setdefault("answers", [])
            node.setdefault("usager", False)
            if node.get("kind") == "outcome":
                node["branches"] = [b for b in node["branches"] if b.get("label") or b.get("next")]
        tree["nodes"] = nodes
        if not nodes and not tree.get("start"):
            data["tree"] = None
    answers = data.get("answers") or []
    for answer in answers:
        answer["variables"] = [v for v in answer.get("variables") or [] if v.get("name") or v.get("label")]
        for variable in answer["variables"]:
            if variable.get("type") != "choice":
                variable.pop("options", None)
        answer.setdefault("variants", {})
    data["answers"] = answers
    data["sources"] = [
        {k: v for k, v in s.items() if v or k == "title"}
        for s in data.get("sources") or []
        if s.get("title") or s.get("url")
    ]
    for key in ("review_by",):
        if not data.get(key):
            data[key] = None
    return data


def apply_form_operation(data: dict[str, Any], op: str) -> dict[str, Any]:
    """Add, move or delete a tree node or branch, an answer, a variable or a source."""
    name, _, rest = op.partition(":")
    numbers = [int(n) for n in rest.split(":") if n.isdigit()] if rest else []
    if name == "add_tree":
        data["tree"] = {
            "start": "q1",
            "nodes": [
                {
                    "id": "q1",
                    "kind": "question",
                    "text": "",
                    "branches": [{"label": "Oui", "next": ""}, {"label": "Non", "next": ""}],
                    "answers": [],
                }
            ],
        }
    elif name == "del_tree":
        data["tree"] = None
    elif name.endswith(("_node", "_branch")):
        data["tree"] = apply_operation(data.get("tree") or {"start": "", "nodes": []}, op)
    elif name == "add_answer":
        existing = {a.get("id") for a in data.get("answers") or []}
        number = len(existing) + 1
        while f"reponse_{number}" in existing:
            number += 1
        answer = {
            "id": f"reponse_{number}",
            "title": "",
            "variables": [],
            "variants": {"email": "", "chat": "", "voice": ""},
        }
        data["answers"] = [*(data.get("answers") or []), answer]
    elif name == "del_answer" and numbers and numbers[0] < len(data.get("answers") or []):
        data["answers"].pop(numbers[0])
    elif name == "add_var" and numbers and numbers[0] < len(data.get("answers") or []):
        data["answers"][numbers[0]].setdefault("variables", []).append({"name": "", "type": "text", "label": ""})
    elif name == "del_var" and len(numbers) == 2 and numbers[0] < len(data.get("answers") or []):
        variables = data["answers"][numbers[0]].get("variables") or []
        if numbers[1] < len(variables):
            variables.pop(numbers[1])
    elif name == "add_source":
        data["sources"] = [*(data.get("sources") or []), {"title": "", "url": "", "checked": ""}]
    elif name == "del_source" and numbers and numbers[0] < len(data.get("sources") or []):
        data["sources"].pop(numbers[0])
    return data


def errors_by_field(details: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    if isinstance(details, list):
        for item in details:
            if isinstance(item, dict):
                result.setdefault(str(item.get("champ", "document")), []).append(str(item.get("probleme", "")))
    elif isinstance(details, dict):
        for key, value in details.items():
            result.setdefault(str(key), []).append(str(value))
    return result
