"""Online submission pages (/nop-ho-so): choose unit and procedure, fill the form with one upload per document,
get a tracking code and the status link; the status page shows the next step and takes supplement uploads. Also the
opt-out link of every notification (/thong-bao/tu-choi).

Plain HTML for phones (Jinja2, autoescaped). Request bodies are read with a hard cap before parsing; every attempt
counts against a database-held limit per browser and per address. Database work runs in the thread pool.
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
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services.core.errors import DomainError, NotFound
from services.core.files import store_from_settings
from services.notify import outbox as notify_outbox
from services.online import submission as service
from web.runtime import in_transaction, settings
from web.security import BodyTooLarge, bounded, page

log = logging.getLogger("motcua.web.online")
CLIENT_COOKIE = "nophs_client"
MAX_BODY_BYTES = service.MAX_ONLINE_TOTAL_BYTES + 1024 * 1024  # files plus the form fields
TOO_BIG = (
    f"Dữ liệu gửi lên quá lớn: mỗi tệp tối đa {service.MAX_ONLINE_FILE_BYTES // 1024 // 1024} MB, "
    f"tổng cộng tối đa {service.MAX_ONLINE_TOTAL_BYTES // 1024 // 1024} MB. Hồ sơ chưa được gửi."
)
UNEXPECTED = "Đã xảy ra lỗi không mong muốn; hồ sơ chưa được gửi. Vui lòng thử lại sau ít phút."
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
PERSON_FIELDS = ("full_name", "cccd", "birth_date", "phone", "email", "address")


def _page(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
    return page(request, template, context, status_code, SECURITY_HEADERS)


def _message(request: Request, message: str, status_code: int) -> Response:
    return _page(request, "online_message.html", {"message": message}, status_code)


def _client_keys(request: Request) -> list[str]:
    """Keyed hashes of the browser token and of the address: never the address itself."""
    forwarded = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    address = forwarded[-1] if forwarded else (request.client.host if request.client else "")
    secret = settings().token_secret.encode()
    keys = [hmac.new(secret, f"online-ip:{address}".encode(), hashlib.sha256).hexdigest()]
    if browser := request.cookies.get(CLIENT_COOKIE):
        keys.append(hmac.new(secret, f"online-browser:{browser}".encode(), hashlib.sha256).hexdigest())
    return keys


async def _count_attempt(request: Request) -> None:
    """In its own transaction, before anything is checked: refused attempts count too."""

    def count(conn):
        for key in _client_keys(request):
            service.count_attempt(conn, key)

    await in_transaction(count, writes=True)


# --- the form -----------------------------------------------------------------------------------------------------


async def form(request: Request) -> Response:
    params = request.query_params
    values = {"unit_id": params.get("don-vi", ""), "procedure_code": params.get("thu-tuc", "")}
    response = await _form(request, values)
    if not request.cookies.get(CLIENT_COOKIE):
        response.set_cookie(CLIENT_COOKIE, secrets.token_urlsafe(18), max_age=365 * 86400, httponly=True,
                            samesite="lax")  # fmt: skip
    return response


async def _form(request: Request, values: dict, error: str = "", status_code: int = 200) -> Response:
    options = await in_transaction(service.submission_form)
    procedure = next((p for p in options["procedures"] if p["code"] == values.get("procedure_code")), None)
    context = {**options, "procedure": procedure, "values": values, "error": error}
    return _page(request, "online_form.html", context, status_code)


def _person(form_data, prefix: str) -> dict:
    return {name: str(form_data.get(f"{prefix}{name}", ""))[:300] for name in PERSON_FIELDS}


async def submit(request: Request) -> Response:
    values: dict = {}
    try:
        await _count_attempt(request)
        form_data = await bounded(request, MAX_BODY_BYTES, TOO_BIG).form(
            max_files=service.MAX_FILES, max_fields=80, max_part_size=64 * 1024
        )
        values = {key: str(value)[:300] for key, value in form_data.items() if isinstance(value, str)}
        submission = service.NewSubmission(
            unit_id=_int(values.get("unit_id")),
            procedure_code=values.get("procedure_code", ""),
            applicant=_person(form_data, "a_"),
            second_party=_person(form_data, "b_") if "b_full_name" in form_data else None,
            land_unit_id=_int(values.get("land_unit_id")),
            consent=values.get("consent") == "1",
            zalo=values.get("zalo") == "1",
            uploads=await _uploads(form_data),
        )
        result = await in_transaction(
            service.submit_online, writes=True, store=store_from_settings(settings()), submission=submission
        )
    except BodyTooLarge:
        return _message(request, TOO_BIG, 413)
    except DomainError as exc:
        status = 429 if isinstance(exc, service.TooManySubmissions) else 400
        return await _form_again(request, values, exc.message, status)
    except Exception:
        log.exception("online submission failed")
        return await _form_again(request, values, UNEXPECTED, 500)
    token = service.sign_token(settings().token_secret, result.submission_id)
    query = {"t": token, "moi": 2 if result.duplicate else 1}
    return RedirectResponse(f"/nop-ho-so/theo-doi?{urlencode(query)}", status_code=303)


async def _form_again(request: Request, values: dict, message: str, status_code: int) -> Response:
    return await _form(request, values, message, status_code)


def _int(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


async def _uploads(form_data) -> list[tuple[str, str, bytes]]:
    """One file input per checklist item: `doc_<n>` with the item's name in `doc_name_<n>`; `doc_extra` for others."""
    uploads = []
    for key, value in form_data.multi_items():
        if not isinstance(value, UploadFile) or not value.filename:
            continue
        document = str(form_data.get(f"doc_name_{key.removeprefix('doc_')}", "")) or "Giấy tờ khác"
        uploads.append((document, value.filename, await value.read()))
    return uploads


