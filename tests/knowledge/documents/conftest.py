"""Document fixtures: files of every supported format written by the tests themselves, and a fake embedder."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from accueil.knowledge.search import use_embedder
from accueil.knowledge.search.embedder import HashingEmbedder


@pytest.fixture(autouse=True)
def embedder() -> Iterator[HashingEmbedder]:
    with use_embedder(HashingEmbedder()) as fake:
        yield fake  # type: ignore[misc]


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one Helvetica text line per string (WinAnsi, so accents work)."""
    count = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{4 + 2 * i} 0 R".encode() for i in range(count))
        + b"] /Count "
        + str(count).encode()
        + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        shown = b" T* ".join(
            b"(" + line.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj" for line in lines
        )
        stream = b"BT /F1 11 Tf 14 TL 60 760 Td " + shown + b" ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Guide de l'employeur"
    document.add_heading("Guide de l'employeur", 0)
    document.add_heading("Embaucher", 1)
    document.add_paragraph("Avant toute embauche, la déclaration préalable à l'embauche est obligatoire.")
    document.add_heading("Délais", 2)
    document.add_paragraph("Au plus tôt huit jours avant la prise de poste.", style="List Bullet")
    document.add_paragraph("Au plus tard avant la prise de poste.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Effectif", "Échéance DSN"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


MARKDOWN = """---
title: "Repères 2026"
url: https://www.urssaf.fr/reperes
checked: 2026-01-12
publics: [RG, AE]
---

# Repères 2026

Introduction sur les chiffres de l'année.

## Plafond de la Sécurité sociale

Le plafond annuel est de {{pass_annuel}}. Il sert au calcul des cotisations plafonnées.

### Temps partiel

- Le plafond se proratise.
- Il se calcule au mois.

## SMIC

Le SMIC horaire brut augmente au 1er janvier.
"""

HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>FAQ test</title>
<meta name="url" content="https://www.urssaf.fr/faq"><meta name="checked" content="2026-10-26">
<meta name="publics" content="RG, TI"><style>body{color:red}</style><script>alert("x")</script></head>
<body><nav>Menu à ignorer</nav><h1>FAQ employeurs</h1>
<h2>Quand déposer la DSN ?</h2><p>Le 5 ou le 15 du mois suivant.</p>
<h2>Comment payer ?</h2><ul><li>Par prélèvement</li><li>Par virement</li></ul>
<div>Texte libre dans un bloc.</div><footer>Pied à ignorer</footer></body></html>
"""
