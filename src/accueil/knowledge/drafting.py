"""Help for content integration: from a pasted text, propose a draft article (extractive, rule-based).

Sentence segmentation, heading detection and imperative-verb step detection give the title, context,
prerequisites and steps; vocabulary gives the publics; the understanding engine (a seam) gives intents;
yearly figures equal to a known parameter become `{{param}}`. Nothing is saved here: the rédacteur edits
the proposal and creates it through the normal workflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from unidecode import unidecode

from accueil.knowledge.choices import DIALOGUE_INTENTS, ArticleKind
from accueil.knowledge.parameters import Parameters

IntentSuggester = Callable[[str], Sequence[tuple[str, float]]]
MIN_INTENT_SCORE = 0.15
RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "kb" / "drafting.yaml"


@dataclass(frozen=True, slots=True)
class Rules:
    public_vocabulary: dict[str, tuple[str, ...]]
    imperatives: frozenset[str]
    prerequisite_markers: tuple[str, ...]
    abbreviations: frozenset[str]


@lru_cache(maxsize=1)
def rules() -> Rules:
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    forms: set[str] = set()
    for verb in raw["procedure_verbs"]:
        folded = fold(verb)
        forms.add(folded)
        if folded.endswith(("er", "ir", "re")):
            stem = folded[:-2]
            forms.update({stem + "ez", stem + "issez"})
    return Rules(
        public_vocabulary={code: tuple(words) for code, words in raw["public_vocabulary"].items()},
        imperatives=frozenset(forms),
        prerequisite_markers=tuple(raw["prerequisite_markers"]),
        abbreviations=frozenset(str(a) for a in raw["abbreviations"]),
    )


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(A-ZÀ-ÖØ-Þ0-9])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)°])\s+(.*)$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")
_AMOUNT = re.compile(r"\b\d{1,3}(?:[  \u202f]?\d{3})*(?:,\d{1,2})?\s?(?:€|euros?)")
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


def fold(text: str) -> str:
    return unidecode(text).lower()


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; a period after a common abbreviation does not end a sentence."""
    parts = _SENTENCE_END.split(" ".join(text.split()))
    sentences: list[str] = []
    for part in parts:
        previous = sentences[-1] if sentences else ""
        last_word = previous.rstrip(".").rsplit(" ", 1)[-1] if previous else ""
        if previous and last_word in rules().abbreviations:
            sentences[-1] = f"{previous} {part}"
        elif part.strip():
            sentences.append(part.strip())
    return sentences


