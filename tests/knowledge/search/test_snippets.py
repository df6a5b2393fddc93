"""Highlighted snippets: escaped text, <mark> around matched words, the best passage."""

from __future__ import annotations

from accueil.knowledge.search.analysis import analyse
from accueil.knowledge.search.snippets import snippet_html


def test_marks_matched_words_and_escapes_everything_else() -> None:
    html = snippet_html("<script>alert(1)</script> L'attestation & la <b>vigilance</b>", set(analyse("attestation")))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;/script&gt;" in html and "&amp;" in html
    assert "<mark>attestation</mark>" in html
    assert html.count("<mark>") == 1


def test_a_marked_word_cannot_inject_markup() -> None:
    html = snippet_html('<img src=x onerror="alert(1)">attestation', {"attest", "img", "src", "onerror"})
    assert "<img" not in html and 'onerror="' not in html
    assert "=&quot;alert(1)&quot;&gt;<mark>attestation</mark>" in html


def test_picks_the_passage_with_the_most_query_terms() -> None:
    filler = " ".join(f"mot{i}" for i in range(80))
    text = f"Début sans rapport. {filler} Ici le délai de paiement et l'échéancier. {filler}"
    html = snippet_html(text, set(analyse("délai échéancier")))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>délai</mark>" in html and "<mark>échéancier</mark>" in html


def test_without_match_shows_the_beginning() -> None:
    assert snippet_html("Premier paragraphe. Suite.", {"zzz"}) == "Premier paragraphe. Suite."
