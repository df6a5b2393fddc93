"""Imports every package's ORM models so that `metadata` is complete (Alembic, tests)."""

from accueil.conversations import models as _conversations  # noqa: F401
from accueil.core.database import Base
from accueil.identity import models as _identity  # noqa: F401
from accueil.knowledge import models as _knowledge  # noqa: F401
from accueil.knowledge.documents import models as _documents  # noqa: F401
from accueil.knowledge.search import models as _search  # noqa: F401
from accueil.livechat import models as _livechat  # noqa: F401
from accueil.referential import models as _referential  # noqa: F401
from accueil.routing import models as _routing  # noqa: F401
from accueil.understanding import models as _understanding  # noqa: F401

metadata = Base.metadata
