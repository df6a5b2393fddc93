"""Search fixtures: a deterministic embedder for every test, and a helper that indexes entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pytest
from sqlalchemy.orm import Session

from accueil.knowledge.search import IndexEntry, index_entries, use_embedder
from accueil.knowledge.search.embedder import HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    """The hashing stand-in, counting what it embeds (to check that unchanged text is not embedded again)."""

    name = "test-counting"

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages.extend(texts)
        return super().embed_passages(texts)


@pytest.fixture(autouse=True)
def embedder() -> Iterator[CountingEmbedder]:
    with use_embedder(CountingEmbedder()) as fake:
        yield fake  # type: ignore[misc]


ZT = "zt-tests"  # every sample lives in this collection: searches filter on it (the demo KB is indexed too)
SAMPLES = [
    IndexEntry(
        key="article:t-delai",
        kind="procedure",
        title="Zt Demander un délai de paiement",
        text="Vous pouvez demander un échéancier à l'Urssaf en cas de difficultés. Le plan d'apurement étale la dette.",
        url="/kb/articles/t-delai",
        publics=("RG", "AE"),
        intents=("delai_paiement_demande",),
        collection=ZT,
        meta={"checked": "2026-01-15"},
    ),
    IndexEntry(
        key="article:t-ca",
        kind="faq",
        title="Zt Déclarer son chiffre d'affaires",
        text="Le micro-entrepreneur déclare son chiffre d'affaires chaque mois ou chaque trimestre.",
        audiences=("agent",),
        collection=ZT,
    ),
    IndexEntry(
        key="answer:t-ca#rappel",
        kind="reponse_type",
        title="Zt Rappel de la déclaration trimestrielle",
        text="Bonjour, pensez à déclarer votre chiffre d'affaires du trimestre avant la date limite.",
        audiences=("agent", "bot"),
        collection=ZT,
    ),
    IndexEntry(
        key="chunk:999001:0",
        kind="document",
        title="Zt Guide DSN › Échéances",
        text="La DSN se dépose le 5 ou le 15 du mois suivant selon l'effectif de l'entreprise.",
        collection=ZT,
        publics=("RG",),
    ),
]


@pytest.fixture
def indexed(session: Session) -> Callable[..., list[IndexEntry]]:
    def _index(entries: Sequence[IndexEntry] = SAMPLES) -> list[IndexEntry]:
        index_entries(session, list(entries))
        return list(entries)

    return _index
