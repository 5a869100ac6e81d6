"""Citizens' queue pages: take a number (/lay-so/{UNIT}), follow it (/so/{token}), the hall display (/man-hinh/{UNIT}).

Plain HTML for phones and TVs; the live parts poll the small JSON routes below. A browser is recognized by a random
cookie id so the per-browser cap can be counted in the database.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from db.engine import DatabaseError, read, write
from services.core.errors import DomainError, NotFound
from services.core.pdf import qr_png
from services.queue import tickets as queue
from web.runtime import TEMPLATES, engine, settings

BROWSER_COOKIE = "motcua_queue_id"
BROWSER_COOKIE_DAYS = 30
TICKET_POLL_SECONDS = 4
DISPLAY_POLL_SECONDS = 1.5
NO_STORE = {"Cache-Control": "no-store"}


def _run(service: Callable, *, readonly: bool = True, **kwargs):
    with (read if readonly else write)(engine()) as conn:
        return service(conn, **kwargs)


def _browser_id(request: Request) -> tuple[str, bool]:
    """The browser's id and whether it is new (then the response sets the cookie)."""
    existing = request.cookies.get(BROWSER_COOKIE, "")
    if 16 <= len(existing) <= queue.BROWSER_ID_LENGTH and existing.replace("-", "").replace("_", "").isalnum():
        return existing, False
    return secrets.token_urlsafe(24), True


def _with_cookie(response: Response, browser_id: str, is_new: bool) -> Response:
    if is_new:
        response.set_cookie(
            BROWSER_COOKIE, browser_id, max_age=BROWSER_COOKIE_DAYS * 86400, httponly=True, samesite="lax"
        )
    return response


def _message_page(request: Request, message: str, status_code: int) -> Response:
    context = {"title": "Lấy số thứ tự", "message": message}
    return TEMPLATES.TemplateResponse(request, "queue_message.html", context, status_code=status_code)


# Take a number ------------------------------------------------------------------------------------------------


def take_page(request: Request) -> Response:
    browser_id, is_new = _browser_id(request)
    try:
        form = _run(queue.ticket_form, unit_code=request.path_params["unit_code"], browser_id=browser_id)
    except NotFound as exc:
        return _message_page(request, exc.message, 404)
    except DatabaseError as exc:
        return _message_page(request, str(exc), 503)
    return _with_cookie(_take_form(request, form), browser_id, is_new)


def _take_form(request: Request, form: dict, *, message: str = "", values: dict | None = None, status_code=200):
    context = {"form": form, "message": message, "values": values or {}}
    return TEMPLATES.TemplateResponse(request, "queue_take.html", context, status_code=status_code)


async def take_number(request: Request) -> Response:
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    values = {name: fields.get(name, [""])[0][:40] for name in ("nhom", "dien_thoai", "uu_tien")}
    browser_id, is_new = _browser_id(request)
    unit_code = request.path_params["unit_code"]
    try:
        ticket = await run_in_threadpool(
            _run,
            queue.issue_ticket,
            readonly=False,
            unit_code=unit_code,
            group_id=_int_or_none(values["nhom"]),
            phone=values["dien_thoai"],
            priority_id=_int_or_none(values["uu_tien"]),
            browser_id=browser_id,
        )
    except NotFound as exc:
        return _message_page(request, exc.message, 404)
    except DatabaseError as exc:
        return _message_page(request, str(exc), 503)
    except DomainError as exc:
        form = await run_in_threadpool(_run, queue.ticket_form, unit_code=unit_code, browser_id=browser_id)
        response = _take_form(request, form, message=exc.message, values=values, status_code=400)
        return _with_cookie(response, browser_id, is_new)
    return _with_cookie(RedirectResponse(f"/so/{ticket['token']}", status_code=303), browser_id, is_new)


def _int_or_none(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        return -1  # an id no group or priority has: the service answers with its message
    return int(value)


# Follow a number ----------------------------------------------------------------------------------------------


def ticket_page(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        status = _run(queue.ticket_status, token=token)
    except NotFound as exc:
        return _message_page(request, exc.message, 404)
    except DatabaseError as exc:
        return _message_page(request, str(exc), 503)
    link = f"{settings().public_base_url.rstrip('/')}/so/{token}"
    context = {
        "status": status,
        "token": token,
        "link": link,
        "qr": base64.b64encode(qr_png(link, box_size=5)).decode(),
        "poll_ms": TICKET_POLL_SECONDS * 1000,
    }
    return TEMPLATES.TemplateResponse(request, "queue_ticket.html", context, headers=NO_STORE)


def ticket_json(request: Request) -> JSONResponse:
    try:
        status = _run(queue.ticket_status, token=request.path_params["token"])
    except NotFound as exc:
        return JSONResponse({"error": exc.message}, status_code=404, headers=NO_STORE)
    except DatabaseError as exc:
        return JSONResponse({"error": str(exc)}, status_code=503, headers=NO_STORE)
    return JSONResponse(status, headers=NO_STORE)


async def cancel(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        await run_in_threadpool(_run, queue.cancel_ticket, readonly=False, token=token)
    except NotFound as exc:
        return _message_page(request, exc.message, 404)
    except DatabaseError as exc:
        return _message_page(request, str(exc), 503)
    except DomainError:
        pass  # already called or served: the ticket page shows why
    return RedirectResponse(f"/so/{token}", status_code=303)


# The hall display ---------------------------------------------------------------------------------------------


def display_page(request: Request) -> Response:
    unit_code = request.path_params["unit_code"]
    try:
        board = _run(queue.display_board, unit_code=unit_code)
    except NotFound as exc:
        return _message_page(request, exc.message, 404)
    except DatabaseError as exc:
        return _message_page(request, str(exc), 503)
    context = {"board": board, "unit_code": unit_code.upper(), "poll_ms": int(DISPLAY_POLL_SECONDS * 1000)}
    return TEMPLATES.TemplateResponse(request, "queue_display.html", context)


def display_json(request: Request) -> JSONResponse:
    try:
        board = _run(queue.display_board, unit_code=request.path_params["unit_code"])
    except NotFound as exc:
        return JSONResponse({"error": exc.message}, status_code=404, headers=NO_STORE)
    except DatabaseError as exc:
        return JSONResponse({"error": str(exc)}, status_code=503, headers=NO_STORE)
    return JSONResponse(board, headers=NO_STORE)


QUEUE_ROUTES = [
    Route("/lay-so/{unit_code}", take_page, methods=["GET"]),
    Route("/lay-so/{unit_code}", take_number, methods=["POST"]),
    Route("/so/{token}", ticket_page, methods=["GET"]),
    Route("/so/{token}/huy", cancel, methods=["POST"]),
    Route("/api/so/{token}", ticket_json, methods=["GET"]),
    Route("/man-hinh/{unit_code}", display_page, methods=["GET"]),
    Route("/api/man-hinh/{unit_code}", display_json, methods=["GET"]),
]
