"""What production refuses to run with, beyond config.py's own checks: accounts still on a published password."""

from __future__ import annotations

from sqlalchemy import Connection

from services.accounts.accounts import accounts_on_published_password


def production_refusal(conn: Connection, *, demo_mode: bool) -> str | None:
    """A Vietnamese reason not to serve, or None. Demo mode is exempt: its accounts are meant to be public."""
    if demo_mode:
        return None
    names = accounts_on_published_password(conn)
    if not names:
        return None
    shown = ", ".join(names[:8]) + (f" và {len(names) - 8} tài khoản khác" if len(names) > 8 else "")
    return (
        f"Không chạy ở chế độ vận hành thật khi còn tài khoản dùng mật khẩu demo đã công bố: {shown}. "
        "Vô hiệu hóa chúng bằng `python manage.py disable-published-accounts` (hoặc đặt lại mật khẩu), "
        "rồi khởi động lại."
    )
