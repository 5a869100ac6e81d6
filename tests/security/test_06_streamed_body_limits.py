"""Finding 6: bodies were read whole before any limit (300 MB chunked to /api/readings: 895 MB peak; a 200 MB
chunked photo to /gop-y read into memory before "quá lớn"). Bodies are now read in chunks and abandoned at the
limit: the test feeds an endless chunked body straight into the ASGI app and counts what was taken."""

from __future__ import annotations

import asyncio

from tests.security.conftest import public_app

CHUNK = 64 * 1024


def _post_endless(path: str, content_type: str, first: bytes = b"") -> tuple[int, int, bytes]:
    """POSTs a chunked body that never ends; returns (status, bytes the app pulled, response body)."""
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        body = first if pulled == 0 and first else b"x" * CHUNK
        pulled += len(body)
        if pulled > 400 * 1024 * 1024:
            raise AssertionError("the app read 400 MB without stopping")
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", content_type.encode()),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("198.51.100.9", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(public_app()(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], pulled, body


def test_an_endless_chunked_body_to_api_readings_stops_at_one_megabyte(public_client):
    status, pulled, body = _post_endless("/api/readings", "application/json")
    assert status == 413 and "quá lớn" in body.decode()
    assert pulled <= 1_000_000 + CHUNK


def test_an_endless_chunked_photo_to_gop_y_stops_at_the_form_limit(public_client):
    boundary = "ranh-gioi"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    status, pulled, body = _post_endless("/gop-y", f"multipart/form-data; boundary={boundary}", head)
    assert status == 413 and "quá lớn" in body.decode()
    assert pulled <= 45 * 1024 * 1024 + CHUNK


def test_an_endless_lookup_form_to_tra_cuu_stops_at_a_few_kilobytes(public_client):
    status, pulled, _ = _post_endless("/tra-cuu", "application/x-www-form-urlencoded")
    assert status == 413 and pulled <= 4096 + CHUNK
