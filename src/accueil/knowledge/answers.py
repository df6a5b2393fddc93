"""Suggested answers (réponses types): typed variables, template checks and server-side filling per channel."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from accueil.core.errors import InvalidInput
from accueil.knowledge.choices import Channel, VariableType
from accueil.knowledge.document import SuggestedAnswer, Variable
from accueil.knowledge.parameters import Parameters, render_parameters
from accueil.knowledge.tree import Issue

VAR_PATTERN = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MAX_TEXT = 500


def variable_names(template: str) -> list[str]:
    return VAR_PATTERN.findall(template or "")


def check_answer(answer: SuggestedAnswer, *, prefix: str) -> list[Issue]:
    issues: list[Issue] = []
    declared: set[str] = set()
    for position, variable in enumerate(answer.variables):
        where = f"{prefix}.variables.{position}"
        if variable.name in declared:
            issues.append(Issue(f"{where}.name", f"Variable déclarée deux fois : « {variable.name} »."))
        declared.add(variable.name)
        if variable.type == VariableType.CHOICE and len(variable.options) < 2:
            issues.append(
                Issue(f"{where}.options", f"La variable « {variable.name} » (choix) doit proposer au moins 2 options.")
            )
    if not answer.variants.chat:
        issues.append(Issue(f"{prefix}.variants.chat", "La variante chat est obligatoire."))
    for channel, template in answer.variants.items():
        for name in sorted(set(variable_names(template))):
            if name not in declared:
                issues.append(
                    Issue(
                        f"{prefix}.variants.{channel.value}",
                        f"La variable {{{name}}} n'est pas déclarée dans la réponse « {answer.id} ».",
                    )
                )
    return issues


def format_date(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def _format_amount(value: Decimal) -> str:
    quantized = value.quantize(Decimal("0.01"))
    units, _, cents = f"{quantized:.2f}".partition(".")
    grouped = f"{int(units):,}".replace(",", " ")
    return f"{grouped} €" if cents == "00" else f"{grouped},{cents} €"


def parse_value(variable: Variable, raw: str) -> str:
    """The display form of one value, or ValueError with a French message."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("valeur obligatoire")
    if variable.type == VariableType.DATE:
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return format_date(datetime.strptime(text, fmt).date())
            except ValueError:
                continue
        raise ValueError("date attendue (JJ/MM/AAAA)")
    if variable.type == VariableType.INTEGER:
        digits = text.replace(" ", "").replace("\u00a0", "")
        if not digits.isdigit() or len(digits) > 9:
            raise ValueError("nombre entier positif attendu")
        return str(int(digits))
    if variable.type == VariableType.AMOUNT:
        cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError("montant attendu (par exemple 1 250,50)") from None
        if not amount.is_finite() or amount < 0 or amount > Decimal("1e12"):
            raise ValueError("montant attendu (par exemple 1 250,50)")
        return _format_amount(amount)
    if variable.type == VariableType.CHOICE:
        for option in variable.options:
            if option.casefold() == text.casefold():
                return option
        raise ValueError("choisissez une des options proposées")
    if len(text) > MAX_TEXT:
        raise ValueError(f"texte trop long ({MAX_TEXT} caractères au plus)")
    return text


def fill_answer(
    answer: SuggestedAnswer,
    values: Mapping[str, str],
    *,
    parameters: Parameters,
    channel: Channel | None = None,
) -> dict[str, str]:
    """The filled text of every variant (or of `channel`); unknown, missing or invalid values -> InvalidInput."""
    details: list[dict[str, str]] = []
    for name in values:
        if answer.variable(name) is None:
            details.append({"champ": name, "probleme": f"Variable inconnue de la réponse « {answer.id} »."})
    formatted: dict[str, str] = {}
    for variable in answer.variables:
        try:
            formatted[variable.name] = parse_value(variable, values.get(variable.name, ""))
        except ValueError as exc:
            details.append({"champ": variable.name, "probleme": f"{variable.label} : {exc}."})
    if details:
        raise InvalidInput("Les valeurs de la réponse type sont incomplètes ou invalides.", details=details)
    result: dict[str, str] = {}
    for variant_channel, template in answer.variants.items():
        if channel is not None and variant_channel != channel:
            continue
        with_params = render_parameters(template, parameters)
        result[variant_channel.value] = VAR_PATTERN.sub(lambda m: formatted.get(m.group(1), m.group(0)), with_params)
    if channel is not None and not result:
        raise InvalidInput(f"La réponse « {answer.id} » n'a pas de variante pour le canal {channel.value}.")
    return result
