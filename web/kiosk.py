"""The entrance kiosk: a touch screen that issues printed numbers to citizens without a phone (/kiosk/{UNIT}).

It needs the unit's kiosk key (?khoa=…), set by the unit's queue manager; the printed slip is an 80 mm PDF.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.errors import DomainError, NotFound, PermissionDenied
from services.queue import printed as queue_print
from web.queue import NO_STORE, _int_or_none, _message_page, _run
from web.runtime import TEMPLATES, settings


def _page(request: Request, form: dict, key: str, *, message: str = "", ticket: dict | None = None, status=200):
    context = {"form": form, "key": key, "key_q": quote(key), "message": message, "ticket": ticket}
    return TEMPLATES.TemplateResponse(request, "kiosk.html", context, status_code=status, headers=NO_STORE)


def kiosk_page(request: Request) -> Response:
    key = request.query_params.get("khoa", "")[: queue_print.MAX_KEY_LENGTH]
    try:
        form = _run(queue_print.kiosk_form, unit_code=request.path_params["unit_code"], key=key)
    except (NotFound, PermissionDenied) as exc:
        return _message_page(request, exc.message, 403)
    return _page(request, form, key)


async def kiosk_take(request: Request) -> Response:
    body = (await request.body())[:2000]
    fields = parse_qs(body.decode("utf-8", "replace"))
    values = {name: fields.get(name, [""])[0][: queue_print.MAX_KEY_LENGTH] for name in ("khoa", "nhom", "uu_tien")}
    unit_code = request.path_params["unit_code"]
    try:
        ticket = await run_in_threadpool(
            _run,
            queue_print.kiosk_issue,
            readonly=False,
            unit_code=unit_code,
            key=values["khoa"],
            group_id=_int_or_none(values["nhom"]),
            priority_id=_int_or_none(values["uu_tien"]),
        )
        form = await run_in_threadpool(_run, queue_print.kiosk_form, unit_code=unit_code, key=values["khoa"])
    except (NotFound, PermissionDenied) as exc:
        return _message_page(request, exc.message, 403)
    except DomainError as exc:
        form = await run_in_threadpool(_run, queue_print.kiosk_form, unit_code=unit_code, key=values["khoa"])
        return _page(request, form, values["khoa"], message=exc.message, status=400)
    return _page(request, form, values["khoa"], ticket=ticket)


def ticket_slip(request: Request) -> Response:
    """The printable slip of a ticket; anyone holding the ticket's link may print it, as they may open it."""
    token = request.path_params["token"]
    try:
        data = _run(queue_print.ticket_pdf, token=token, base_url=settings().public_base_url)
    except NotFound as exc:
        return _message_page(request, exc.message, 404)
    headers = {**NO_STORE, "Content-Disposition": 'inline; filename="so-thu-tu.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)


KIOSK_ROUTES = [
    Route("/kiosk/{unit_code}", kiosk_page, methods=["GET"]),
    Route("/kiosk/{unit_code}", kiosk_take, methods=["POST"]),
    Route("/so/{token}/phieu.pdf", ticket_slip, methods=["GET"]),
]
