"""Rollout commands: import units' departments, staff, service groups and counters from a spreadsheet."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cli import command, engine
from db.engine import read, write
from services.core.clock import LOCAL_TZ, now
from services.core.errors import ValidationError
from services.core.exports import to_csv
from services.rollout import staff_import


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="tệp .xlsx theo mẫu, hoặc các tệp CSV UTF-8 của từng bảng"
    )
    parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in báo cáo từng dòng, không ghi gì")
    parser.add_argument(
        "--passwords",
        metavar="PATH",
        help="tệp CSV để ghi mật khẩu ban đầu (mặc định mat-khau-ban-dau-<thời điểm>.csv ở thư mục hiện tại)",
    )


@command(
    "import-staff",
    "Nhập hàng loạt phòng ban, cán bộ, nhóm dịch vụ, quầy từ tệp Excel/CSV: báo cáo từng dòng, ghi tất cả hoặc không",
    _arguments,
)
def import_staff(args) -> None:
    files = [_read(Path(name)) for name in args.files]
    with read(engine()) as conn:
        plan = staff_import.plan_import(conn, None, files=files)
    _print_report(plan)
    if not plan.ok:
        print(f"Có {len(plan.errors)} lỗi: không có gì được ghi. Sửa tệp rồi chạy lại.", file=sys.stderr)
        sys.exit(1)
    if args.dry_run:
        print("Chạy thử: không có gì được ghi.")
        return
    _commit(files, plan, Path(args.passwords) if args.passwords else _default_passwords_path())


def _read(path: Path) -> tuple[str, bytes]:
    if not path.is_file():
        raise ValidationError(f"Không tìm thấy tệp {path}.")
    return path.name, path.read_bytes()


def _print_report(plan: staff_import.ImportPlan) -> None:
    for note in plan.notes:
        print(f"Lưu ý: {note}")
    for row in staff_import.report_rows(plan):
        target = f" {row['Đối tượng']}" if row["Đối tượng"] else ""
        print(f"{row['Tệp / trang']}, dòng {row['Dòng']}: {row['Kết quả']}{target} — {row['Chi tiết']}")
    print(f"Tổng hợp: {staff_import.summary(plan)}")


def _default_passwords_path() -> Path:
    return Path(f"mat-khau-ban-dau-{now().astimezone(LOCAL_TZ):%Y%m%d-%H%M%S}.csv")


def _commit(files: list[tuple[str, bytes]], plan: staff_import.ImportPlan, passwords_path: Path) -> None:
    """The passwords file is created (owner-only, never overwritten) before the commit, so a commit never leaves
    accounts whose passwords nobody has; it is removed again when the commit fails."""
    credentials = staff_import.issue_credentials(plan.usernames)
    rows = staff_import.password_rows(
        [{**person, "password": credentials[person["username"]].password} for person in _accounts(plan)]
    )
    try:
        descriptor = os.open(passwords_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ValidationError(f"Tệp {passwords_path} đã có; chọn tên khác với --passwords.") from None
    except OSError as exc:
        raise ValidationError(f"Không tạo được tệp mật khẩu {passwords_path}: {exc.strerror}.") from None
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(to_csv(rows))
    try:
        with write(engine()) as conn:
            result = staff_import.commit_import(conn, None, files=files, credentials=credentials)
    except BaseException:
        passwords_path.unlink(missing_ok=True)
        raise
    created = result.counts.get("staff_create", 0)
    print(f"Đã nhập: {staff_import.summary(plan)}")
    if created:
        print(f"Mật khẩu ban đầu của {created} tài khoản: {passwords_path.resolve()} (chỉ chủ sở hữu đọc được).")
        print("Cán bộ phải đổi mật khẩu ở lần đăng nhập đầu. Hãy phát danh sách rồi xóa tệp này.")
    else:
        passwords_path.unlink(missing_ok=True)


def _accounts(plan: staff_import.ImportPlan) -> list[dict]:
    return [staff_import.account_row(person) for person in plan.writes.staff]
