"""Everything the editor template needs besides the document being edited: choices, ids, errors, preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from accueil.identity.access import Actor
from accueil.knowledge.checks import owner_code
from accueil.knowledge.choices import AUDIENCE_LABELS, NODE_KIND_LABELS, VARIABLE_TYPE_LABELS
from accueil.knowledge.document import Tree
from accueil.knowledge.parameters import Parameters
from accueil.knowledge.tree import preview
from accueil.knowledge.yamlio import dump_fragment
from accueil.referential.service import list_organisations
from accueil.referential.taxonomy import load_taxonomy


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


def _error_lookups(errors: dict[str, list[str]]) -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    def exact(path: str) -> list[str]:
        return errors.get(path, [])

    def under(path: str) -> list[str]:
        return [m for key, messages in errors.items() if key == path or key.startswith(path + ".") for m in messages]

    return exact, under


def _intents_by_skill() -> list[tuple[str, list[tuple[str, str]]]]:
    taxonomy = load_taxonomy()
    groups: dict[str, list[tuple[str, str]]] = {}
    for intent in taxonomy.intents.values():
        groups.setdefault(intent.routing_skill, []).append((intent.id, f"{intent.label} ({intent.level})"))
    return [(taxonomy.routing_skills.get(skill, skill).split(":")[0], items) for skill, items in groups.items()]


def _tree_preview(data: dict[str, Any]) -> dict[str, Any] | None:
    if not data.get("tree"):
        return None
    try:
        return preview(Tree.model_validate(data["tree"]))
    except ValidationError:
        return None


def editor_context(
    session: Session,
    actor: Actor,
    parameters: Parameters,
    data: dict[str, Any],
    *,
    version: Any,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    exact, under = _error_lookups(errors)
    data.setdefault("blocks", {})
    tree = data.get("tree") or {}
    clean = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    return {
        "data": data,
        "version": version,
        "mode": "edit" if version is not None else "new",
        "errors": errors,
        "errs": exact,
        "errs_under": under,
        "fid": field_id,
        "owner_value": owner_code(str(data.get("owner") or "national")),
        "organisations": [(o.code, o.name) for o in list_organisations(session, active_only=True)],
        "publics": load_taxonomy().publics,
        "intent_groups": _intents_by_skill(),
        "audience_labels": AUDIENCE_LABELS,
        "node_kinds": NODE_KIND_LABELS,
        "variable_types": VARIABLE_TYPE_LABELS,
        "node_ids": [str(n.get("id", "")) for n in tree.get("nodes") or [] if n.get("id")],
        "answer_ids": [str(a.get("id", "")) for a in data.get("answers") or [] if a.get("id")],
        "yaml_text": dump_fragment(clean),
        "tree_preview": _tree_preview(data),
        "parameter_names": sorted(parameters),
    }
