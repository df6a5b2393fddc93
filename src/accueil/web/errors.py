"""One place that maps errors to French responses: JSON under /api, HTML pages elsewhere. No stack traces."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from accueil.core.errors import DomainError
from accueil.web.deps import LoginRequired
from accueil.web.middleware import BodyTooLarge
from accueil.web.templating import render

log = logging.getLogger("accueil.errors")

_HTTP_MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise.",
    403: "Accès refusé.",
    404: "Page ou ressource introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge.",
    429: "Trop de requêtes : merci de patienter avant de réessayer.",
}

_FIELD_MESSAGES = {
    "missing": "champ obligatoire",
    "json_invalid": "JSON mal formé",
    "string_type": "texte attendu",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "bool_parsing": "booléen attendu",
    "bool_type": "booléen attendu",
    "float_parsing": "nombre attendu",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "enum": "valeur non autorisée",
    "literal_error": "valeur non autorisée",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_attributes_type": "objet JSON attendu",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "value_error": "valeur invalide",
    "extra_forbidden": "champ non autorisé",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")[:40]


def _respond(request: Request, status: int, code: str, message: str, details: Any = None) -> Response:
    if _is_api(request):
        body: dict[str, Any] = {"erreur": code, "message": message}
        if details is not None:
            body["details"] = details
        return JSONResponse(body, status_code=status)
    return render(request, "error.html", {"status": status, "message": message, "details": details}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return _respond(request, exc.status_code, exc.code, exc.message, exc.details)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/connexion?suivant={quote(request.url.path)}", status_code=303)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _respond(request, 413, "trop_volumineux", _HTTP_MESSAGES[413])

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = []
        for error in exc.errors():
            location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
            details.append(
                {
                    "champ": location or "requête",
                    "probleme": _FIELD_MESSAGES.get(error.get("type", ""), "valeur invalide"),
                }
            )
        return _respond(request, 422, "donnees_invalides", "Certaines données envoyées sont invalides.", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = _HTTP_MESSAGES.get(exc.status_code, "Erreur.")
        standard = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else ""
        if isinstance(exc.detail, str) and exc.detail and exc.detail != standard:
            message = exc.detail
        response = _respond(request, exc.status_code, "erreur_http", message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"path": request.url.path})
        return _respond(
            request,
            500,
            "erreur_interne",
            "Une erreur interne est survenue. Elle a été enregistrée ; réessayez plus tard.",
        )
