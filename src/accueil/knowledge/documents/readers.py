"""Read HTML, Markdown (YAML front matter), DOCX, PDF and plain-text files into titled blocks.

Every reader is defensive: size, page and character caps, a time budget, encodings tried in order
(UTF-8, then Windows-1252 with a warning), and a French message for anything it cannot read.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

import yaml

from accueil.core.errors import InvalidInput
from accueil.knowledge.documents.chunking import Block

FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".txt": "txt",
}


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 20_000_000
    max_pages: int = 500
    max_chars: int = 2_000_000
    max_unzipped_bytes: int = 100_000_000
    max_seconds: float = 30.0


@dataclass
class Parsed:
    title: str
    blocks: list[Block]
    file_format: str
    url: str | None = None
    checked: date | None = None
    publics: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Unreadable(InvalidInput):
    """A file we cannot import; `message` says why, in French."""


def file_format(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in FORMATS:
        accepted = ", ".join(sorted({s for s in FORMATS if s != ".markdown"}))
        raise Unreadable(
            f"Type de fichier non pris en charge ({suffix or 'sans extension'}) : formats acceptés {accepted}."
        )
    return FORMATS[suffix]


def decode(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1; refuse binary content."""
    if b"\x00" in data[:8192]:
        raise Unreadable("Le fichier semble binaire ou corrompu (octets nuls) : ce n'est pas du texte.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        warnings.append("Fichier non UTF-8 : lu en Windows-1252 ; vérifiez les accents.")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        warnings.append("Fichier non UTF-8 : lu en Latin-1 ; vérifiez les accents.")
    return text


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return date.fromisoformat(value.strip())
    return None


def _publics(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    codes = [str(v).strip() for v in items if str(v).strip()]
    return [] if any(c.lower() == "all" for c in codes) else codes


def _cap(text: str, limits: Limits, warnings: list[str]) -> str:
    if len(text) > limits.max_chars:
        warnings.append(f"Texte tronqué à {limits.max_chars:,} caractères.".replace(",", " "))
        return text[: limits.max_chars]
    return text


# ---------------------------------------------------------------- Markdown


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)


def read_markdown(data: bytes, name: str, limits: Limits) -> Parsed:
    from markdown_it import MarkdownIt

    warnings: list[str] = []
    text = _cap(decode(data, warnings), limits, warnings)
    meta: dict[str, Any] = {}
    if match := _FRONT_MATTER.match(text):
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise Unreadable(f"En-tête YAML illisible : {str(exc).splitlines()[0]}") from exc
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[match.end() :]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    h1: str | None = None
    pending_heading: int | None = None
    item_depth = 0
    for token in tokens:
        if token.type == "heading_open":
            pending_heading = int(token.tag[1])
        elif token.type == "inline" and pending_heading is not None:
            level, content = pending_heading, token.content.strip()
            pending_heading = None
            if level == 1 and h1 is None:
                h1 = content
                continue
            path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, content)]
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            item_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            item_depth -= 1
        elif token.type == "inline" or token.type in ("fence", "code_block"):
            content = _plain_inline(token) if token.type == "inline" else token.content
            if content.strip():
                prefix = "- " if item_depth else ""
                blocks.append(Block(tuple(h for _, h in path), prefix + content.strip()))
    title = str(meta.get("title") or h1 or PurePath(name).stem)
    return Parsed(
        title=title,
        blocks=_join_list_items(blocks),
        file_format="md",
        url=str(meta["url"]) if meta.get("url") else None,
        checked=_date(meta.get("checked")),
        publics=_publics(meta.get("publics")),
        warnings=warnings,
    )


def _plain_inline(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _join_list_items(blocks: list[Block]) -> list[Block]:
    """Consecutive list items under the same heading make one paragraph (a list is read as a whole)."""
    joined: list[Block] = []
    for block in blocks:
        if joined and block.text.startswith("- ") and joined[-1].headings == block.headings:
            joined[-1] = Block(block.headings, f"{joined[-1].text}\n{block.text}")
        else:
            joined.append(block)
    return joined


# ---------------------------------------------------------------- HTML

_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_LEAVES = {"p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption", "caption"}
_SKIPPED = {"script", "style", "nav", "header", "footer", "noscript", "template", "form", "svg", "head"}


def read_html(data: bytes, name: str, limits: Limits) -> Parsed:
    from bs4 import BeautifulSoup, NavigableString, Tag

    warnings: list[str] = []
    soup = BeautifulSoup(_cap(decode(data, warnings), limits, warnings), "html.parser")
    metas = {
        str(m.get("name", "")).lower(): str(m.get("content", ""))
        for m in soup.find_all("meta")
        if isinstance(m, Tag) and m.get("name")
    }
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    h1: list[str] = []

    def walk(node: Tag) -> None:
        nonlocal path
        for child in node.children:
            if isinstance(child, NavigableString):
                text = " ".join(str(child).split())
                if text and node.name in ("body", "div", "section", "article", "main"):
                    blocks.append(Block(tuple(h for _, h in path), text))
                continue
            if not isinstance(child, Tag) or child.name in _SKIPPED:
                continue
            text = " ".join(child.get_text(" ", strip=True).split())
            if child.name in _HEADINGS:
                level = _HEADINGS[child.name]
                if level == 1 and not h1:
                    h1.append(text)
                    continue
                path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, text)]
            elif child.name in _LEAVES and not child.find(list(_LEAVES) + list(_HEADINGS)):
                if text:
                    blocks.append(Block(tuple(h for _, h in path), ("- " if child.name == "li" else "") + text))
            else:
                walk(child)

    walk(soup.body if isinstance(soup.body, Tag) else soup)
    title_tag = soup.find("title")
    title = (h1[0] if h1 else "") or (title_tag.get_text(strip=True) if isinstance(title_tag, Tag) else "")
    return Parsed(
        title=title or PurePath(name).stem,
        blocks=_join_list_items(blocks),
        file_format="html",
        url=metas.get("url") or None,
        checked=_date(metas.get("checked")),
        publics=_publics(metas.get("publics", "")),
        warnings=warnings,
    )


