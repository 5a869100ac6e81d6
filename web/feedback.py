"""Citizens' feedback pages (Góp ý): submit, follow by code, rate, and the public board of answers.

Plain HTML from Jinja2 templates (autoescaped: user text always shows as text), one small JSON route the follow
page polls. Database work runs in the thread pool so the event loop Streamlit shares never blocks.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from db.engine import DatabaseError, read, write
from services.core.errors import DomainError, NotFound, PermissionDenied
from services.core.files import store_from_settings
from services.feedback import items as service
from services.feedback.classifier import CATEGORIES
from web.runtime import TEMPLATES, engine, settings

log = logging.getLogger("motcua.web.feedback")
CLIENT_COOKIE = "gopy_client"
MAX_REQUEST_BYTES = 45 * 1024 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
UNEXPECTED = "Đã xảy ra lỗi không mong muốn; phản ánh chưa được lưu. Vui lòng thử lại sau ít phút."


async def _in_transaction(function, *args, writes: bool = False, **kwargs):
    def run():
        with (write if writes else read)(engine()) as conn:
            return function(conn, *args, **kwargs)

    return await run_in_threadpool(run)


def _page(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


def _error_page(request: Request, message: str, status_code: int) -> Response:
    return _page(request, "feedback_message.html", {"message": message}, status_code)


def _keyed(kind: str, value: str) -> str:
    """Only a keyed hash of the browser token or the address is stored, never the address itself."""
    secret = settings().token_secret.encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _client_ip(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded:
        return forwarded.split(",")[-1].strip()  # the hop our own load balancer appended
    return request.client.host if request.client else ""


async def submit_form(request: Request) -> Response:
    try:
        context = {"units": await _in_transaction(service.public_units), "values": {"hide_name": True}}
    except DatabaseError as exc:
        return _error_page(request, exc.args[0], 503)
    response = _page(request, "feedback_form.html", context)
    if not request.cookies.get(CLIENT_COOKIE):
        response.set_cookie(
            CLIENT_COOKIE, secrets.token_urlsafe(18), max_age=365 * 86400, httponly=True, samesite="lax"
        )
    return response


async def submit(request: Request) -> Response:
    if int(request.headers.get("content-length") or 0) > MAX_REQUEST_BYTES:
        return _error_page(request, "Dữ liệu gửi lên quá lớn (tối đa 5 ảnh, mỗi ảnh 8 MB).", 413)
    values: dict = {}
    try:
        form = await request.form(max_files=10, max_fields=40, max_part_size=1024 * 1024)
        values = {
            key: form.get(key, "") for key in ("unit_id", "title", "content", "address", "name", "phone", "email")
        }
        values["hide_name"] = form.get("hide_name") == "1"
        photos = [
            (upload.filename or "anh", await upload.read())
            for upload in form.getlist("photos")
            if isinstance(upload, UploadFile) and upload.filename
        ]
        result = await _in_transaction(
            service.submit_feedback,
            writes=True,
            store=store_from_settings(settings()),
            item=_new_feedback(values),
            photos=photos,
            browser_key=_keyed("browser", request.cookies.get(CLIENT_COOKIE, ""))
            if request.cookies.get(CLIENT_COOKIE)
            else "",
            ip_key=_keyed("ip", _client_ip(request)),
        )
    except (DomainError, DatabaseError) as exc:
        return await _form_again(request, values, getattr(exc, "message", str(exc)))
    except Exception:
        log.exception("feedback submission failed")
        return await _form_again(request, values, UNEXPECTED, 500)
    return RedirectResponse(f"/gop-y/theo-doi?{urlencode({'ma': result['code'], 'moi': 1})}", status_code=303)


def _new_feedback(values: dict) -> service.NewFeedback:
    unit = str(values.get("unit_id") or "")
    return service.NewFeedback(
        unit_id=int(unit) if unit.isdigit() else None,
        title=str(values.get("title") or ""),
        content=str(values.get("content") or ""),
        address=str(values.get("address") or ""),
        contact_name=str(values.get("name") or ""),
        contact_phone=str(values.get("phone") or ""),
        contact_email=str(values.get("email") or ""),
        hide_name=bool(values.get("hide_name")),
    )


async def _form_again(request: Request, values: dict, message: str, status_code: int = 400) -> Response:
    try:
        units = await _in_transaction(service.public_units)
    except DatabaseError:
        units = []
    values = {key: value for key, value in values.items() if isinstance(value, str | bool)}
    return _page(request, "feedback_form.html", {"units": units, "values": values, "error": message}, status_code)


NOTICES = {
    "rated": "Cảm ơn bạn đã đánh giá.",
    "reopened": "Phản ánh đã được mở lại và chuyển tới đơn vị xử lý.",
    "info": "Đã gửi thông tin bổ sung.",
}


async def follow(request: Request) -> Response:
    code = request.query_params.get("ma", "").strip()
    if not code:
        return _page(request, "feedback_follow.html", {"item": None})
    try:
        item = await _in_transaction(service.citizen_view, code=code)
    except NotFound as exc:
        return _page(request, "feedback_follow.html", {"item": None, "error": exc.message, "code": code}, 404)
    except DatabaseError as exc:
        return _error_page(request, exc.args[0], 503)
    context = {
        "item": item,
        "new": request.query_params.get("moi") == "1",
        "link": f"{settings().public_base_url.rstrip('/')}/gop-y/theo-doi?{urlencode({'ma': item['code']})}",
        "notice": NOTICES.get(request.query_params.get("tb", ""), ""),
    }
    return _page(request, "feedback_follow.html", context)


async def rate(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    code = str(form.get("ma", ""))
    try:
        result = await _in_transaction(
            service.rate_answer,
            writes=True,
            code=code,
            satisfied=form.get("rating") == "satisfied",
            comment=str(form.get("comment", "")),
        )
    except (DomainError, DatabaseError) as exc:
        return _error_page(request, getattr(exc, "message", str(exc)), 400)
    notice = "reopened" if result["reopened"] else "rated"
    return RedirectResponse(f"/gop-y/theo-doi?{urlencode({'ma': code, 'tb': notice})}", status_code=303)


async def add_information(request: Request) -> Response:
    if int(request.headers.get("content-length") or 0) > MAX_REQUEST_BYTES:
        return _error_page(request, "Dữ liệu gửi lên quá lớn (tối đa 5 ảnh, mỗi ảnh 8 MB).", 413)
    form = await request.form(max_files=10, max_fields=10, max_part_size=1024 * 1024)
    code = str(form.get("ma", ""))
    photos = [
        (upload.filename or "anh", await upload.read())
        for upload in form.getlist("photos")
        if isinstance(upload, UploadFile) and upload.filename
    ]
    try:
        await _in_transaction(
            service.add_information,
            writes=True,
            store=store_from_settings(settings()),
            code=code,
            text=str(form.get("text", "")),
            photos=photos,
        )
    except (DomainError, DatabaseError) as exc:
        return _error_page(request, getattr(exc, "message", str(exc)), 400)
    return RedirectResponse(f"/gop-y/theo-doi?{urlencode({'ma': code, 'tb': 'info'})}", status_code=303)


async def status_json(request: Request) -> JSONResponse:
    try:
        summary = await _in_transaction(service.status_summary, code=request.query_params.get("ma", ""))
    except NotFound as exc:
        return JSONResponse({"error": exc.message}, status_code=404)
    except DatabaseError as exc:
        return JSONResponse({"error": exc.args[0]}, status_code=503)
    return JSONResponse(summary, headers={"Cache-Control": "no-store"})


async def photo(request: Request) -> Response:
    try:
        found = await _in_transaction(
            service.photo_for_citizen,
            photo_id=int(request.path_params["photo_id"]),
            code=request.query_params.get("ma"),
        )
        data = await run_in_threadpool(store_from_settings(settings()).get, found["storage_key"])
    except (NotFound, PermissionDenied, FileNotFoundError):
        return Response("Không tìm thấy ảnh.", status_code=404, media_type="text/plain; charset=utf-8")
    except DatabaseError as exc:
        return Response(exc.args[0], status_code=503, media_type="text/plain; charset=utf-8")
    headers = {**SECURITY_HEADERS, "Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"}
    return Response(data, media_type=found["content_type"], headers=headers)


async def board(request: Request) -> Response:
    params = request.query_params
    unit = params.get("don-vi", "")
    page = params.get("trang", "1")
    filters = {"q": params.get("q", "")[:200], "unit": unit, "category": params.get("linh-vuc", "")}
    try:
        result = await _in_transaction(
            service.public_board,
            query=filters["q"],
            unit_id=int(unit) if unit.isdigit() else None,
            category=filters["category"],
            page=int(page) if page.isdigit() else 1,
        )
        units = await _in_transaction(service.public_units)
    except DatabaseError as exc:
        return _error_page(request, exc.args[0], 503)
    context = {"result": result, "filters": filters, "units": units, "categories": CATEGORIES}
    context["page_link"] = lambda number: (
        "/gop-y/cong-khai?"
        + urlencode({"q": filters["q"], "don-vi": unit, "linh-vuc": filters["category"], "trang": number})
    )
    return _page(request, "feedback_board.html", context)


FEEDBACK_ROUTES = [
    Route("/gop-y", submit_form, methods=["GET"]),
    Route("/gop-y", submit, methods=["POST"]),
    Route("/gop-y/theo-doi", follow, methods=["GET"]),
    Route("/gop-y/danh-gia", rate, methods=["POST"]),
    Route("/gop-y/bo-sung", add_information, methods=["POST"]),
    Route("/gop-y/cong-khai", board, methods=["GET"]),
    Route("/gop-y/anh/{photo_id:int}", photo, methods=["GET"]),
    Route("/gop-y/api/trang-thai", status_json, methods=["GET"]),
]
