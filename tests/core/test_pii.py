from __future__ import annotations

import pytest

from accueil.core.pii import mask_pii


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("mon numéro de sécu 2 94 03 75 120 005 22", "120 005"),
        ("NIR 185057800608436", "0608436"),
        ("corse 1 85 05 2A 006 084 36", "084"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", "3456"),
        ("iban de7089370400440532013000", "0440532013000"),
    ],
)
def test_identifiers_are_masked(text: str, hidden: str) -> None:
    assert hidden not in mask_pii(text)


def test_plain_text_and_siret_are_kept() -> None:
    text = "SIRET 732 829 320 00074, montant 1 250,50 € le 15/03/2026"
    assert mask_pii(text) == text
    assert mask_pii("écrivez à jean@example.fr", emails=True) == "écrivez à [e-mail masqué]"
