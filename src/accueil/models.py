"""Imports every package's ORM models so that `metadata` is complete (Alembic, tests)."""

from accueil.conversations import models as _conversations  # noqa: F401
from accueil.core.database import Base
from accueil.identity import models as _identity  # noqa: F401
from accueil.referential import models as _referential  # noqa: F401

metadata = Base.metadata