# --- status page and supplement ---------------------------------------------------------------------------------


NOTICES = {
    "1": "Đã gửi hồ sơ. Lưu lại mã theo dõi và đường dẫn này.",
    "2": "Hồ sơ này đã được gửi trước đó; hệ thống không tạo hồ sơ trùng.",
    "bs": "Đã gửi giấy tờ bổ sung; hồ sơ chuyển lại cán bộ một cửa kiểm tra.",
}


async def status_page(request: Request) -> Response:
    return await _status(request, request.query_params.get("t", ""), NOTICES.get(request.query_params.get("moi", "")))


async def _status(request: Request, token: str, notice: str | None, error: str = "", status_code: int = 200):
    try:
        view = await in_transaction(
            service.citizen_view, secret=settings().token_secret, token=token, base_url=settings().public_base_url
        )
    except NotFound as exc:
        return _message(request, exc.message, 404)
    link = f"{settings().public_base_url.rstrip('/')}/nop-ho-so/theo-doi?{urlencode({'t': token})}"
    context = {"item": view, "token": token, "link": link, "notice": notice, "error": error}
    return _page(request, "online_status.html", context, status_code)


async def supplement(request: Request) -> Response:
    token = request.query_params.get("t", "")
    try:
        await _count_attempt(request)
        form_data = await bounded(request, MAX_BODY_BYTES, TOO_BIG).form(
            max_files=service.MAX_FILES, max_fields=40, max_part_size=64 * 1024
        )
        await in_transaction(
            service.upload_supplement,
            writes=True,
            store=store_from_settings(settings()),
            secret=settings().token_secret,
            token=token,
            uploads=await _uploads(form_data),
            note=str(form_data.get("note", ""))[:2000],
        )
    except BodyTooLarge:
        return _message(request, TOO_BIG, 413)
    except DomainError as exc:
        status = 429 if isinstance(exc, service.TooManySubmissions) else 400
        return await _status(request, token, None, exc.message, status)
    return RedirectResponse(f"/nop-ho-so/theo-doi?{urlencode({'t': token, 'moi': 'bs'})}", status_code=303)


async def result_file(request: Request) -> Response:
    try:
        found = await in_transaction(
            service.result_file_for_citizen,
            secret=settings().token_secret,
            token=request.query_params.get("t", ""),
            file_id=int(request.path_params["file_id"]),
        )
        data = await run_in_threadpool(store_from_settings(settings()).get, found["storage_key"])
    except (NotFound, FileNotFoundError):
        return Response("Không tìm thấy tệp kết quả.", status_code=404, media_type="text/plain; charset=utf-8")
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{found["filename"]}"'}
    return Response(data, media_type=found["content_type"], headers=headers)


# --- opt-out ----------------------------------------------------------------------------------------------------


async def optout_form(request: Request) -> Response:
    """A page with a button (a GET must not opt out: mail scanners open links)."""
    return _page(request, "online_optout.html", {"token": request.query_params.get("t", "")[:100], "done": ""})


async def optout(request: Request) -> Response:
    try:
        form_data = await bounded(request, 4096).form(max_files=0, max_fields=5)
    except BodyTooLarge:
        return _message(request, "Yêu cầu không hợp lệ.", 413)
    token = str(form_data.get("t", ""))[:100]
    try:
        masked = await in_transaction(
            notify_outbox.opt_out_by_token, writes=True, secret=settings().token_secret, token=token
        )
    except NotFound as exc:
        return _message(request, exc.message, 404)
    return _page(request, "online_optout.html", {"token": token, "done": masked})


ONLINE_ROUTES = [
    Route("/nop-ho-so", form, methods=["GET"]),
    Route("/nop-ho-so", submit, methods=["POST"]),
    Route("/nop-ho-so/theo-doi", status_page, methods=["GET"]),
    Route("/nop-ho-so/bo-sung", supplement, methods=["POST"]),
    Route("/nop-ho-so/ket-qua/{file_id:int}", result_file, methods=["GET"]),
    Route("/thong-bao/tu-choi", optout_form, methods=["GET"]),
    Route("/thong-bao/tu-choi", optout, methods=["POST"]),
]
