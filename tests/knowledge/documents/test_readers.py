"""Readers: every format, the front matter, heading paths, encodings and defensive limits."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from accueil.knowledge.documents import Limits, Unreadable, chunk_blocks, read_document
from tests.knowledge.documents.conftest import HTML, MARKDOWN, make_docx, make_pdf


def test_markdown_front_matter_and_heading_paths() -> None:
    parsed = read_document("reperes.md", MARKDOWN.encode())
    assert parsed.title == "Repères 2026" and parsed.url == "https://www.urssaf.fr/reperes"
    assert parsed.checked == date(2026, 1, 12) and parsed.publics == ["RG", "AE"]
    paths = {b.headings: b.text for b in parsed.blocks}
    assert paths[()] == "Introduction sur les chiffres de l'année."
    assert (
        paths[("Plafond de la Sécurité sociale", "Temps partiel")]
        == "- Le plafond se proratise.\n- Il se calcule au mois."
    )
    assert ("SMIC",) in paths


def test_html_meta_headings_and_noise_removed() -> None:
    parsed = read_document("faq.html", HTML.encode())
    assert parsed.title == "FAQ employeurs" and parsed.checked == date(2026, 10, 26)
    assert parsed.publics == ["RG", "TI"] and parsed.url == "https://www.urssaf.fr/faq"
    texts = " ".join(b.text for b in parsed.blocks)
    assert "alert" not in texts and "Menu" not in texts and "Pied" not in texts and "color" not in texts
    under = [b.text for b in parsed.blocks if b.headings == ("Comment payer ?",)]
    assert under == ["- Par prélèvement\n- Par virement", "Texte libre dans un bloc."]


def test_docx_styles_give_title_and_headings() -> None:
    parsed = read_document("guide.docx", make_docx())
    assert parsed.title == "Guide de l'employeur"
    headings = [b.headings for b in parsed.blocks]
    assert ("Embaucher",) in headings and ("Embaucher", "Délais") in headings
    assert any(b.text == "Effectif | Échéance DSN" for b in parsed.blocks)


def test_pdf_text_by_page() -> None:
    parsed = read_document("note.pdf", make_pdf([["Attestation de vigilance", "Délai de délivrance"], ["Page deux"]]))
    assert parsed.file_format == "pdf" and parsed.title == "note"
    assert parsed.blocks[0].headings == ("Page 1",) and "Attestation de vigilance" in parsed.blocks[0].text
    assert "Délai" in parsed.blocks[0].text and parsed.blocks[-1].headings == ("Page 2",)


def test_windows_1252_is_read_with_a_warning() -> None:
    parsed = read_document("ancien.txt", "Échéancier accordé à l'entreprise.".encode("cp1252"))
    assert parsed.blocks[0].text == "Échéancier accordé à l'entreprise."
    assert "Windows-1252" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("name", "data", "limits", "message"),
    [
        ("virus.exe", b"MZ", None, "Type de fichier non pris en charge (.exe)"),
        ("sans-extension", b"texte", None, "non pris en charge"),
        ("vide.md", b"  \n ", None, "Fichier vide"),
        ("binaire.txt", b"abc\x00\x01\x02def", None, "binaire"),
        ("gros.md", b"x" * 200, Limits(max_bytes=100), "trop volumineux"),
        ("casse.pdf", b"%PDF-1.4\nceci n'est pas un PDF", None, "PDF illisible"),
        ("casse.docx", b"PK\x03\x04 pas une archive", None, "Document Word illisible"),
        ("entete.md", b"---\ntitle: [oups\n---\ntexte", None, "En-tête YAML illisible"),
        ("image.pdf", make_pdf([[]]), None, "sans texte extractible"),
    ],
)
def test_bad_files_get_a_french_message(name: str, data: bytes, limits: Limits | None, message: str) -> None:
    with pytest.raises(Unreadable) as error:
        read_document(name, data, limits=limits)
    assert message in error.value.message


def test_zip_bomb_docx_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "0" * 200_000)
    with pytest.raises(Unreadable, match="démesuré"):
        read_document("bombe.docx", out.getvalue(), limits=Limits(max_unzipped_bytes=100_000))


def test_long_pdf_and_text_are_capped_with_warnings() -> None:
    parsed = read_document("long.pdf", make_pdf([[f"Page numéro {i}"] for i in range(5)]), limits=Limits(max_pages=2))
    assert len(parsed.blocks) == 2 and "2 premières pages (sur 5)" in parsed.warnings[0]
    capped = read_document("long.txt", ("mot " * 1000).encode(), limits=Limits(max_chars=100))
    assert sum(len(b.text) for b in capped.blocks) <= 100 and "tronqué" in capped.warnings[0]


def test_chunks_keep_headings_and_sizes() -> None:
    paragraph = " ".join(["Le plafond de la Sécurité sociale sert au calcul."] * 12)  # ~100 words
    text = "\n\n".join(f"## Section {i}\n\n{paragraph}\n\n{paragraph}\n\n{paragraph}" for i in range(3))
    chunks = chunk_blocks(read_document("long.md", text.encode()).blocks)
    assert all(c.word_count <= 260 for c in chunks)
    assert {c.heading for c in chunks} == {"Section 0", "Section 1", "Section 2"}
    huge = chunk_blocks(read_document("mur.txt", ("mot " * 1000).encode()).blocks)
    assert [c.word_count for c in huge] == [250, 250, 250, 250]