# ---------------------------------------------------------------- DOCX

_DOCX_HEADING = re.compile(r"^(?:heading|titre)\s*(\d)$", re.I)


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise Unreadable("Document Word illisible : ce n'est pas un fichier .docx valide (archive corrompue).") from exc
    if size > limits.max_unzipped_bytes:
        raise Unreadable("Document Word refusé : son contenu décompressé est démesuré (fichier piégé ?).")


def read_docx(data: bytes, name: str, limits: Limits) -> Parsed:
    import docx

    _check_zip(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise Unreadable("Document Word illisible : structure interne invalide.") from exc
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    title = (document.core_properties.title or "").strip()
    chars = 0
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.lower() in ("title", "titre"):
            title = title or text
            continue
        if match := _DOCX_HEADING.match(style.strip()):
            level = int(match.group(1)) + 1
            path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, text)]
            continue
        prefix = "- " if "list" in style.lower() or "liste" in style.lower() else ""
        blocks.append(Block(tuple(h for _, h in path), prefix + text))
        chars += len(text)
        if chars > limits.max_chars:
            break
    for table in document.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(" ".join(c.text.split()) for c in row.cells))
            if any(cells):
                blocks.append(Block((), " | ".join(cells)))
    return Parsed(title=title or PurePath(name).stem, blocks=_join_list_items(blocks), file_format="docx")


# ---------------------------------------------------------------- PDF


def read_pdf(data: bytes, name: str, limits: Limits) -> Parsed:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("PDF protégé par un mot de passe : impossible d'en lire le texte.")
        pages = reader.pages
        count = len(pages)
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable("PDF illisible : fichier corrompu ou incomplet.") from exc
    if count > limits.max_pages:
        warnings.append(f"Seules les {limits.max_pages} premières pages (sur {count}) ont été lues.")
    deadline = time.monotonic() + limits.max_seconds
    blocks: list[Block] = []
    chars = 0
    for number in range(min(count, limits.max_pages)):
        if time.monotonic() > deadline:
            warnings.append(f"Lecture interrompue après {number} pages (temps dépassé).")
            break
        try:
            text = pages[number].extract_text() or ""
        except Exception:  # one damaged page must not sink the document
            warnings.append(f"Page {number + 1} illisible : ignorée.")
            continue
        for paragraph in re.split(r"\n\s*\n", text):
            cleaned = " ".join(paragraph.split())
            if cleaned:
                blocks.append(Block((f"Page {number + 1}",), cleaned))
                chars += len(cleaned)
        if chars > limits.max_chars:
            warnings.append(f"Lecture arrêtée page {number + 1} : texte trop long.")
            break
    if not blocks:
        raise Unreadable("PDF sans texte extractible (document scanné ?) : rien à indexer.")
    info_title = ""
    try:
        metadata: Any = reader.metadata or {}
        info_title = str(metadata.get("/Title") or "").strip()
    except Exception:
        info_title = ""
    return Parsed(title=info_title or PurePath(name).stem, blocks=blocks, file_format="pdf", warnings=warnings)


# ---------------------------------------------------------------- dispatch


def read_text(data: bytes, name: str, limits: Limits) -> Parsed:
    warnings: list[str] = []
    text = _cap(decode(data, warnings), limits, warnings)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return Parsed(PurePath(name).stem, [Block((), p) for p in paragraphs], "txt", warnings=warnings)


_READERS: dict[str, Callable[[bytes, str, Limits], Parsed]] = {
    "md": read_markdown,
    "html": read_html,
    "docx": read_docx,
    "pdf": read_pdf,
    "txt": read_text,
}


def read_document(name: str, data: bytes, *, limits: Limits | None = None) -> Parsed:
    """Parse one file, within the limits; raises `Unreadable` with a French message."""
    limits = limits or Limits()
    kind = file_format(name)
    if len(data) > limits.max_bytes:
        raise Unreadable(
            f"Fichier trop volumineux ({len(data) // 1_000_000} Mo ; {limits.max_bytes // 1_000_000} Mo au plus)."
        )
    if not data.strip():
        raise Unreadable("Fichier vide.")
    result: list[Parsed] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(_READERS[kind](data, name, limits))
        except BaseException as exc:  # handed over to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=target, name=f"read-{kind}", daemon=True)
    worker.start()
    worker.join(limits.max_seconds + 5)
    if worker.is_alive():  # a pathological file: give up (the daemon thread ends on its own)
        raise Unreadable(f"Lecture abandonnée : le fichier prend plus de {int(limits.max_seconds)} s à lire.")
    if failure:
        exc = failure[0]
        if isinstance(exc, InvalidInput):
            raise exc
        raise Unreadable(f"Fichier illisible ({type(exc).__name__}).") from exc
    parsed = result[0]
    if not any(b.text.strip() for b in parsed.blocks):
        raise Unreadable("Aucun texte à indexer dans ce fichier.")
    parsed.title = " ".join(parsed.title.split())[:500]
    return parsed
