"""What every public route shares: the client's address, streamed body limits, one set of exception handlers
(registered once on st.App, not copied into each route) and the security headers of public and staff responses."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import SettingsError
from db.engine import DatabaseError
from services.core.client_address import client_address
from web.runtime import TEMPLATES, settings

log = logging.getLogger("motcua.web")

PUBLIC_PREFIXES = ("/api/", "/public/", "/tra-cuu", "/gop-y", "/lay-so", "/so/", "/man-hinh")
# Public pages are server-rendered: scripts and styles from this origin only (the small live-update scripts in the
# queue and status templates are inline, hence 'unsafe-inline'; no page loads anything from another origin).
PUBLIC_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Streamlit's own front end needs its inline bootstrap and frames its components from this origin, so the staff app
# gets no script policy; it may not be framed by another site, and images load only from this origin (a link to an
# outside picture typed by a colleague is never fetched).
STAFF_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "img-src 'self' data: blob:",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
DATABASE_DOWN = "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."
NOT_CONFIGURED = "Hệ thống đang được cấu hình, chưa phục vụ được. Vui lòng thử lại sau."
BAD_REQUEST = "Yêu cầu không hợp lệ (số quá lớn hoặc dữ liệu lồng nhau quá sâu)."


def client_ip(request: Request) -> str:
    peer = request.client.host if request.client else ""
    return client_address(peer, request.headers.get("x-forwarded-for", ""), settings().trusted_proxies)


class BodyTooLarge(Exception):
    """The body passed its limit while being read; reading stopped there."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def too_large_message(limit: int) -> str:
    return f"Dữ liệu gửi lên quá lớn (tối đa {limit / 1024 / 1024:.0f} MB)."


def bounded(request: Request, limit: int, message: str = "") -> Request:
    """The same request whose body raises BodyTooLarge once more than `limit` bytes arrive (chunked or not)."""
    message = message or too_large_message(limit)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(message)
    received = 0

    async def receive() -> Message:
        nonlocal received
        chunk = await request.receive()
        if chunk["type"] == "http.request":
            received += len(chunk.get("body", b""))
            if received > limit:
                raise BodyTooLarge(message)
        return chunk

    return Request(request.scope, receive)


async def read_body(request: Request, limit: int, message: str = "") -> bytes:
    """The whole body, read in chunks and abandoned at the limit."""
    parts: list[bytes] = []
    async for chunk in bounded(request, limit, message).stream():
        parts.append(chunk)
    return b"".join(parts)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _answer(request: Request, status_code: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status_code, headers={"Cache-Control": "no-store"})
    context = {"title": title, "message": message}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status_code)


async def database_unavailable(request: Request, exc: Exception) -> Response:
    log.warning("database unavailable on %s: %s", request.url.path, exc)
    return _answer(request, 503, "Tạm thời gián đoạn", DATABASE_DOWN)


async def not_configured(request: Request, exc: Exception) -> Response:
    log.error("settings refused on %s: %s", request.url.path, exc)
    return _answer(request, 503, "Chưa sẵn sàng", NOT_CONFIGURED)


async def bad_request(request: Request, exc: Exception) -> Response:
    log.info("bad request on %s: %s", request.url.path, type(exc).__name__)
    return _answer(request, 400, "Yêu cầu không hợp lệ", BAD_REQUEST)


async def body_too_large(request: Request, exc: BodyTooLarge) -> Response:
    return _answer(request, 413, "Dữ liệu quá lớn", exc.message)


EXCEPTION_HANDLERS = {
    DatabaseError: database_unavailable,
    OperationalError: database_unavailable,
    InterfaceError: database_unavailable,
    SettingsError: not_configured,
    OverflowError: bad_request,  # SQLite: an integer beyond 64 bits in a path or query string
    DataError: bad_request,  # PostgreSQL: the same integer, "value out of range"
    RecursionError: bad_request,  # JSON nested thousands deep
    BodyTooLarge: body_too_large,
}


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


class SecurityHeaders:
    """Adds the headers above to every HTTP response; a route's own stricter header of the same name is kept."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = PUBLIC_HEADERS if is_public(scope["path"]) else STAFF_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


MIDDLEWARE = [Middleware(SecurityHeaders)]


def page(request: Request, template: str, context: dict, status_code: int = 200, headers: dict | None = None):
    """A citizen page from a template, with the route's security headers."""
    from web.runtime import TEMPLATES

    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(headers or {})
    return response
