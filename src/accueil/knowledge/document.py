"""The article document (docs/kb-format.md) as pydantic models, and its parsing with French error messages.

A document is what a version stores and what YAML/Markdown import and export exchange. Structural checks
live here; the checks that need the taxonomy, the parameters or the tree graph live in `checks.py`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from accueil.core.errors import InvalidInput
from accueil.knowledge.choices import ArticleKind, Audience, Channel, NodeKind, VariableType

IDENT = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _scalar_text(value: Any) -> Any:
    """YAML reads `2026` or `3957` in a list as numbers: list items that are numbers become text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_scalar_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Branch(_Model):
    label: Text = Field(min_length=1, max_length=400)
    next: str = Field(min_length=1, max_length=80)


class Node(_Model):
    id: str = Field(pattern=IDENT, max_length=80)
    kind: NodeKind
    text: str = Field(min_length=1, max_length=5000)
    usager: bool = False
    branches: list[Branch] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list)


class Tree(_Model):
    start: str = Field(min_length=1, max_length=80)
    nodes: list[Node] = Field(default_factory=list)

    def node(self, node_id: str) -> Node | None:
        return next((node for node in self.nodes if node.id == node_id), None)


class Variable(_Model):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$", max_length=60)
    type: VariableType = VariableType.TEXT
    label: str = Field(min_length=1, max_length=200)
    options: list[Text] = Field(default_factory=list)


class Variants(_Model):
    email: str = ""
    chat: str = ""
    voice: str = ""

    def items(self) -> list[tuple[Channel, str]]:
        return [(Channel(name), getattr(self, name)) for name in ("email", "chat", "voice") if getattr(self, name)]


class SuggestedAnswer(_Model):
    id: str = Field(pattern=IDENT, max_length=80)
    title: str = Field(min_length=1, max_length=300)
    variables: list[Variable] = Field(default_factory=list)
    variants: Variants = Field(default_factory=Variants)

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)


class Source(_Model):
    title: str = Field(min_length=1, max_length=400)
    url: str = Field(default="", max_length=2000)
    checked: date | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("adresse web attendue (https://...)")
        return value


class Blocks(_Model):
    context: str = Field(default="", max_length=50_000)
    prerequisites: list[Text] = Field(default_factory=list)
    steps: list[Text] = Field(default_factory=list)
    answer: str = Field(default="", max_length=50_000)


class ArticleDocument(_Model):
    slug: str = Field(pattern=SLUG, min_length=3, max_length=120)
    kind: ArticleKind
    title: str = Field(min_length=3, max_length=300)
    summary: str = Field(min_length=1, max_length=2000)
    publics: list[str] = Field(default_factory=lambda: ["all"])
    audiences: list[Audience] = Field(default_factory=lambda: [Audience.AGENT], min_length=1)
    intents: list[str] = Field(default_factory=list)
    owner: str = Field(default="national", min_length=2, max_length=60)
    review_by: date | None = None
    keywords: list[Text] = Field(default_factory=list)
    blocks: Blocks = Field(default_factory=Blocks)
    tree: Tree | None = None
    answers: list[SuggestedAnswer] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)

    def answer(self, answer_id: str) -> SuggestedAnswer | None:
        return next((a for a in self.answers if a.id == answer_id), None)

    def as_data(self) -> dict[str, Any]:
        """The JSON-ready dict stored in a version (dates as ISO strings, empty tree as None)."""
        return self.model_dump(mode="json")

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_MESSAGES = {
    "missing": "champ obligatoire",
    "string_type": "texte attendu",
    "string_too_short": "texte trop court",
    "string_too_long": "texte trop long",
    "string_pattern_mismatch": "format invalide (lettres minuscules, chiffres, « - » ou « _ »)",
    "enum": "valeur non autorisée",
    "literal_error": "valeur non autorisée",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "bool_parsing": "oui/non attendu",
    "bool_type": "oui/non attendu",
    "too_short": "au moins un élément attendu",
    "extra_forbidden": "champ inconnu du format",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def french_errors(exc: ValidationError) -> list[dict[str, str]]:
    details = []
    for error in exc.errors():
        kind = error.get("type", "")
        message = _MESSAGES.get(kind, "valeur invalide")
        if kind == "enum":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"valeur non autorisée (attendu : {expected})" if expected else message
        elif kind == "value_error":
            message = str(error.get("ctx", {}).get("error", message))
        details.append({"champ": field_path(tuple(error.get("loc", ()))) or "document", "probleme": message})
    return details


def parse_document(data: Any) -> ArticleDocument:
    """Structural validation; raises InvalidInput with one French message per faulty field."""
    if not isinstance(data, dict):
        raise InvalidInput("L'article doit être un objet (clés slug, kind, title, ...).")
    try:
        return ArticleDocument.model_validate(data)
    except ValidationError as exc:
        details = french_errors(exc)
        raise InvalidInput(f"L'article contient {len(details)} erreur(s) de format.", details=details) from exc
