"""Foundation commands: migrate, seed-demo, create-user (backup and restore live in cli/backup.py)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from cli import command, engine
from config import SettingsError, demo_mode_enabled
from db import migrate as migrations
from db.engine import write
from seed.demo import seed_demo
from seed.reference import seed_reference
from services.accounts import accounts
from services.core.errors import DomainError


@command("migrate", "Áp dụng các bản di trú (Alembic) lên cơ sở dữ liệu đang cấu hình")
def migrate(_args) -> None:
    migrations.upgrade(engine())
    print("Đã cập nhật cấu trúc cơ sở dữ liệu.")


@command(
    "seed-reference",
    "Nạp dữ liệu danh mục cho triển khai thật: 94 đơn vị, thủ tục mẫu, trạm đo mực nước; không tạo tài khoản nào",
)
def seed_reference_command(_args) -> None:
    with write(engine()) as conn:
        added = seed_reference(conn)
    print(
        f"Đã thêm {added['units']} đơn vị, {added['procedures']} thủ tục mẫu, {added['stations']} trạm đo "
        "(đã có thì giữ nguyên)."
    )


@command("seed-demo", "Nạp dữ liệu dùng thử (danh mục + tài khoản và hồ sơ demo); chỉ ở chế độ demo")
def seed_demo_command(_args) -> None:
    if not demo_mode_enabled():
        raise SettingsError(
            "Không nạp dữ liệu dùng thử khi chế độ demo đang tắt: dữ liệu demo có tài khoản với mật khẩu công khai. "
            "Triển khai thật dùng `manage.py seed-reference` và `manage.py create-user`; "
            "chỉ đặt MOTCUA_DEMO=true trên máy thử nghiệm."
        )
    with write(engine()) as conn:
        seed_demo(conn)
    print("Đã nạp dữ liệu dùng thử.")


def _create_user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="Họ tên")
    parser.add_argument("--roles", required=True, help="vd. admin hoặc clerk,leader")
    parser.add_argument("--unit", help="mã đơn vị, vd. NGUHANHSON (bỏ trống cho tài khoản cấp thành phố)")
    parser.add_argument("--department", help="mã phòng chuyên môn trong đơn vị")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    source.add_argument("--password-file", help="đọc mật khẩu từ dòng đầu của tệp (chỉ chủ sở hữu được đọc)")


@command("create-user", "Tạo tài khoản cán bộ (mật khẩu nhập ẩn hoặc đọc từ stdin)", _create_user_arguments)
def create_user(args) -> None:
    password = _password(args)
    from services.core.roles import Actor
    from services.core.units import list_departments, unit_by_code

    with write(engine()) as conn:
        unit_id = unit_by_code(conn, args.unit)["id"] if args.unit else None
        department_id = None
        if args.department:
            system = Actor(0, "system", "system", frozenset({"admin"}), None, None)
            matches = [d for d in list_departments(conn, system, unit_id) if d["code"] == args.department]
            if not matches:
                raise DomainError(f"Đơn vị không có phòng chuyên môn mã '{args.department}'.")
            department_id = matches[0]["id"]
        new = accounts.NewUser(
            username=args.username,
            full_name=args.name,
            roles=tuple(r.strip() for r in args.roles.split(",")),
            unit_id=unit_id,
            department_id=department_id,
        )
        accounts.create_user(conn, None, new, password)
    print(f"Đã tạo tài khoản {args.username}.")


def _password(args) -> str:
    """Never from the command line itself, where it would stay in the shell history and the process list."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if args.password_file:
        try:
            return Path(args.password_file).read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as exc:
            raise DomainError(f"Không đọc được mật khẩu từ tệp {args.password_file}.") from exc
    return getpass.getpass("Mật khẩu: ")
