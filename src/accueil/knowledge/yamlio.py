"""Import and export of an article: YAML (docs/kb-format.md) or Markdown with a YAML front matter."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from accueil.core.errors import InvalidInput
from accueil.knowledge.checks import owner_label
from accueil.knowledge.document import ArticleDocument

KEY_ORDER = (
    "slug",
    "kind",
    "title",
    "summary",
    "publics",
    "audiences",
    "intents",
    "owner",
    "review_by",
    "keywords",
    "blocks",
    "tree",
    "answers",
    "sources",
)
MAX_IMPORT_CHARS = 500_000
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ten times faster when available


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _keep(key: str, value: Any) -> bool:
    if key == "usager":
        return value is True
    return value not in (None, "", [], {})


def _clean(value: Any) -> Any:
    """Drop empty optional values so an export stays as short as a hand-written file."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if _keep(k, v)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def export_data(doc: ArticleDocument) -> dict[str, Any]:
    data = doc.model_dump(mode="python")
    data["owner"] = owner_label(doc.owner)
    data["kind"] = doc.kind.value
    data["audiences"] = [a.value for a in doc.audiences]
    if doc.tree is not None:
        for node in data["tree"]["nodes"]:
            node["kind"] = str(node["kind"])
    for answer in data["answers"]:
        for variable in answer["variables"]:
            variable["type"] = str(variable["type"])
    cleaned = _clean(data)
    cleaned.setdefault("blocks", {})
    return {key: cleaned[key] for key in KEY_ORDER if key in cleaned}


def to_yaml(doc: ArticleDocument) -> str:
    return yaml.dump(export_data(doc), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def dump_fragment(value: Any) -> str:
    """A YAML rendering of a part of an article (tree, answers) for textareas and diffs."""
    if value in (None, [], {}):
        return ""
    return yaml.dump(_clean(value), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def _load_yaml(text: str, what: str) -> Any:
    if len(text) > MAX_IMPORT_CHARS:
        raise InvalidInput(f"{what} trop volumineux ({MAX_IMPORT_CHARS} caractères au plus).")
    try:
        return yaml.load(text, Loader=_Loader)  # a safe loader (C or pure Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntaxe invalide"
        raise InvalidInput(
            f"{what} mal formé{where} : {problem}.", details=[{"champ": "yaml", "probleme": f"{problem}{where}"}]
        ) from None


def from_yaml(text: str) -> dict[str, Any]:
    data = _load_yaml(text, "YAML")
    if not isinstance(data, dict):
        raise InvalidInput("Le YAML doit décrire un article (clés slug, kind, title, ...).")
    return _dates_as_text(data)


def load_fragment(text: str, what: str) -> Any:
    return _dates_as_text(_load_yaml(text, what)) if text.strip() else None


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- Markdown with front matter

SECTIONS = (("context", "Contexte"), ("prerequisites", "Prérequis"), ("steps", "Étapes"), ("answer", "Réponse"))
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


def to_markdown(doc: ArticleDocument) -> str:
    data = export_data(doc)
    blocks = data.pop("blocks", {})
    front = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    body = [f"# {doc.title}", ""]
    for key, heading in SECTIONS:
        value = blocks.get(key)
        if not value:
            continue
        body += [f"## {heading}", ""]
        if key == "prerequisites":
            body += [f"- {item}" for item in value]
        elif key == "steps":
            body += [f"{i}. {item}" for i, item in enumerate(value, start=1)]
        else:
            body.append(str(value).rstrip())
        body.append("")
    return f"---\n{front}---\n\n" + "\n".join(body)


def from_markdown(text: str) -> dict[str, Any]:
    if not text.lstrip().startswith("---"):
        raise InvalidInput("Le Markdown doit commencer par un en-tête YAML entre deux lignes « --- ».")
    _, _, rest = text.lstrip().partition("---")
    front, sep, body = rest.partition("\n---")
    if not sep:
        raise InvalidInput("En-tête YAML non refermé : ajoutez une ligne « --- » après l'en-tête.")
    data = from_yaml(front)
    labels = {heading.casefold(): key for key, heading in SECTIONS}
    blocks: dict[str, Any] = dict(data.get("blocks") or {})
    matches = list(_HEADING.finditer(body))
    for i, match in enumerate(matches):
        key = labels.get(match.group(1).casefold())
        if key is None:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        content = body[match.end() : end].strip()
        if key in ("prerequisites", "steps"):
            blocks[key] = [m.group(1).strip() for line in content.splitlines() if (m := _ITEM.match(line))]
        else:
            blocks[key] = content + "\n" if content else ""
    data["blocks"] = blocks
    return data


def parse_import(text: str, *, filename: str = "") -> dict[str, Any]:
    """YAML or Markdown (detected from the file name, else from a leading `---`)."""
    if filename.lower().endswith((".md", ".markdown")):
        return from_markdown(text)
    if not filename.lower().endswith((".yaml", ".yml")) and _looks_like_markdown(text):
        return from_markdown(text)
    return from_yaml(text)


def _looks_like_markdown(text: str) -> bool:
    stripped = text.lstrip()
    if not stripped.startswith("---"):
        return False
    _, sep, body = stripped[3:].partition("\n---")
    return bool(sep) and bool(body.strip().lstrip("-").strip())
