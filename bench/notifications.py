"""Sends 1,000 queued e-mail notifications through one sender to a local aiosmtpd server and prints the time.

Usage: .venv/bin/python bench/notifications.py [DATABASE_URL] [COUNT]   (default: a fresh SQLite file, 1000)
The issue's target is under a minute; nothing is asserted. Needs aiosmtpd (requirements-test.txt).
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, write  # noqa: E402
from services.delivery.sender import SenderOptions, run_once  # noqa: E402
from services.notify import outbox as notify_outbox  # noqa: E402
from services.notify.channels import SmtpMail  # noqa: E402


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    engine = build_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    with write(engine) as conn:
        for i in range(count):
            notify_outbox.enqueue(
                conn, event="feedback_answered", channel="email", recipient=f"dan{i}@example.vn",
                payload={"code": f"PA{i:05d}", "title": "Đèn đường hỏng", "link_path": f"/gop-y/theo-doi?ma=PA{i:05d}"},
                code=f"PA{i:05d}",
            )  # fmt: skip
    queued = time.perf_counter() - started
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        options = SenderOptions(base_url="http://localhost:8501", secret="bench-" + "x" * 40)
        transports = {"email": SmtpMail(controller.hostname, controller.port, "Một cửa <khong-tra-loi@motcua.local>")}
        started = time.perf_counter()
        result = run_once(engine, transports, options)
        sent = time.perf_counter() - started
    finally:
        controller.stop()
    print(f"database: {engine.dialect.name}")
    print(f"queued {count} notifications in {queued:.2f} s")
    print(f"one sender: {result.sent} sent, {result.failed} failed in {sent:.2f} s ({result.sent / sent:.0f}/s)")
    print(f"SMTP server received {handler.received}")


if __name__ == "__main__":
    main()
