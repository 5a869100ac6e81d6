"""Open311 GeoReport v2 on the light routes, under /open311/v2/: JSON (and XML) for other systems — the city's
portal, a ward's own system — to create feedback, read its status and push answers back.

Every error answers in the standard's shape, [{"code": <HTTP status>, "description": "…"}], with that HTTP status.
Bodies are bounded before they are read. Database work runs in the thread pool.
"""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from db.engine import DatabaseError, read, write
from services.core.files import store_from_settings
from services.feedback import open311 as service
from services.feedback.open311 import Open311Error
from web.runtime import engine, settings

log = logging.getLogger("motcua.web.open311")
PREFIX = "/open311/v2"
MAX_BODY_BYTES = 45 * 1024 * 1024  # five photos of 8 MB and the fields
MAX_FORM_BYTES = 64 * 1024
XML_ROOTS = {
    "services": ("services", "service"),
    "definition": ("service_definition", None),
    "requests": ("service_requests", "request"),
    "updates": ("service_request_updates", "request_update"),
}


async def _run(function, *args, writes: bool = False, **kwargs):
    def run():
        with (write if writes else read)(engine()) as conn:
            return function(conn, *args, **kwargs)

    return await run_in_threadpool(run)


def _error(status: int, description: str, fmt: str = "json") -> Response:
    return _answer([{"code": status, "description": description}], fmt, "errors", status)


def _answer(data, fmt: str, kind: str, status: int = 200) -> Response:
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if fmt == "xml":
        return Response(_xml(data, kind), status_code=status, media_type="text/xml; charset=utf-8", headers=headers)
    return JSONResponse(data, status_code=status, headers=headers)


def _xml(data, kind: str) -> str:
    root, child = XML_ROOTS.get(kind, ("errors", "error"))
    items = data if isinstance(data, list) else [data]
    body = "".join(f"<{child or root}>{_fields(item)}</{child or root}>" for item in items)
    if child is None:
        body = _fields(items[0]) if items else ""
        return f'<?xml version="1.0" encoding="utf-8"?><{root}>{body}</{root}>'
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{body}</{root}>'


def _fields(item: dict) -> str:
    parts = []
    for key, value in item.items():
        text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        parts.append(f"<{key}>{escape(text)}</{key}>" if not isinstance(value, list) else f"<{key}/>")
    return "".join(parts)


def _format(request: Request) -> str | None:
    fmt = request.path_params.get("fmt", "")
    return fmt if fmt in {"json", "xml"} else None


async def _handle(request: Request, kind: str, work) -> Response:
    fmt = _format(request)
    if fmt is None:
        return _error(400, "Định dạng chỉ nhận .json hoặc .xml.")
    try:
        return _answer(await work(), fmt, kind)
    except Open311Error as exc:
        return _error(exc.status, exc.description, fmt)
    except DatabaseError as exc:
        return _error(503, exc.args[0], fmt)
    except Exception:
        log.exception("open311 request failed")
        return _error(500, "Lỗi hệ thống; yêu cầu chưa được lưu.", fmt)


def _client(conn, key, *, required: bool):
    return service.client_for_key(conn, key, required=required)


async def services(request: Request) -> Response:
    async def work():
        await _run(service.check_jurisdiction, request.query_params.get("jurisdiction_id"))
        return service.service_list()

    return await _handle(request, "services", work)


async def service_definition(request: Request) -> Response:
    return await _handle(request, "definition", lambda: _async(service.service_definition, request.path_params["code"]))


async def _async(function, *args):
    return function(*args)


async def list_requests(request: Request) -> Response:
    params = dict(request.query_params)

    def work_in(conn):
        client = _client(conn, params.get("api_key"), required=False)
        return service.list_requests(conn, client, params=params)

    return await _handle(request, "requests", lambda: _run(work_in))


async def get_request(request: Request) -> Response:
    key = request.query_params.get("api_key")

    def work_in(conn):
        client = _client(conn, key, required=False)
        return service.get_request(conn, client, service_request_id=request.path_params["request_id"])

    return await _handle(request, "requests", lambda: _run(work_in))


async def token(request: Request) -> Response:
    return await _handle(
        request, "requests", lambda: _run(service.request_for_token, token=request.path_params["token"][:64])
    )


async def _bounded_form(request: Request, *, files: bool):
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise Open311Error(411, "Thiếu Content-Length.")
    if int(length) > (MAX_BODY_BYTES if files else MAX_FORM_BYTES):
        raise Open311Error(413, "Dữ liệu gửi lên quá lớn (tối đa 5 ảnh, mỗi ảnh 8 MB).")
    try:
        return await request.form(max_files=5 if files else 0, max_fields=40, max_part_size=MAX_FORM_BYTES)
    except Exception as exc:  # multipart limits or a malformed body
        raise Open311Error(400, f"Dữ liệu gửi lên không hợp lệ: {str(exc)[:120]}") from None


async def create_request(request: Request) -> Response:
    async def work():
        form = await _bounded_form(request, files=True)
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        photos = [
            (upload.filename or "anh", await upload.read())
            for upload in form.getlist("media")
            if isinstance(upload, UploadFile)
        ]

        def in_transaction(conn):
            client = _client(conn, fields.get("api_key"), required=True)
            return [
                service.create_request(
                    conn, client, store=store_from_settings(settings()), fields=fields, photos=photos
                )
            ]

        return await _run(in_transaction, writes=True)

    return await _handle(request, "requests", work)


async def post_update(request: Request) -> Response:
    async def work():
        form = await _bounded_form(request, files=False)
        fields = {key: value for key, value in form.items() if isinstance(value, str)}

        def in_transaction(conn):
            client = _client(conn, fields.get("api_key"), required=True)
            return service.post_update(conn, client, fields=fields)

        return await _run(in_transaction, writes=True)

    return await _handle(request, "updates", work)


async def discovery(request: Request) -> Response:
    base = settings().public_base_url.rstrip("/")
    data = {
        "changeset": "2026-12-02",
        "contact": "Trung tâm Phục vụ Hành chính công",
        "key_service": "Khóa api_key do quản trị cấp: python manage.py open311-client --name TÊN",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{base}{PREFIX}",
                "changeset": "2026-12-02",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return JSONResponse(data)


OPEN311_ROUTES = [
    Route(f"{PREFIX}/discovery.json", discovery, methods=["GET"]),
    Route(PREFIX + "/services.{fmt}", services, methods=["GET"]),
    Route(PREFIX + "/services/{code}.{fmt}", service_definition, methods=["GET"]),
    Route(PREFIX + "/requests.{fmt}", list_requests, methods=["GET"]),
    Route(PREFIX + "/requests.{fmt}", create_request, methods=["POST"]),
    Route(PREFIX + "/requests/{request_id}.{fmt}", get_request, methods=["GET"]),
    Route(PREFIX + "/tokens/{token}.{fmt}", token, methods=["GET"]),
    Route(PREFIX + "/servicerequestupdates.{fmt}", post_update, methods=["POST"]),
]
