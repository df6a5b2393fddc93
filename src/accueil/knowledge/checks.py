"""Semantic checks of an article document: taxonomy, owner, parameters, tree graph, answer variables.

`validate_document` is the single gate every write goes through (editor, API, import, demo loader).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from accueil.core.errors import InvalidInput
from accueil.knowledge.answers import check_answer
from accueil.knowledge.choices import ALL_PUBLICS, ArticleKind
from accueil.knowledge.document import ArticleDocument, parse_document
from accueil.knowledge.parameters import Parameters, unknown_parameters
from accueil.knowledge.tree import Issue, check_tree

NATIONAL_OWNER = "UCN"
# Owners written in the demo files (and accepted on import) -> organisation codes of data/referential.yaml.
OWNER_ALIASES: dict[str, str] = {
    "national": "UCN",
    "urssaf-caisse-nationale": "UCN",
    "urssaf-alsace": "URS_ALS",
    "urssaf-aquitaine": "URS_AQU",
    "urssaf-auvergne": "URS_AUV",
    "urssaf-bourgogne": "URS_BOU",
    "urssaf-bretagne": "URS_BRE",
    "urssaf-centre-val-de-loire": "URS_CVL",
    "urssaf-champagne-ardenne": "URS_CHA",
    "urssaf-corse": "URS_COR",
    "urssaf-franche-comte": "URS_FCO",
    "urssaf-idf": "URS_IDF",
    "urssaf-ile-de-france": "URS_IDF",
    "urssaf-languedoc-roussillon": "URS_LRO",
    "urssaf-limousin": "URS_LIM",
    "urssaf-lorraine": "URS_LOR",
    "urssaf-midi-pyrenees": "URS_MPY",
    "urssaf-nord-pas-de-calais": "URS_NPC",
    "urssaf-normandie": "URS_NOR",
    "urssaf-pays-de-la-loire": "URS_PDL",
    "urssaf-picardie": "URS_PIC",
    "urssaf-poitou-charentes": "URS_PCH",
    "urssaf-paca": "URS_PAC",
    "urssaf-provence-alpes-cote-d-azur": "URS_PAC",
    "urssaf-rhone-alpes": "URS_RHA",
}


def owner_code(owner: str) -> str:
    """An alias (`national`, `urssaf-idf`) or an organisation code (`URS_IDF`) -> the organisation code."""
    return OWNER_ALIASES.get(owner.strip().lower(), owner.strip().upper())


def owner_label(code: str) -> str:
    """How an export writes the owner: `national` for the national body, the organisation code otherwise."""
    return "national" if code == NATIONAL_OWNER else code


@dataclass(frozen=True, slots=True)
class CheckContext:
    intents: frozenset[str]
    publics: frozenset[str]
    organisations: frozenset[str]
    parameters: Parameters


def _texts(doc: ArticleDocument) -> Iterator[tuple[str, str]]:
    yield "title", doc.title
    yield "summary", doc.summary
    yield "blocks.context", doc.blocks.context
    yield "blocks.answer", doc.blocks.answer
    for i, text in enumerate(doc.blocks.prerequisites):
        yield f"blocks.prerequisites.{i}", text
    for i, text in enumerate(doc.blocks.steps):
        yield f"blocks.steps.{i}", text
    if doc.tree:
        for i, node in enumerate(doc.tree.nodes):
            yield f"tree.nodes.{i}.text", node.text
            for j, branch in enumerate(node.branches):
                yield f"tree.nodes.{i}.branches.{j}.label", branch.label
    for i, answer in enumerate(doc.answers):
        yield f"answers.{i}.title", answer.title
        for channel, template in answer.variants.items():
            yield f"answers.{i}.variants.{channel.value}", template


def check_document(doc: ArticleDocument, ctx: CheckContext) -> list[Issue]:
    issues: list[Issue] = []
    if ALL_PUBLICS in doc.publics and len(doc.publics) > 1:
        issues.append(Issue("publics", "« all » (tous les publics) ne se combine pas avec d'autres publics."))
    if not doc.publics:
        issues.append(Issue("publics", "Indiquez au moins un public (ou « all »)."))
    for i, code in enumerate(doc.publics):
        if code != ALL_PUBLICS and code not in ctx.publics:
            issues.append(Issue(f"publics.{i}", f"Public inconnu : « {code} »."))
    for i, intent in enumerate(doc.intents):
        if intent not in ctx.intents:
            issues.append(Issue(f"intents.{i}", f"Intention inconnue de la taxonomie : « {intent} »."))
    if owner_code(doc.owner) not in ctx.organisations:
        issues.append(Issue("owner", f"Organisation propriétaire inconnue : « {doc.owner} »."))
    if doc.kind == ArticleKind.PROCEDURE and not (doc.blocks.steps or doc.tree):
        issues.append(Issue("blocks.steps", "Une procédure a des étapes ou un arbre de décision."))
    if doc.kind != ArticleKind.PROCEDURE and not (doc.blocks.answer or doc.blocks.context):
        issues.append(Issue("blocks.answer", "Rédigez la réponse principale (ou le contexte)."))
    for field, text in _texts(doc):
        for name in unknown_parameters(text, ctx.parameters):
            issues.append(
                Issue(field, f"Paramètre inconnu {{{{{name}}}}} : ajoutez-le à parameters.yaml ou corrigez le nom.")
            )
    seen: set[str] = set()
    for i, answer in enumerate(doc.answers):
        if answer.id in seen:
            issues.append(Issue(f"answers.{i}.id", f"Identifiant de réponse type en double : « {answer.id} »."))
        seen.add(answer.id)
        issues += check_answer(answer, prefix=f"answers.{i}")
    if doc.tree is not None:
        issues += check_tree(doc.tree, answer_ids=[a.id for a in doc.answers])
    return issues


def validate_document(data: dict[str, Any] | ArticleDocument, ctx: CheckContext) -> ArticleDocument:
    """Parse and check; return the document with its owner as an organisation code, or raise InvalidInput."""
    doc = data if isinstance(data, ArticleDocument) else parse_document(data)
    issues = check_document(doc, ctx)
    if issues:
        raise InvalidInput(
            f"L'article « {doc.slug} » contient {len(issues)} erreur(s).", details=[i.as_dict() for i in issues]
        )
    return doc.model_copy(update={"owner": owner_code(doc.owner)})
