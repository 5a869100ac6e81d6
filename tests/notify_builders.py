"""Real local servers for notification tests: an aiosmtpd SMTP catch-all and an HTTP SMS/Zalo gateway."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from db.engine import write
from db.schema import metadata
from services.delivery.sender import SenderOptions


class CatchAll:
    """Keeps every accepted message; `on_data(n)` may return an SMTP reply to refuse the n-th one instead."""

    def __init__(self, on_data: Callable[[int], str | None] | None = None):
        self.messages: list[email.message.EmailMessage] = []
        self.seen = 0
        self.on_data = on_data
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            number = self.seen
        if self.on_data is not None and (reply := self.on_data(number)) is not None:
            return reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.messages]

    def bodies(self) -> list[str]:
        return [message.get_content() for message in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(handler: CatchAll | None = None):
    handler = handler or CatchAll()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.hostname, controller.port
    finally:
        controller.stop()


class Gateway:
    """Answers with the scripted HTTP statuses in order (then 200), keeping each request's JSON body."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.delivered: list[dict] = []


@contextmanager
def gateway_server(statuses: list[int]):
    gateway = Gateway(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body["authorization"] = self.headers.get("Authorization", "")
            body["idempotency_key"] = self.headers.get("Idempotency-Key", "")
            gateway.requests.append(body)
            status = gateway.statuses.pop(0) if gateway.statuses else 200
            if status == 200:
                gateway.delivered.append(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "busy"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_address[1]}/send"
    finally:
        server.shutdown()
        server.server_close()


def options(**overrides) -> SenderOptions:
    values = dict(base_url="http://motcua.test", secret="test-secret-" + "x" * 40, worker="test-sender")
    return SenderOptions(**{**values, **overrides})


ONLINE_AND_NOTIFY_TABLES = (
    "notify_attempts",
    "notify_outbox",
    "notify_consents",
    "notify_optouts",
    "staff_alerts",
    "online_submission_files",
    "online_submissions",
    "online_rate_limits",
)


def without_online_demo(engine) -> None:
    """The demo's own online submissions and notifications removed, so a test counts only what it made."""
    with write(engine) as conn:
        for table in ONLINE_AND_NOTIFY_TABLES:
            conn.execute(metadata.tables[table].delete())
