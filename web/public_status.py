"""Citizens' dossier status page (/tra-cuu): opened from the receipt's QR code or by code + last 4 phone digits.

Plain HTML for phones, plus a small JSON route the page polls; every answer goes through services.public_status.
Database work runs in the thread pool (sync handlers, or run_in_threadpool) so one slow lookup never holds up the
event loop the staff screens share; a database outage is answered by web.security's handler (503).
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from db.engine import read, write
from services.core.errors import DomainError
from services.dossiers import citizen_rating
from services.dossiers.public_status import LookupRefused, dossier_id_from_token, lookup_by_code, status_by_token
from web.runtime import TEMPLATES, engine, settings
from web.security import client_ip, read_body

POLL_SECONDS = 30
MAX_FORM_BYTES = 4096
MAX_RATING_BODY = 8 * 1024


def client_key(request: Request) -> str:
    """The client's address, X-Forwarded-For believed only from the trusted proxies (web.security)."""
    return client_ip(request)


def status_page(request: Request) -> Response:
    token = request.query_params.get("t", "")
    if not token:
        return _form(request)
    try:
        with read(engine()) as conn:
            status = status_by_token(conn, secret=settings().token_secret, token=token)
            rating = citizen_rating.rating_state(
                conn, dossier_id=dossier_id_from_token(settings().token_secret, token),
                change_days=settings().rating_change_days,
            )  # fmt: skip
    except LookupRefused as exc:
        return _form(request, message=exc.message, status_code=404)
    context = {
        "status": status,
        "token": token,
        "poll_seconds": POLL_SECONDS,
        "rating": rating,
        "rated": request.query_params.get("da_danh_gia") == "1",
        "message": "",
    }
    return TEMPLATES.TemplateResponse(request, "tra_cuu_ket_qua.html", context)


async def rate(request: Request) -> Response:
    """The citizen's rating from the status page; answered by a redirect back to it (POST-redirect-GET)."""
    form = parse_qs((await read_body(request, MAX_RATING_BODY)).decode("utf-8", "replace"))
    token = form.get("t", [""])[0][:200]
    try:
        await run_in_threadpool(
            _in_write, citizen_rating.rate_by_token, secret=settings().token_secret, token=token,
            rating=form.get("muc", [""])[0], comment=form.get("y_kien", [""])[0],
            change_days=settings().rating_change_days,
        )  # fmt: skip
    except DomainError as exc:
        return _form(request, message=exc.message, status_code=400)
    return RedirectResponse(f"/tra-cuu?t={quote(token)}&da_danh_gia=1", status_code=303)


async def lookup(request: Request) -> Response:
    form = parse_qs((await read_body(request, MAX_FORM_BYTES)).decode("utf-8", "replace"))
    code = form.get("ma", [""])[0]
    phone = form.get("so", [""])[0]
    outcome = await run_in_threadpool(_lookup, code, phone, client_key(request))
    if outcome.token is None:
        return _form(request, message=outcome.message, code=code, status_code=429 if outcome.throttled else 200)
    return RedirectResponse(f"/tra-cuu?t={quote(outcome.token)}", status_code=303)


def _lookup(code: str, phone: str, client: str):
    with write(engine()) as conn:
        return lookup_by_code(conn, secret=settings().token_secret, code=code, phone_last4=phone, client_key=client)


def _in_write(service, **arguments):
    with write(engine()) as conn:
        return service(conn, **arguments)


def status_json(request: Request) -> JSONResponse:
    try:
        with read(engine()) as conn:
            status = status_by_token(conn, secret=settings().token_secret, token=request.query_params.get("t", ""))
    except LookupRefused as exc:
        return JSONResponse({"error": exc.message}, status_code=404)
    return JSONResponse(status.as_json(), headers={"Cache-Control": "no-store"})


def _form(request: Request, *, message: str = "", code: str = "", status_code: int = 200) -> Response:
    context = {"message": message, "code": code[:40]}
    return TEMPLATES.TemplateResponse(request, "tra_cuu.html", context, status_code=status_code)


def tablet_page(request: Request) -> Response:
    """The counter tablet: only the rating form of the dossier its clerk has just returned, else a waiting line."""
    token = request.query_params.get("k", "")[:100]
    try:
        with read(engine()) as conn:
            dossier = citizen_rating.tablet_dossier(
                conn, secret=settings().token_secret, token=token, change_days=settings().rating_change_days
            )
    except DomainError as exc:
        return _tablet(request, token, None, message=exc.message, status_code=403)
    return _tablet(request, token, dossier, thanks=request.query_params.get("cam_on") == "1")


async def tablet_rate(request: Request) -> Response:
    form = parse_qs((await read_body(request, MAX_RATING_BODY)).decode("utf-8", "replace"))
    token = form.get("k", [""])[0][:100]
    dossier_id = form.get("hs", [""])[0][:12]
    try:
        await run_in_threadpool(
            _in_write, citizen_rating.rate_on_tablet, secret=settings().token_secret, token=token,
            dossier_id=int(dossier_id) if dossier_id.isdigit() else 0, rating=form.get("muc", [""])[0],
            comment=form.get("y_kien", [""])[0], change_days=settings().rating_change_days,
        )  # fmt: skip
    except DomainError as exc:
        return _tablet(request, token, None, message=exc.message, status_code=400)
    return RedirectResponse(f"/danh-gia-quay?k={quote(token)}&cam_on=1", status_code=303)


def _tablet(request, token, dossier, *, message="", thanks=False, status_code=200) -> Response:
    context = {"token": token, "dossier": dossier, "message": message, "thanks": thanks, "refresh_seconds": 5}
    return TEMPLATES.TemplateResponse(request, "danh_gia_quay.html", context, status_code=status_code)
