"""Backup and restore: one owner-only archive holding the database and the stored files; and the orphan-file sweep.

`backup` writes motcua-YYYYmmdd-HHMMSS.tar.gz (mode 0600): the database (SQLite through its online backup API, or
PostgreSQL through `pg_dump --format=custom`) and the local storage folder. `restore ARCHIVE --yes` puts both back.
A path that does not exist, or a target that cannot be written, ends with a Vietnamese message and exit code 2.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from cli import command, engine
from config import ROOT, Settings, load_settings
from db.engine import read
from services.core import file_sweep
from services.core.errors import DomainError

MANIFEST = "motcua-backup.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
FILES_MEMBER = "files"


OS_REASONS = {
    errno.ENOENT: "đường dẫn không tồn tại",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "ổ đĩa hết chỗ trống",
    errno.EROFS: "ổ đĩa chỉ đọc",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "đường dẫn là một thư mục",
}


class BackupError(DomainError):
    """A bad path or a failed tool; the message says which, in Vietnamese."""


@contextmanager
def _os_errors_in_vietnamese() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        reason = OS_REASONS.get(exc.errno, exc.strerror or str(exc))
        raise BackupError(f"Lỗi đọc/ghi tệp {exc.filename or ''}: {reason}.") from None


# --- backup -------------------------------------------------------------------------------------------------------


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", help="tệp .tar.gz hoặc thư mục đích (mặc định data/backups/motcua-YYYYmmdd-HHMMSS.tar.gz)"
    )


@command("backup", "Sao lưu cơ sở dữ liệu và các tệp đã lưu vào một tệp nén chỉ chủ sở hữu đọc", _backup_arguments)
def backup(args) -> None:
    with _os_errors_in_vietnamese():
        _backup(load_settings(), args.output)


def _backup(settings: Settings, output: str | None) -> None:
    target = _target(output)
    with tempfile.TemporaryDirectory(prefix="motcua-backup-") as work:
        work_dir = Path(work)
        database_member = _dump_database(settings, work_dir)
        files = _stored_files_dir(settings)
        manifest = {
            "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "database": database_member,
            "files": sum(1 for p in files.rglob("*") if p.is_file()) if files else 0,
            "storage": settings.storage_backend,
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _write_archive(target, work_dir, database_member, files)
    print(f"Đã sao lưu vào {target} (cơ sở dữ liệu và {manifest['files']} tệp).")
    if settings.storage_backend == "supabase":
        print("Lưu ý: tệp trên Supabase Storage không nằm trong bản sao lưu này; sao lưu bucket bằng công cụ Supabase.")


def _target(output: str | None) -> Path:
    name = f"motcua-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    target = Path(output) if output else ROOT / "data" / "backups" / name
    if target.is_dir() or (output or "").endswith(("/", os.sep)):
        target = target / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        reason = OS_REASONS.get(exc.errno, exc.strerror)
        raise BackupError(f"Không tạo được thư mục chứa bản sao lưu {target.parent}: {reason}.") from None
    if target.exists():
        raise BackupError(f"Tệp {target} đã tồn tại; chọn tên khác để không ghi đè bản sao lưu cũ.")
    if not os.access(target.parent, os.W_OK):
        raise BackupError(f"Không có quyền ghi vào thư mục {target.parent}.")
    return target


def _dump_database(settings: Settings, work_dir: Path) -> str:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_existing_sqlite(url), work_dir / SQLITE_MEMBER)
        return SQLITE_MEMBER
    _run_postgres_tool(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={work_dir / POSTGRES_MEMBER}", *_schema_flag(url)], url
    )
    return POSTGRES_MEMBER


def _existing_sqlite(url: URL) -> Path:
    """The database file must exist and be a migrated motcua database; a mistyped path never becomes a new one."""
    path = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not path.is_file():
        raise BackupError(f"Không tìm thấy tệp cơ sở dữ liệu SQLite {path} (kiểm tra DATABASE_URL).")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            migrated = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    except sqlite3.DatabaseError:
        migrated = None
    if not migrated:
        raise BackupError(f"Tệp {path} không phải cơ sở dữ liệu motcua (chưa chạy migrate hoặc tệp hỏng).")
    return path


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(target_path)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _schema_flag(url: URL) -> list[str]:
    """The tests (and some hosts) keep the app in one schema, named in the URL's search_path option."""
    options = str(url.query.get("options", ""))
    return [f"--schema={options.split('search_path=', 1)[1].split()[0]}"] if "search_path=" in options else []


