"""ASGI middleware: body size cap, security headers, CSRF cookie, access log."""

from __future__ import annotations

import json
import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accueil.identity.security import is_valid_csrf_cookie, make_csrf_cookie

log = logging.getLogger("accueil.access")
CSRF_COOKIE = "accueil_csrf"

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        b"connect-src 'self' ws: wss:; frame-ancestors 'self'",
    ),
]

# Swagger UI boots with an inline script: the API documentation page alone allows it.
_DOCS_HEADERS = [h for h in _SECURITY_HEADERS if h[0] != b"content-security-policy"] + [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self' 'unsafe-inline'; frame-ancestors 'self'",
    ),
]


_UPLOAD_PATHS = ("/api/v1/kb/import", "/api/v1/kb/documents", "/kb/documents")  # imports: 20 times the limit


class BodySizeLimit:
    """Reject bodies above `max_bytes` with a French 413, without reading them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        limit = self.max_bytes * (20 if scope["path"].startswith(_UPLOAD_PATHS) else 1)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await _too_large(send)


class BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = json.dumps({"erreur": "trop_volumineux", "message": "Requête trop volumineuse."}, ensure_ascii=False)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class SecurityAndCsrf:
    """Adds security headers, gives every browser a signed CSRF cookie, logs each request as JSON."""

    def __init__(self, app: ASGIApp, secret: str, secure_cookie: bool) -> None:
        self.app, self.secret, self.secure = app, secret, secure_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _parse_cookies(scope)
        token = cookies.get(CSRF_COOKIE)
        new_cookie = None
        if not is_valid_csrf_cookie(self.secret, token):
            token = new_cookie = make_csrf_cookie(self.secret)
        scope.setdefault("state", {})["csrf_token"] = token
        request_id = uuid.uuid4().hex[:12]
        scope["state"]["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def wrapped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = _DOCS_HEADERS if scope["path"] == "/docs" else _SECURITY_HEADERS
                headers += [h for h in extra if h[0] not in present]
                headers.append((b"x-request-id", request_id.encode()))
                if new_cookie:
                    flags = "; Path=/; SameSite=Lax; HttpOnly" + ("; Secure" if self.secure else "")
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={new_cookie}{flags}".encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, wrapped_send)
        finally:
            if scope["path"] not in ("/healthz",) and not scope["path"].startswith("/static/"):
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status_holder["status"],
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "request_id": request_id,
                    },
                )


def _parse_cookies(scope: Scope) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                if "=" in part:
                    key, val = part.strip().split("=", 1)
                    cookies[key] = val
    return cookies
