"""Knowledge search: French analysis, BM25 full text (SQLite FTS5 / PostgreSQL), dense vectors, RRF fusion,
filters, highlighted snippets, editable synonyms, content gaps and near-duplicate detection.

Only published content is indexed: the content side indexes a version on publication and removes it on archive.
"""

from accueil.knowledge.search.embedder import Embedder, get_embedder, set_embedder, use_embedder
from accueil.knowledge.search.gaps import list_gaps, set_gap_status
from accueil.knowledge.search.service import (
    find_similar,
    index_entries,
    index_size,
    prune_vectors,
    remove_entries,
    search,
)
from accueil.knowledge.search.synonyms import (
    create_group,
    delete_group,
    list_groups,
    seed_synonyms,
    update_group,
)
from accueil.knowledge.search.types import IndexEntry, SearchHit, SearchResponse

__all__ = [
    "Embedder",
    "IndexEntry",
    "SearchHit",
    "SearchResponse",
    "create_group",
    "delete_group",
    "find_similar",
    "get_embedder",
    "index_entries",
    "index_size",
    "list_gaps",
    "list_groups",
    "prune_vectors",
    "remove_entries",
    "search",
    "seed_synonyms",
    "set_embedder",
    "set_gap_status",
    "update_group",
    "use_embedder",
]