def _run_postgres_tool(arguments: list[str], url: URL) -> None:
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = {**os.environ, "PGPASSWORD": url.password or ""}  # never on the command line (ps shows it)
    try:
        done = subprocess.run([*arguments, libpq], env=environment, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(
            f"Không tìm thấy lệnh {arguments[0]}: cài gói postgresql-client cùng phiên bản máy chủ."
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{arguments[0]} báo lỗi: {done.stderr.strip()[-500:]}")


def _stored_files_dir(settings: Settings) -> Path | None:
    if settings.storage_backend != "local":
        return None
    return settings.storage_dir if settings.storage_dir.is_dir() else None


def _write_archive(target: Path, work_dir: Path, database_member: str, files: Path | None) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner-only from the first byte
    try:
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(work_dir / MANIFEST, arcname=MANIFEST)
            archive.add(work_dir / database_member, arcname=database_member)
            if files:
                archive.add(files, arcname=FILES_MEMBER)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    os.chmod(target, 0o600)


# --- restore ------------------------------------------------------------------------------------------------------


def _restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("archive", help="tệp .tar.gz do lệnh backup tạo")
    parser.add_argument("--yes", action="store_true", help="xác nhận ghi đè cơ sở dữ liệu và thư mục tệp hiện tại")


@command("restore", "Khôi phục cơ sở dữ liệu và tệp đã lưu từ bản sao lưu (ghi đè dữ liệu hiện có)", _restore_arguments)
def restore(args) -> None:
    with _os_errors_in_vietnamese():
        _restore(load_settings(), Path(args.archive), confirmed=args.yes)


def _restore(settings: Settings, archive_path: Path, *, confirmed: bool) -> None:
    if not archive_path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive_path}.")
    with tempfile.TemporaryDirectory(prefix="motcua-restore-") as work:
        work_dir = Path(work)
        manifest = _unpack(archive_path, work_dir)
        if not confirmed:
            raise BackupError(
                f"Bản sao lưu lúc {manifest.get('created_at', '?')} sẽ ghi đè cơ sở dữ liệu và thư mục tệp hiện tại. "
                "Chạy lại với --yes để xác nhận."
            )
        _restore_database(settings, work_dir, manifest["database"])
        restored_files = _restore_files(settings, work_dir / FILES_MEMBER)
    print(f"Đã khôi phục cơ sở dữ liệu và {restored_files} tệp từ {archive_path}.")


def _unpack(archive_path: Path, work_dir: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work_dir, filter="data")  # no absolute paths, no '..', no links out
        manifest = json.loads((work_dir / MANIFEST).read_text(encoding="utf-8"))
    except (tarfile.TarError, OSError, ValueError, KeyError):
        raise BackupError(f"Tệp {archive_path} không phải bản sao lưu motcua hợp lệ.") from None
    member = manifest.get("database")
    if member not in {SQLITE_MEMBER, POSTGRES_MEMBER} or not (work_dir / member).is_file():
        raise BackupError(f"Tệp {archive_path} không chứa cơ sở dữ liệu.")
    return manifest


def _restore_database(settings: Settings, work_dir: Path, member: str) -> None:
    url = make_url(settings.database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite != (member == SQLITE_MEMBER):
        kind = "SQLite" if member == SQLITE_MEMBER else "PostgreSQL"
        raise BackupError(f"Bản sao lưu là của {kind}, còn DATABASE_URL đang trỏ tới cơ sở dữ liệu loại khác.")
    if is_sqlite:
        target = Path(url.database or "")
        if not url.database or url.database == ":memory:":
            raise BackupError("DATABASE_URL không trỏ tới một tệp SQLite.")
        target.parent.mkdir(parents=True, exist_ok=True)
        source, destination = sqlite3.connect(work_dir / member), sqlite3.connect(target)
        try:
            source.backup(destination)  # page by page under SQLite's own lock: a running app sees old or new
        finally:
            destination.close()
            source.close()
        return
    _pg_restore(url, work_dir / member)


def _pg_restore(url: URL, dump: Path) -> None:
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    arguments = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    environment = {**os.environ, "PGPASSWORD": url.password or ""}
    try:
        done = subprocess.run(
            [*arguments, f"--dbname={libpq}", str(dump)], env=environment, capture_output=True, text=True, timeout=3600
        )
    except FileNotFoundError:
        raise BackupError("Không tìm thấy lệnh pg_restore: cài gói postgresql-client cùng phiên bản máy chủ.") from None
    if done.returncode != 0:
        raise BackupError(f"pg_restore báo lỗi: {done.stderr.strip()[-500:]}")


def _restore_files(settings: Settings, source: Path) -> int:
    if settings.storage_backend != "local":
        return 0
    target = settings.storage_dir
    if target.exists():
        aside = target.with_name(f"{target.name}.truoc-khoi-phuc-{datetime.now():%Y%m%d-%H%M%S}")
        target.rename(aside)
        print(f"Thư mục tệp cũ được giữ lại tại {aside}.")
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True)
    os.chmod(target, 0o700)
    return sum(1 for p in target.rglob("*") if p.is_file())


# --- orphan files -------------------------------------------------------------------------------------------------


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hours", type=float, default=24, help="chỉ xóa tệp mồ côi cũ hơn số giờ này (mặc định 24)")
    parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xóa")


@command("sweep-files", "Xóa tệp đã lưu mà không hồ sơ, phản ánh nào trỏ tới (do sự cố giữa chừng)", _sweep_arguments)
def sweep_files(args) -> None:
    settings = load_settings()
    if settings.storage_backend != "local":
        raise BackupError("Lệnh này chỉ dọn thư mục lưu tệp cục bộ (storage backend = local).")
    with read(engine()) as conn:
        referenced = file_sweep.referenced_keys(conn)
    found = file_sweep.orphans(settings.storage_dir, referenced, older_than_seconds=args.hours * 3600)
    for path in found:
        print(path.relative_to(settings.storage_dir).as_posix())
    if not args.dry_run:
        file_sweep.remove(settings.storage_dir, found)
    print(f"{'Tìm thấy' if args.dry_run else 'Đã xóa'} {len(found)} tệp mồ côi.")
