"""Yearly figures (`{{param}}` in article texts) from data/kb/parameters.yaml, overridable by a settings file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from accueil.core.errors import InvalidInput

PARAMETERS_FILE = Path(__file__).resolve().parent.parent / "data" / "kb" / "parameters.yaml"
PARAM_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: str
    year: int | None
    label: str


Parameters = Mapping[str, Parameter]


def _read(path: Path) -> dict[str, Parameter]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"Fichier de paramètres illisible : {path}", details={"erreur": str(exc)}) from exc
    items = raw.get("parameters", raw) if isinstance(raw, dict) else {}
    result: dict[str, Parameter] = {}
    for name, item in (items or {}).items():
        if isinstance(item, dict):
            year = item.get("year")
            result[str(name)] = Parameter(
                name=str(name),
                value=str(item.get("value", "")),
                year=int(year) if year is not None else None,
                label=str(item.get("label", name)),
            )
        else:
            result[str(name)] = Parameter(name=str(name), value=str(item), year=None, label=str(name))
    return result


@lru_cache(maxsize=8)
def _load_cached(override: str | None, mtime: float) -> dict[str, Parameter]:
    params = _read(PARAMETERS_FILE)
    if override:
        params.update(_read(Path(override)))
    return params


def load_parameters(override: Path | None = None) -> Parameters:
    """The packaged parameters, with the entries of `override` (ACCUEIL_KB_PARAMETERS_FILE) on top."""
    mtime = override.stat().st_mtime if override and override.exists() else 0.0
    return _load_cached(str(override) if override else None, mtime)


def parameter_names(text: str) -> list[str]:
    return PARAM_PATTERN.findall(text or "")


def unknown_parameters(text: str, params: Parameters) -> list[str]:
    return sorted({name for name in parameter_names(text) if name not in params})


def render_parameters(text: str, params: Parameters) -> str:
    """Replace every known `{{name}}` by its configured value; unknown ones stay visible as written."""

    def _sub(match: re.Match[str]) -> str:
        param = params.get(match.group(1))
        return param.value if param else match.group(0)

    return PARAM_PATTERN.sub(_sub, text or "")
