"""Enumerations of the knowledge base and the editorial workflow's allowed transitions."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class ArticleKind(StrEnum):
    PROCEDURE = "procedure"
    FAQ = "faq"
    GUIDE = "guide"
    ACTUALITE = "actualite"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: Final[Mapping[ArticleKind, str]] = {
    ArticleKind.PROCEDURE: "Procédure",
    ArticleKind.FAQ: "FAQ",
    ArticleKind.GUIDE: "Guide",
    ArticleKind.ACTUALITE: "Actualité",
}


class VersionStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: Final[Mapping[VersionStatus, str]] = {
    VersionStatus.DRAFT: "Brouillon",
    VersionStatus.IN_REVIEW: "À valider",
    VersionStatus.PUBLISHED: "Publiée",
    VersionStatus.ARCHIVED: "Archivée",
}

TRANSITIONS: Final[Mapping[VersionStatus, frozenset[VersionStatus]]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.IN_REVIEW, VersionStatus.ARCHIVED}),
    VersionStatus.IN_REVIEW: frozenset({VersionStatus.DRAFT, VersionStatus.PUBLISHED}),
    VersionStatus.PUBLISHED: frozenset({VersionStatus.ARCHIVED}),
    VersionStatus.ARCHIVED: frozenset(),
}


def can_transition(source: VersionStatus | str, target: VersionStatus | str) -> bool:
    return VersionStatus(target) in TRANSITIONS[VersionStatus(source)]


class Audience(StrEnum):
    AGENT = "agent"
    USAGER = "usager"
    BOT = "bot"


AUDIENCE_LABELS: Final[Mapping[str, str]] = {"agent": "Agents", "usager": "Usagers", "bot": "Bots"}


class NodeKind(StrEnum):
    QUESTION = "question"
    CHECK = "check"
    OUTCOME = "outcome"


NODE_KIND_LABELS: Final[Mapping[str, str]] = {"question": "Question", "check": "Vérification", "outcome": "Issue"}


class VariableType(StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    AMOUNT = "amount"
    CHOICE = "choice"


VARIABLE_TYPE_LABELS: Final[Mapping[str, str]] = {
    "text": "Texte",
    "date": "Date",
    "integer": "Nombre entier",
    "amount": "Montant (€)",
    "choice": "Choix dans une liste",
}


class Channel(StrEnum):
    EMAIL = "email"
    CHAT = "chat"
    VOICE = "voice"


CHANNEL_LABELS: Final[Mapping[str, str]] = {"email": "Courriel", "chat": "Chat", "voice": "Voix"}


class FeedbackStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


FEEDBACK_STATUS_LABELS: Final[Mapping[str, str]] = {"open": "À traiter", "resolved": "Traité"}

ALL_PUBLICS: Final = "all"

# Conversation-management intents: no knowledge article answers them.
DIALOGUE_INTENTS: Final = frozenset(
    {
        "salutation",
        "remerciement",
        "au_revoir",
        "affirmer",
        "nier",
        "hors_sujet",
        "repeter_reformuler",
        "patienter",
        "fournir_identifiant",
    }
)
