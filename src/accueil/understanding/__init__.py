"""Understanding: French intent detection over the taxonomy, entities with validation, calibrated
"not understood", and the learning loop (misunderstood inbox -> annotation -> retraining -> activation).

Public API (imported lazily, so that importing the ORM models stays cheap):
`record_misunderstood`, `shared_registry`, `ModelRegistry`, `NluEngine`, `ParseResult`,
`extract_entities`, `normalize`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "record_misunderstood": "accueil.understanding.service",
    "shared_registry": "accueil.understanding.registry",
    "ModelRegistry": "accueil.understanding.registry",
    "ModelUnavailable": "accueil.understanding.registry",
    "NluEngine": "accueil.understanding.engine",
    "ParseResult": "accueil.understanding.engine",
    "extract_entities": "accueil.understanding.entities",
    "normalize": "accueil.understanding.normalizer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'accueil.understanding' has no attribute {name!r}")
