"""Security commands: what production refuses to start with, and switching off accounts on a published password."""

from __future__ import annotations

from cli import command, engine
from config import load_settings
from db.engine import read, write
from services.accounts import accounts
from services.accounts.deployment_checks import production_refusal
from services.core.errors import DomainError


@command("check-deployment", "Kiểm tra khóa bí mật, địa chỉ công khai và mật khẩu demo trước khi chạy thật")
def check_deployment(_args) -> None:
    settings = load_settings()  # a missing, placeholder or published key stops here with its message
    with read(engine()) as conn:
        refusal = production_refusal(conn, demo_mode=settings.demo_mode)
    if refusal:
        raise DomainError(refusal)
    mode = "demo (không dùng cho dữ liệu thật)" if settings.demo_mode else "vận hành thật"
    print(f"Cấu hình hợp lệ cho chế độ {mode}.")


@command("disable-published-accounts", "Vô hiệu hóa mọi tài khoản còn dùng mật khẩu demo đã công bố")
def disable_published_accounts(_args) -> None:
    with write(engine()) as conn:
        names = accounts.disable_published_accounts(conn)
    print(f"Đã vô hiệu hóa {len(names)} tài khoản: {', '.join(names) or 'không có'}.")
