"""The app factory: builds the FastAPI application from Settings and mounts every package's routes."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from accueil import __version__, livechat
from accueil.assistant import api as assistant_api
from accueil.assistant import views as assistant_views
from accueil.assistant import ws as assistant_ws
from accueil.bootstrap import prepare_database
from accueil.conversations import api as conversations_api
from accueil.conversations import views as conversations_views
from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.core.logging import configure_logging
from accueil.identity import api as identity_api
from accueil.identity import views as identity_views
from accueil.knowledge import api as knowledge_api
from accueil.knowledge import editor_views as knowledge_editor_views
from accueil.knowledge import review_views as knowledge_review_views
from accueil.knowledge import views as knowledge_views
from accueil.knowledge.documents import api as documents_api
from accueil.knowledge.documents import views as documents_views
from accueil.knowledge.search import api as search_api
from accueil.knowledge.search import views as search_views
from accueil.referential import api as referential_api
from accueil.referential import views as referential_views
from accueil.understanding import api as understanding_api
from accueil.understanding import views as understanding_views
from accueil.web import views as web_views
from accueil.web.actor_cache import ActorCache
from accueil.web.errors import install_error_handlers
from accueil.web.middleware import BodySizeLimit, SecurityAndCsrf
from accueil.web.ratelimit import make_rate_limiter
from accueil.web.templating import PACKAGE_DIR, make_templates

OPENAPI_TAGS = [
    {"name": "santé", "description": "Sondes de vie et de disponibilité."},
    {"name": "identité", "description": "Connexion, utilisateurs, rôles, journal d'audit."},
    {"name": "référentiel", "description": "Publics, organisations, composants, matrice de déploiement."},
    {"name": "conversations", "description": "Conversations, messages et événements de tous les canaux."},
    {"name": "chat", "description": "Assistant pour les usagers (widget) : démarrer, envoyer un tour, reprendre. "
     "WebSocket : /api/v1/chat/ws?token=... (mêmes tours, indicateur de saisie)."},
]


def create_app(settings: Settings | None = None, *, prepare: bool = True) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    if prepare:
        prepare_database(settings, engine)

    app = FastAPI(
        title="accueil",
        version=__version__,
        description="API de la plateforme omnicanale de relation de service accueil.",
        openapi_tags=OPENAPI_TAGS,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.templates = make_templates(auto_reload=settings.environment == "development")
    app.state.actor_cache = ActorCache(ttl_s=settings.actor_cache_seconds)
    app.state.rate_limiter = make_rate_limiter(settings.redis_url)
    app.state.extra_nav = [understanding_views.NAV_ENTRY]
    app.state.extra_nav += knowledge_views.NAV_ENTRIES
    app.state.extra_nav += search_views.NAV_ENTRIES
    app.state.extra_home_cards = [*getattr(app.state, "extra_home_cards", []), *knowledge_views.HOME_CARDS]
    app.state.extra_home_cards += assistant_views.HOME_CARDS
    app.state.extra_nav += livechat.NAV_ENTRIES
    app.state.extra_home_cards += livechat.HOME_CARDS

    install_error_handlers(app)
    app.add_middleware(SecurityAndCsrf, secret=settings.secret_key, secure_cookie=settings.cookie_secure)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "web" / "static"), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="accueil — API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    for router in (
        web_views.router,
        identity_api.router,
        identity_views.router,
        referential_api.router,
        referential_views.router,
        conversations_api.router,
        conversations_views.router,
        knowledge_api.router,
        knowledge_views.router,
        knowledge_editor_views.router,
        knowledge_review_views.router,
        search_api.router,
        search_views.router,
        documents_api.router,
        documents_views.router,
        understanding_api.router,
        understanding_api.inbox_router,
        understanding_views.router,
        assistant_api.router,
        assistant_ws.router,
        assistant_views.router,
        *livechat.routers(),
    ):
        app.include_router(router)
    if prepare and settings.environment != "test":  # the NLU model trains now, not while a usager waits
        app.state.warm_up = assistant_api.warm_up_in_background(app)
    return app


def app_from_env() -> FastAPI:
    """Entry point for `uvicorn --factory accueil.web.app:app_from_env` (several workers)."""
    return create_app(Settings())
