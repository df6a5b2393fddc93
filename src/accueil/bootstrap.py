"""Prepare a database: migrate, then load the referential and (optionally) the demo data. Idempotent."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.models import Conversation
from accueil.core.config import Settings
from accueil.core.database import make_sessionmaker
from accueil.core.migrate import exclusive_lock, upgrade
from accueil.identity.models import User
from accueil.identity.service import UserInput, create_user
from accueil.knowledge.indexing import index_pending_in_background
from accueil.knowledge.loader import seed_demo_kb
from accueil.knowledge.parameters import load_parameters
from accueil.referential.seed import seed_referential

log = logging.getLogger(__name__)
DEMO_USERS_FILE = Path(__file__).resolve().parent / "data" / "demo_users.yaml"
DEMO_PASSWORD_ENV = "ACCUEIL_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "Accueil-demo-2026"


def prepare_database(settings: Settings, engine: Engine, *, demo: bool | None = None) -> dict[str, int]:
    lock_dir = settings.data_dir
    upgrade(engine, lock_dir)
    with exclusive_lock(engine, lock_dir), make_sessionmaker(engine).begin() as session:
        added = seed_referential(session)
        if settings.demo_data if demo is None else demo:
            added["users"] = seed_demo_users(session)
            added["conversations"] = seed_demo_conversations(session)
            kb_parameters = load_parameters(settings.kb_parameters_file)  # embeddings take seconds: outside tests,
            added["kb_articles"] = seed_demo_kb(session, parameters=kb_parameters, index=settings.environment == "test")
    if "kb_articles" in added and settings.environment != "test":  # the demo articles are indexed after start-up
        index_pending_in_background(engine, lock_dir, parameters=kb_parameters)
    log.info("database ready", extra={"added": added})
    return added


def seed_demo_users(session: Session) -> int:
    password = os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)
    data = yaml.safe_load(DEMO_USERS_FILE.read_text(encoding="utf-8"))
    existing = set(session.scalars(select(User.email)))
    added = 0
    for item in data["users"]:
        if item["email"] in existing:
            continue
        create_user(
            session,
            UserInput(
                email=item["email"],
                full_name=item["full_name"],
                roles=tuple(item["roles"]),
                organisation_codes=tuple(item.get("organisations", ())),
                skills=tuple(item.get("skills", ())),
                max_chats=item.get("max_chats", 3),
                password=password,
            ),
            actor=None,
        )
        added += 1
    return added


def seed_demo_conversations(session: Session) -> int:
    """Two archived demo conversations, one per region, so organisation isolation is visible."""
    if session.scalar(select(Conversation.id).where(Conversation.usager_ref.like("demo-%"))) is not None:
        return 0
    samples = [
        ("URS_IDF", "RG", "demo-idf-1", "Bonjour, je n'arrive pas à obtenir mon attestation de vigilance."),
        ("URS_PAC", "AE", "demo-paca-1", "Je voudrais un délai pour payer mes cotisations du 3e trimestre."),
    ]
    for org, public, ref, text in samples:
        conversation = conversations.start_conversation(
            session, channel="chat", public_code=public, organisation_code=org, usager_ref=ref
        )
        conversations.append_message(session, conversation, author_kind="usager", text=text)
        conversations.append_message(
            session, conversation, author_kind="bot", text="Je vous mets en relation avec un conseiller."
        )
        conversations.set_status(session, conversation, "queued")
    return len(samples)
