"""Knowledge fixtures: actors of the demo accounts, the packaged parameters, a valid article document."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.identity.access import Actor
from accueil.identity.models import User
from accueil.identity.service import UserInput, actor_for, create_user
from accueil.knowledge.parameters import Parameters, load_parameters

SAMPLE: dict[str, Any] = {
    "slug": "test-attestation-exemple",
    "kind": "procedure",
    "title": "Test | Délivrer une attestation",
    "summary": "Article de test : délivrer une attestation au cotisant.",
    "publics": ["RG", "AE"],
    "audiences": ["agent", "bot"],
    "intents": ["attestation_vigilance_obtenir"],
    "owner": "national",
    "review_by": "2027-06-30",
    "keywords": ["attestation"],
    "blocks": {
        "context": "Le plafond est de {{pass_annuel}}.\n",
        "prerequisites": ["Cotisant authentifié."],
        "steps": ["Vérifier le compte.", "Envoyer l'attestation."],
    },
    "tree": {
        "start": "q_compte",
        "nodes": [
            {
                "id": "q_compte",
                "kind": "question",
                "text": "Le compte est-il à jour ?",
                "usager": True,
                "branches": [{"label": "Oui", "next": "o_envoyer"}, {"label": "Non", "next": "c_dette"}],
            },
            {
                "id": "c_dette",
                "kind": "check",
                "text": "Vérifier la dette dans WATT.",
                "branches": [
                    {"label": "Dette soldable", "next": "o_envoyer"},
                    {"label": "Dette lourde", "next": "o_refus"},
                ],
            },
            {"id": "o_envoyer", "kind": "outcome", "text": "Envoyer l'attestation.", "answers": ["envoi"]},
            {"id": "o_refus", "kind": "outcome", "text": "Expliquer le refus.", "answers": []},
        ],
    },
    "answers": [
        {
            "id": "envoi",
            "title": "Envoi de l'attestation",
            "variables": [
                {"name": "date_envoi", "type": "date", "label": "Date d'envoi"},
                {"name": "montant", "type": "amount", "label": "Montant"},
                {"name": "nombre", "type": "integer", "label": "Nombre"},
                {"name": "canal", "type": "choice", "label": "Canal", "options": ["courrier", "espace en ligne"]},
            ],
            "variants": {
                "email": (
                    "Madame, Monsieur,\nEnvoyée le {date_envoi} par {canal} : {montant}, {nombre} pages. "
                    "PASS {{pass_annuel}}."
                ),
                "chat": "Envoyée le {date_envoi} ({montant}).",
                "voice": "Votre attestation part le {date_envoi}.",
            },
        }
    ],
    "sources": [{"title": "Urssaf", "url": "https://www.urssaf.fr", "checked": "2026-01-15"}],
}


@pytest.fixture
def sample() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE)


@pytest.fixture
def params() -> Parameters:
    return load_parameters()


@pytest.fixture
def actor(session: Session) -> Callable[[str], Actor]:
    def _actor(email: str) -> Actor:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        return actor_for(session, user)

    return _actor


@pytest.fixture
def make_user(session: Session) -> Callable[..., Actor]:
    def _make(email: str, roles: tuple[str, ...], orgs: tuple[str, ...]) -> Actor:
        user = create_user(
            session,
            UserInput(
                email=email,
                full_name=email.split("@")[0],
                roles=roles,
                organisation_codes=orgs,
                password="Motdepasse-test-123",
            ),
            actor=None,
        )
        return actor_for(session, user)

    return _make
