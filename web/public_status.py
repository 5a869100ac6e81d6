"""Citizens' dossier status page (/tra-cuu): opened from the receipt's QR code or by code + last 4 phone digits.

Plain HTML for phones, plus a small JSON route the page polls; every answer goes through services.public_status.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from db.engine import DatabaseError, read, write
from services.dossiers.public_status import LookupRefused, lookup_by_code, status_by_token
from web.runtime import TEMPLATES, engine, settings

POLL_SECONDS = 30


def client_key(request: Request) -> str:
    """The address the nearest proxy saw (the last X-Forwarded-For hop), else the socket's peer."""
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else (request.client.host if request.client else "unknown")


def status_page(request: Request) -> Response:
    token = request.query_params.get("t", "")
    if not token:
        return _form(request)
    try:
        with read(engine()) as conn:
            status = status_by_token(conn, secret=settings().token_secret, token=token)
    except (LookupRefused, DatabaseError) as exc:
        return _form(request, message=getattr(exc, "message", str(exc)), status_code=404)
    context = {"status": status, "token": token, "poll_seconds": POLL_SECONDS}
    return TEMPLATES.TemplateResponse(request, "tra_cuu_ket_qua.html", context)


async def lookup(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    code = form.get("ma", [""])[0]
    phone = form.get("so", [""])[0]
    try:
        with write(engine()) as conn:
            outcome = lookup_by_code(
                conn, secret=settings().token_secret, code=code, phone_last4=phone, client_key=client_key(request)
            )
    except DatabaseError as exc:
        return _form(request, message=str(exc), code=code, status_code=503)
    if outcome.token is None:
        return _form(request, message=outcome.message, code=code, status_code=429 if outcome.throttled else 200)
    token = outcome.token
    return RedirectResponse(f"/tra-cuu?t={quote(token)}", status_code=303)


def status_json(request: Request) -> JSONResponse:
    try:
        with read(engine()) as conn:
            status = status_by_token(conn, secret=settings().token_secret, token=request.query_params.get("t", ""))
    except LookupRefused as exc:
        return JSONResponse({"error": exc.message}, status_code=404)
    except DatabaseError as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)
    return JSONResponse(status.as_json(), headers={"Cache-Control": "no-store"})


def _form(request: Request, *, message: str = "", code: str = "", status_code: int = 200) -> Response:
    context = {"message": message, "code": code[:40]}
    return TEMPLATES.TemplateResponse(request, "tra_cuu.html", context, status_code=status_code)
