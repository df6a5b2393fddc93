"""Indexed documents: HTML, Markdown, DOCX and PDF files imported into collections (actualités, FAQ, guides), cut
into passages that keep their heading path, versioned by content hash and kept in step with the search index."""

from accueil.knowledge.documents.chunking import Block, Chunk, chunk_blocks, chunk_text
from accueil.knowledge.documents.jobs import create_job, get_job, job_as_dict, run_job
from accueil.knowledge.documents.readers import Limits, Parsed, Unreadable, read_document
from accueil.knowledge.documents.service import (
    COLLECTIONS,
    FileOutcome,
    ImportReport,
    delete_document,
    document_text,
    get_document,
    import_file,
    import_paths,
    list_documents,
    seed_documents,
)

__all__ = [
    "COLLECTIONS",
    "Block",
    "Chunk",
    "FileOutcome",
    "ImportReport",
    "Limits",
    "Parsed",
    "Unreadable",
    "chunk_blocks",
    "chunk_text",
    "create_job",
    "delete_document",
    "document_text",
    "get_document",
    "get_job",
    "import_file",
    "import_paths",
    "job_as_dict",
    "list_documents",
    "read_document",
    "run_job",
    "seed_documents",
]
