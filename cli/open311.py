"""Open311 commands: open311-client (API keys of client systems) and sync-feedback (pull from and push to an
upstream Open311 server)."""

from __future__ import annotations

import argparse
import sys
import time

from cli import command, engine
from config import load_settings
from db.engine import read, write
from services.core.errors import DomainError
from services.core.files import store_from_settings
from services.core.roles import ADMIN, Actor
from services.feedback import open311 as feedback_open311
from services.feedback.sync import SyncError, sync

SYSTEM = Actor(0, "system", "manage.py", frozenset({ADMIN}), None, None)


def _client_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="tên hệ thống khách, vd. 'Cổng Góp ý Đà Nẵng'")
    parser.add_argument("--deactivate", action="store_true", help="thu hồi khóa của hệ thống này")
    parser.add_argument("--activate", action="store_true", help="bật lại khóa của hệ thống này")
    parser.add_argument("--list", action="store_true", help="liệt kê các hệ thống và 6 ký tự đầu của khóa")


@command("open311-client", "Cấp, thu hồi hoặc liệt kê khóa api_key Open311 của các hệ thống khác", _client_arguments)
def open311_client(args, stdout=None) -> None:
    stdout = stdout or sys.stdout
    if args.list:
        with read(engine()) as conn:
            for row in feedback_open311.list_clients(conn, SYSTEM):
                state = "đang dùng" if row["active"] else "đã thu hồi"
                stdout.write(f"{row['name']}\t{row['key_hint']}…\t{state}\n")
        return
    if not args.name:
        raise DomainError("Cần --name.")
    with write(engine()) as conn:
        if args.deactivate or args.activate:
            feedback_open311.set_client_active(conn, None, name=args.name, active=bool(args.activate))
            stdout.write("Đã cập nhật.\n")
            return
        key = feedback_open311.create_client(conn, None, name=args.name)
    stdout.write(f"api_key của “{args.name}” (chỉ hiện một lần, hãy lưu lại):\n{key}\n")


def _sync_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="url", required=True, help="địa chỉ Open311, vd. https://gopy.example/open311/v2"
    )
    parser.add_argument("--key", required=True, help="api_key mà máy chủ cấp trên cấp cho hệ thống này")
    parser.add_argument("--jurisdiction", default="", help="chỉ nhận phản ánh của một phường/xã (mã đơn vị)")
    parser.add_argument("--every", type=int, default=0, help="chạy lặp lại sau mỗi N giây (0: chạy một lần)")


@command(
    "sync-feedback",
    "Đồng bộ phản ánh với máy chủ Open311 cấp trên: nhận mục mới, gửi trạng thái và trả lời",
    _sync_arguments,
)
def sync_feedback(args, stdout=None) -> None:
    stdout = stdout or sys.stdout
    while True:
        try:
            store = store_from_settings(load_settings())
            report = sync(engine(), store=store, base_url=args.url, key=args.key, jurisdiction=args.jurisdiction)
        except SyncError as exc:
            if not args.every:
                raise DomainError(f"Không đồng bộ được: {exc}") from None
            stdout.write(f"Lỗi đồng bộ: {exc}\n")
        else:
            _print(report, stdout)
        if not args.every:
            return
        time.sleep(max(30, args.every))


def _print(report: dict, stdout) -> None:
    stdout.write(
        f"Nhận mới: {report['imported']}; đã có: {report['already']}; gửi lên: {report['pushed']}; "
        f"gửi lỗi (thử lại lần sau): {len(report['failed'])}; bỏ qua: {len(report['skipped'])}\n"
    )
    for line in report["failed"] + report["skipped"]:
        stdout.write(f"  {line}\n")
    stdout.flush()
