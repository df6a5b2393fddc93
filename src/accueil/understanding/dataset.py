"""Training examples: the packaged YAML (data/nlu/*.yaml) checked against the taxonomy, and the fixed split.

The split is deterministic: an example belongs to the test split when the SHA-1 of its canonical
form (lower case, no accents, letters and digits) falls in the first TEST_PERCENT buckets. The same
sentence therefore always lands in the same split, whoever adds it and whenever.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from accueil.referential.taxonomy import DATA_DIR, load_taxonomy
from accueil.understanding.normalizer import canonical_key

NLU_DIR = DATA_DIR / "nlu"
OUT_OF_SCOPE = "hors_sujet"
TEST_PERCENT = 20
MIN_EXAMPLES = 30


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    source: str = "yaml"  # "yaml" (packaged), "inbox" (annotated by a formateur), or a benchmark name


def bucket(text: str, buckets: int = 100) -> int:
    """A stable bucket in [0, buckets) from the canonical form of the text."""
    digest = hashlib.sha1(canonical_key(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % buckets


def is_test(text: str) -> bool:
    return bucket(text) < TEST_PERCENT


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """(train, test) by the fixed hash rule."""
    train: list[Example] = []
    test: list[Example] = []
    for example in examples:
        (test if is_test(example.text) else train).append(example)
    return train, test


def fold_of(text: str, folds: int) -> int:
    return int(hashlib.sha1(("fold:" + canonical_key(text)).encode("utf-8")).hexdigest()[:8], 16) % folds


def load_packaged(directory: Path = NLU_DIR) -> list[Example]:
    """Every example of data/nlu/*.yaml (format: `intents: [{id, examples: [...]}]`)."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in raw.get("intents") or []:
            for text in item.get("examples") or []:
                if isinstance(text, str) and text.strip():
                    examples.append(Example(text=text.strip(), intent=str(item["id"])))
    return examples


def data_fingerprint(directory: Path = NLU_DIR, extra: Sequence[Example] = ()) -> str:
    """SHA-256 of the packaged YAML files and of the extra examples: a model trained on it is up to date."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for example in sorted(extra, key=lambda e: (e.intent, e.text)):
        digest.update(f"{example.intent}\t{example.text}\n".encode())
    return digest.hexdigest()


def merge(packaged: Sequence[Example], added: Sequence[Example]) -> list[Example]:
    """Packaged examples plus the annotated ones; an added sentence overrides a packaged duplicate."""
    overridden = {canonical_key(e.text) for e in added}
    merged = [e for e in packaged if canonical_key(e.text) not in overridden]
    seen: set[str] = set()
    for example in added:
        key = canonical_key(example.text)
        if key not in seen:
            seen.add(key)
            merged.append(example)
    return merged


@dataclass(frozen=True, slots=True)
class DataReport:
    counts: dict[str, int]
    missing: list[str]  # taxonomy intents with fewer than MIN_EXAMPLES examples
    unknown: list[str]  # intent ids of the data that the taxonomy does not know
    cross_duplicates: list[tuple[str, list[str]]]  # canonical text -> the intents that share it

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unknown or self.cross_duplicates)


def check(examples: Sequence[Example], *, minimum: int = MIN_EXAMPLES) -> DataReport:
    """What the data test guards: coverage of the taxonomy, no unknown id, no sentence in two intents."""
    taxonomy = load_taxonomy()
    counts = Counter(e.intent for e in examples)
    owners: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        owners[canonical_key(example.text)].add(example.intent)
    return DataReport(
        counts=dict(counts),
        missing=sorted(i for i in taxonomy.intents if counts.get(i, 0) < minimum),
        unknown=sorted(i for i in counts if i not in taxonomy.intents),
        cross_duplicates=sorted((key, sorted(ids)) for key, ids in owners.items() if len(ids) > 1),
    )


def training_examples(added: Sequence[Example] = ()) -> list[Example]:
    """The packaged examples of known intents, deduplicated, merged with the annotated ones."""
    known = load_taxonomy().intents
    seen: set[str] = set()
    packaged: list[Example] = []
    for example in load_packaged():
        key = canonical_key(example.text)
        if example.intent in known and key and key not in seen:
            seen.add(key)
            packaged.append(example)
    return merge(packaged, [e for e in added if e.intent in known])
