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

from services.core import form_tokens
from services.core.errors import DomainError, NotFound, PermissionDenied
from services.core.files import store_from_settings
from services.feedback import items as service
from services.feedback.classifier import CATEGORIES
from web.feedback_map import allow_tiles, map_context
from web.runtime import in_transaction, settings
from web.security import BodyTooLarge, bounded, client_ip, page

log = logging.getLogger("motcua.web.feedback")
CLIENT_COOKIE = "gopy_client"
MAX_REQUEST_BYTES = 45 * 1024 * 1024
TOO_LARGE = "Dữ liệu gửi lên quá lớn (tối đa 5 ảnh, mỗi ảnh 8 MB)."
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
UNEXPECTED = "Đã xảy ra lỗi không mong muốn; phản ánh chưa được lưu. Vui lòng thử lại sau ít phút."


def _page(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
    return page(request, template, context, status_code, SECURITY_HEADERS)


def _error_page(request: Request, message: str, status_code: int) -> Response:
    return _page(request, "feedback_message.html", {"message": message}, status_code)


def _keyed(kind: str, value: str) -> str:
    """Only a keyed hash of the browser token or the address is stored, never the address itself."""
    secret = settings().token_secret.encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


async def _photos(form) -> list[tuple[str, bytes]]:
    """Each upload read up to one byte past the photo limit: enough for the check to refuse it, never more."""
    return [
        (upload.filename or "anh", await upload.read(service.MAX_PHOTO_BYTES + 1))
        for upload in form.getlist("photos")
        if isinstance(upload, UploadFile) and upload.filename
    ]


async def submit_form(request: Request) -> Response:
    context = {
        "units": await in_transaction(service.public_units),
        "values": {"hide_name": True},
        "form_token": form_tokens.new_token(),
        **map_context(),
    }
    response = allow_tiles(_page(request, "feedback_form.html", context))
    if not request.cookies.get(CLIENT_COOKIE):
        response.set_cookie(
            CLIENT_COOKIE, secrets.token_urlsafe(18), max_age=365 * 86400, httponly=True, samesite="lax"
        )
    return response


async def submit(request: Request) -> Response:
    values: dict = {}
    try:
        form = await bounded(request, MAX_REQUEST_BYTES, TOO_LARGE).form(
            max_files=10, max_fields=40, max_part_size=1024 * 1024
        )
        values = {
            key: form.get(key, "") for key in ("unit_id", "title", "content", "address", "name", "phone", "email")
        }
        values["hide_name"] = form.get("hide_name") == "1"
        values.update({key: str(form.get(key, ""))[:20] for key in ("latitude", "longitude")})
        photos = await _photos(form)
        result = await in_transaction(
            service.submit_feedback,
            writes=True,
            store=store_from_settings(settings()),
            item=_new_feedback(values),
            photos=photos,
            browser_key=_keyed("browser", request.cookies.get(CLIENT_COOKIE, ""))
            if request.cookies.get(CLIENT_COOKIE)
            else "",
            ip_key=_keyed("ip", client_ip(request)),
            form_token=str(form.get("phieu", "")),
        )
    except DomainError as exc:
        return await _form_again(request, values, exc.message)
    except BodyTooLarge:
        raise
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
        latitude=values.get("latitude") or None,
        longitude=values.get("longitude") or None,
    )


async def _form_again(request: Request, values: dict, message: str, status_code: int = 400) -> Response:
    units = await in_transaction(service.public_units)
    values = {key: value for key, value in values.items() if isinstance(value, str | bool)}
    context = {
        "units": units,
        "values": values,
        "error": message,
        "form_token": form_tokens.new_token(),
        **map_context(),
    }
    return allow_tiles(_page(request, "feedback_form.html", context, status_code))


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
        item = await in_transaction(service.citizen_view, code=code)
    except NotFound as exc:
        return _page(request, "feedback_follow.html", {"item": None, "error": exc.message, "code": code}, 404)
    context = {
        "item": item,
        "new": request.query_params.get("moi") == "1",
        "link": f"{settings().public_base_url.rstrip('/')}/gop-y/theo-doi?{urlencode({'ma': item['code']})}",
        "notice": NOTICES.get(request.query_params.get("tb", ""), ""),
    }
    return _page(request, "feedback_follow.html", context)


async def rate(request: Request) -> Response:
    form = await bounded(request, 64 * 1024).form(max_files=0, max_fields=10)
    code = str(form.get("ma", ""))
    try:
        result = await in_transaction(
            service.rate_answer,
            writes=True,
            code=code,
            rating=str(form.get("rating", "")),
            comment=str(form.get("comment", "")),
        )
    except DomainError as exc:
        return _error_page(request, exc.message, 400)
    notice = "reopened" if result["reopened"] else "rated"
    return RedirectResponse(f"/gop-y/theo-doi?{urlencode({'ma': code, 'tb': notice})}", status_code=303)


async def add_information(request: Request) -> Response:
    form = await bounded(request, MAX_REQUEST_BYTES, TOO_LARGE).form(
        max_files=10, max_fields=10, max_part_size=1024 * 1024
    )
    code = str(form.get("ma", ""))
    photos = await _photos(form)
    try:
        await in_transaction(
            service.add_information,
            writes=True,
            store=store_from_settings(settings()),
            code=code,
            text=str(form.get("text", "")),
            photos=photos,
        )
    except DomainError as exc:
        return _error_page(request, exc.message, 400)
    return RedirectResponse(f"/gop-y/theo-doi?{urlencode({'ma': code, 'tb': 'info'})}", status_code=303)


async def status_json(request: Request) -> JSONResponse:
    try:
        summary = await in_transaction(service.status_summary, code=request.query_params.get("ma", ""))
    except NotFound as exc:
        return JSONResponse({"error": exc.message}, status_code=404)
    return JSONResponse(summary, headers={"Cache-Control": "no-store"})


async def photo(request: Request) -> Response:
    try:
        found = await in_transaction(
            service.photo_for_citizen,
            photo_id=int(request.path_params["photo_id"]),
            code=request.query_params.get("ma"),
        )
        data = await run_in_threadpool(store_from_settings(settings()).get, found["storage_key"])
    except (NotFound, PermissionDenied, FileNotFoundError):
        return Response("Không tìm thấy ảnh.", status_code=404, media_type="text/plain; charset=utf-8")
    headers = {**SECURITY_HEADERS, "Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"}
    return Response(data, media_type=found["content_type"], headers=headers)


async def board(request: Request) -> Response:
    params = request.query_params
    unit = params.get("don-vi", "")
    page = params.get("trang", "1")
    filters = {"q": params.get("q", "")[:200], "unit": unit, "category": params.get("linh-vuc", "")}
    result = await in_transaction(
        service.public_board,
        query=filters["q"],
        unit_id=int(unit) if unit.isdigit() else None,
        category=filters["category"],
        page=int(page) if page.isdigit() else 1,
    )
    units = await in_transaction(service.public_units)
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
