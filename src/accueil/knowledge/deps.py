"""FastAPI dependencies of the knowledge routes: role aliases, the yearly parameters, the intent suggester."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge.access import EDITORIAL_ROLES, READER_ROLES
from accueil.knowledge.drafting import IntentSuggester
from accueil.knowledge.parameters import Parameters, load_parameters
from accueil.web.deps import SettingsDep, require_roles

log = logging.getLogger(__name__)

ReaderActor = Annotated[Actor, Depends(require_roles(*READER_ROLES))]
EditorialActor = Annotated[Actor, Depends(require_roles(*EDITORIAL_ROLES))]
WriterActor = Annotated[Actor, Depends(require_roles(Role.REDACTEUR))]
ValidatorActor = Annotated[Actor, Depends(require_roles(Role.VALIDEUR))]


def kb_parameters(settings: SettingsDep) -> Parameters:
    return load_parameters(settings.kb_parameters_file)


ParametersDep = Annotated[Parameters, Depends(kb_parameters)]


def intent_suggester(request: Request) -> IntentSuggester | None:
    """The understanding engine's ranking, or None when it cannot be loaded (the proposal says so)."""
    try:
        from accueil.understanding import shared_registry

        engine = shared_registry(request.app.state).engine()
    except Exception:  # no model, or the package is absent: drafting works without intents
        log.warning("understanding engine unavailable for drafting", exc_info=True)
        return None

    def suggest(text: str) -> list[tuple[str, float]]:
        return list(engine.parse(text).ranking)

    return suggest


SuggesterDep = Annotated[IntentSuggester | None, Depends(intent_suggester)]
