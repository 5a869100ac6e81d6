"""Notification commands: send-notifications (the outbox sender; --once for a single pass)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from cli import command, engine
from config import load_notify_settings, load_settings
from services.delivery.sender import SenderOptions, run_forever, run_once
from services.notify.channels import transports_from_settings


def _arguments(parser) -> None:
    parser.add_argument("--once", action="store_true", help="một lượt: gửi hết thông báo đến hạn rồi dừng")
    parser.add_argument("--batch", type=int, default=50, help="số thông báo nhận mỗi lần (mặc định 50)")
    parser.add_argument("--lease-seconds", type=int, default=300, help="thời gian giữ một thông báo đang gửi")
    parser.add_argument("--poll-seconds", type=float, default=3.0, help="chu kỳ kiểm tra khi chạy liên tục")
    parser.add_argument("--backoff-seconds", type=float, default=60.0, help="chờ trước lần thử lại đầu tiên")
    parser.add_argument("--max-attempts", type=int, default=6, help="số lần thử tối đa trước khi báo lỗi")


@command("send-notifications", "Gửi thông báo trong hàng đợi (email, SMS, Zalo); chạy liên tục hoặc --once", _arguments)
def send_notifications(args) -> None:
    settings = load_settings()
    options = SenderOptions(
        base_url=settings.public_base_url,
        secret=settings.token_secret,
        batch_size=args.batch,
        lease_seconds=args.lease_seconds,
        backoff_base=args.backoff_seconds,
        max_attempts=args.max_attempts,
    )
    transports = transports_from_settings(load_notify_settings())
    db = engine()
    if args.once:
        result = run_once(db, transports, options)
        print(f"Đã gửi {result.sent}, lỗi {result.failed}, bỏ qua {result.skipped}.", flush=True)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"Bộ gửi thông báo {options.worker} đang chạy (Ctrl+C để dừng).", flush=True)
    run_forever(db, transports, options, poll_seconds=args.poll_seconds, stop=stop)


def main(argv: list[str] | None = None) -> None:
    """`python -m cli.notify [--once]`: the same sender without loading every other command (starts faster)."""
    parser = argparse.ArgumentParser(prog="python -m cli.notify", description="Gửi thông báo trong hàng đợi")
    _arguments(parser)
    send_notifications(parser.parse_args(argv))


if __name__ == "__main__":
    main()