def is_heading(line: str, next_line: str = "") -> bool:
    stripped = line.strip()
    if not stripped or _LIST_ITEM.match(stripped):
        return False
    if _MD_HEADING.match(stripped):
        return True
    if len(stripped) <= 80 and stripped.endswith(":"):
        return True
    letters = [c for c in stripped if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return True
    return (
        len(stripped) <= 70 and stripped[-1] not in ".!?;,:" and bool(next_line.strip()) and len(stripped.split()) <= 10
    )


def is_step(sentence: str) -> bool:
    words = fold(sentence).replace("’", "'").split()
    if not words:
        return False
    first = words[0].strip(",;:")
    return first in rules().imperatives or first.split("-")[0] in rules().imperatives


def slugify(text: str, *, max_length: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "nouvel-article"


def detect_publics(text: str) -> list[tuple[str, list[str]]]:
    """Publics whose vocabulary appears, most mentioned first, with the words found."""
    folded = fold(text)
    found: list[tuple[str, list[str], int]] = []
    for code, words in rules().public_vocabulary.items():
        hits = [w for w in words if re.search(rf"\b{re.escape(w)}", folded)]
        if hits:
            found.append((code, hits, sum(folded.count(w) for w in hits)))
    found.sort(key=lambda item: -item[2])
    return [(code, hits) for code, hits, _ in found]


def parametrize(text: str, parameters: Parameters) -> tuple[str, list[str]]:
    """Replace figures equal to a configured yearly value by `{{param}}`."""
    used: list[str] = []
    for name, param in parameters.items():
        value = param.value.strip()
        if any(c.isdigit() for c in value) and ("€" in value or "%" in value) and value in text:
            text = text.replace(value, "{{" + name + "}}")
            used.append(name)
    return text, used


@dataclass
class Proposal:
    document: dict[str, Any]
    publics_found: list[tuple[str, list[str]]] = field(default_factory=list)
    intents_found: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duplicates: list[Any] = field(default_factory=list)


def _structure(text: str) -> tuple[str | None, list[tuple[str | None, list[str]]]]:
    """(title, sections): each section is a heading (or None) with its paragraphs and list items."""
    lines = text.replace("\r\n", "\n").split("\n")
    title: str | None = None
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            sections[-1][1].append(" ".join(paragraph))
            paragraph.clear()

    for i, line in enumerate(lines):
        following = next((x for x in lines[i + 1 :] if x.strip()), "")
        item = _LIST_ITEM.match(line)
        if not line.strip():
            flush()
        elif item:
            flush()
            sections[-1][1].append("• " + item.group(1).strip())
        elif not paragraph and is_heading(line, following):
            flush()
            md = _MD_HEADING.match(line)
            heading = (md.group(1) if md else line).strip().rstrip(":").strip()
            if title is None and not any(body for _, body in sections):
                title = heading
            else:
                sections.append((heading, []))
        else:
            paragraph.append(line.strip())
    flush()
    return title, sections


def propose(
    text: str,
    *,
    parameters: Parameters,
    owner: str = "national",
    suggest_intents: IntentSuggester | None = None,
    today: date | None = None,
) -> Proposal:
    text = text.strip()
    title, sections = _structure(text)
    context: list[str] = []  # paragraphs
    steps: list[str] = []
    prerequisites: list[str] = []
    for heading, body in sections:
        heading_folded = fold(heading or "")
        for chunk in body:
            if chunk.startswith("• "):
                item = chunk[2:]
                is_prereq = any(m in heading_folded for m in ("prerequis", "condition", "pieces", "documents"))
                (prerequisites if is_prereq else steps).append(item)
                continue
            kept: list[str] = []
            for sentence in split_sentences(chunk):
                folded = fold(sentence)
                if is_step(sentence):
                    steps.append(sentence)
                elif any(marker in folded for marker in rules().prerequisite_markers) and len(sentence) < 300:
                    prerequisites.append(sentence)
                else:
                    kept.append(sentence)
            if kept:
                context.append(" ".join(kept))
    sentences = [s for paragraph in context for s in split_sentences(paragraph)]
    first_sentence = (sentences or steps or [text[:200]])[0]
    title = (title or first_sentence)[:120].rstrip(" .")
    summary = " ".join(sentences[:2])[:400] if sentences else first_sentence[:400]
    kind = ArticleKind.PROCEDURE if len(steps) >= 2 else ArticleKind.FAQ
    context_text = "\n\n".join(context)
    notes: list[str] = []
    context_text, used_ctx = parametrize(context_text, parameters)
    steps = [parametrize(s, parameters)[0] for s in steps]
    prerequisites = [parametrize(p, parameters)[0] for p in prerequisites]
    summary = parametrize(summary, parameters)[0]
    if used_ctx:
        notes.append(
            "Chiffres annuels remplacés par des paramètres : " + ", ".join(f"{{{{{n}}}}}" for n in used_ctx) + "."
        )
    publics = detect_publics(text)
    intents: list[tuple[str, float]] = []
    if suggest_intents is None:
        notes.append("Moteur de compréhension indisponible : aucune intention proposée, choisissez-les vous-même.")
    else:
        ranked = suggest_intents(f"{title}. {summary}")
        intents = [(i, s) for i, s in ranked if s >= MIN_INTENT_SCORE and i not in DIALOGUE_INTENTS][:3]
        if not intents:
            notes.append("Le moteur de compréhension n'a reconnu aucune intention avec assez de confiance.")
    if not steps and kind == ArticleKind.PROCEDURE:
        notes.append("Aucune étape détectée : ajoutez-les.")
    document: dict[str, Any] = {
        "slug": slugify(title),
        "kind": kind.value,
        "title": title,
        "summary": summary,
        "publics": [code for code, _ in publics[:4]] or ["all"],
        "audiences": ["agent"],
        "intents": [i for i, _ in intents],
        "owner": owner,
        "review_by": ((today or date.today()) + timedelta(days=365)).isoformat(),
        "keywords": [],
        "blocks": {
            "context": context_text + ("\n" if context_text else ""),
            "prerequisites": prerequisites,
            "steps": steps if kind == ArticleKind.PROCEDURE else [],
            "answer": "" if kind == ArticleKind.PROCEDURE else context_text or summary,
        },
        "tree": None,
        "answers": candidate_answers(title, summary, steps, context_text),
        "sources": [],
    }
    return Proposal(document=document, publics_found=publics, intents_found=intents, notes=notes)


def _variables(text: str) -> tuple[str, list[dict[str, str]]]:
    variables: list[dict[str, str]] = []
    if _AMOUNT.search(text):
        text = _AMOUNT.sub("{montant}", text)
        variables.append({"name": "montant", "type": "amount", "label": "Montant"})
    if _DATE.search(text):
        text = _DATE.sub("{date}", text)
        variables.append({"name": "date", "type": "date", "label": "Date"})
    return text, variables


def candidate_answers(title: str, summary: str, steps: list[str], context: str) -> list[dict[str, Any]]:
    """One candidate suggested answer built from the summary and the steps (amounts and dates as variables)."""
    body = summary if not steps else summary + "\n\n" + "\n".join(f"- {s}" for s in steps[:8])
    if not body.strip():
        return []
    body, variables = _variables(body)
    chat = " ".join(body.replace("\n- ", " ").split())[:600]
    voice = " ".join(split_sentences(_variables(summary)[0])[:2])[:300] or chat[:300]
    return [
        {
            "id": "reponse_principale",
            "title": f"Réponse : {title}"[:300],
            "variables": variables,
            "variants": {"email": f"Madame, Monsieur,\n\n{body}\n\nVotre Urssaf\n", "chat": chat, "voice": voice},
        }
    ]
