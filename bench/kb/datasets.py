"""Evaluation sets read from /work/shared/datasets at bench time (never copied into the repository).

service_public_fiches (DILA / Service-Public.fr, Licence Ouverte, via etalab-ia/piaf-ml):
- corpus: the 3,588 chunks of `fiches_flat_txt_v2.jsonl` (419 fiches);
- questions: `questions_spf.json`, 535 questions whose gold is a fiche id (the question is the fiche title;
  `filtered_spf_qr_test.json` holds 105 of the same questions, so it adds nothing). Only 65 of the 535 gold
  fiches are in the 3,588-chunk corpus: that is the *strict* set. The *extended* set adds the text of the 470
  other fiches (shipped inside questions_spf.json), cut by our document chunker, so all 535 questions count.
- split: a question belongs to the tuning split when md5(fiche_id) % 10 < 4; everything we tuned was tuned
  on that split only, and the figures we report are on the other 60 % (the "test" split) and on the strict set.

cnil_faq_besoindaide (CNIL FAQ, via piaf-ml): 523 entries (title = the question, context = the answer).
56 entries have 3 paraphrased questions besides the original: those 168 paraphrases query the 523 entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from accueil.knowledge.documents.chunking import chunk_text

ROOT = Path("/work/shared/datasets")
SPF = ROOT / "service_public_fiches"
CNIL = ROOT / "cnil_faq_besoindaide"


@dataclass(frozen=True, slots=True)
class Doc:
    key: str
    group: str  # the unit a question is about (fiche id, FAQ entry id)
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    gold: str
    split: str  # tune | test


@dataclass(frozen=True)
class Benchmark:
    name: str
    docs: list[Doc]
    questions: list[Question]


def _clean(text: str) -> str:
    return text.replace("\xa0", " ").strip()


def _title_of(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:200]


def split_of(group: str) -> str:
    return "tune" if int(hashlib.md5(group.encode()).hexdigest(), 16) % 10 < 4 else "test"


def spf_chunks() -> list[Doc]:
    docs = []
    with open(SPF / "fiches_flat_txt_v2.jsonl", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            row = json.loads(line)
            text = _clean(row["text"])
            docs.append(Doc(key=f"spf:{i}", group=row["fiche_id"], title=_title_of(text), text=text))
    return docs


def spf_questions() -> list[tuple[str, str, str]]:
    rows = json.loads((SPF / "questions_spf.json").read_text(encoding="utf-8"))
    return [(fid, _clean(q), _clean(t)) for fid, q, t in rows]


def spf(extended: bool) -> Benchmark:
    docs = spf_chunks()
    in_corpus = {d.group for d in docs}
    questions = []
    for fiche_id, question, fiche_text in spf_questions():
        if fiche_id not in in_corpus:
            if not extended:
                continue
            for n, chunk in enumerate(chunk_text(fiche_text)):
                docs.append(
                    Doc(key=f"spfx:{fiche_id}:{n}", group=fiche_id, title=_title_of(chunk.text), text=chunk.text)
                )
        questions.append(Question(question, fiche_id, split_of(fiche_id)))
    return Benchmark("service_public_extended" if extended else "service_public_strict", docs, questions)


def cnil() -> Benchmark:
    data = json.loads((CNIL / "besoindaide_PIAF_V5.json").read_text(encoding="utf-8"))["data"]
    docs, questions = [], []
    for entry in data:
        group = f"cnil:{entry['id']}"
        context = " ".join(_clean(p["context"]) for p in entry["paragraphs"])
        docs.append(Doc(key=group, group=group, title=_clean(entry["title"]), text=context))
        asked = [_clean(q["question"]) for p in entry["paragraphs"] for q in p["qas"]]
        if len(asked) >= 4:
            questions += [Question(q, group, "test") for q in asked if q != _clean(entry["title"])]
    return Benchmark("cnil_paraphrases", docs, questions)
