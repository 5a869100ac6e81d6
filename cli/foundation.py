"""Foundation commands: migrate, seed-demo, create-user, backup."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from cli import command, engine
from config import ROOT, load_settings
from db import migrate as migrations
from db.engine import write
from seed.demo import seed_demo
from services.accounts import accounts
from services.core.errors import DomainError


@command("migrate", "Áp dụng các bản di trú (Alembic) lên cơ sở dữ liệu đang cấu hình")
def migrate(_args) -> None:
    migrations.upgrade(engine())
    print("Đã cập nhật cấu trúc cơ sở dữ liệu.")


@command("seed-demo", "Nạp dữ liệu dùng thử (đơn vị, thủ tục mẫu, tài khoản demo); chạy lại không nhân đôi")
def seed_demo_command(_args) -> None:
    with write(engine()) as conn:
        seed_demo(conn)
    print("Đã nạp dữ liệu dùng thử.")


def _create_user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="Họ tên")
    parser.add_argument("--roles", required=True, help="vd. admin hoặc clerk,leader")
    parser.add_argument("--unit", help="mã đơn vị, vd. NGUHANHSON (bỏ trống cho tài khoản cấp thành phố)")
    parser.add_argument("--department", help="mã phòng chuyên môn trong đơn vị")
    parser.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")


@command("create-user", "Tạo tài khoản cán bộ (mật khẩu nhập ẩn hoặc đọc từ stdin)", _create_user_arguments)
def create_user(args) -> None:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Mật khẩu: ")
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


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", help="tệp đích (mặc định data/backups/motcua-YYYYmmdd-HHMMSS.db)")


@command("backup", "Sao lưu nhất quán (SQLite: online backup API; PostgreSQL: in lệnh pg_dump)", _backup_arguments)
def backup(args) -> None:
    url = make_url(load_settings().database_url)
    if url.get_backend_name() != "sqlite":
        safe = url.set(drivername="postgresql").render_as_string(hide_password=True)
        print(f"PostgreSQL/Supabase: dùng pg_dump, ví dụ:\n  pg_dump --format=custom --file=motcua.dump '{safe}'")
        return
    target = Path(args.output or ROOT / "data" / "backups" / f"motcua-{datetime.now():%Y%m%d-%H%M%S}.db")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(url.database) as source, sqlite3.connect(target) as destination:
        source.backup(destination)
    print(f"Đã sao lưu vào {target}")
