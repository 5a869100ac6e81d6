"""Finding 9: a mistyped SQLite path silently backed up a new empty database (exit 0), bad targets ended in a
traceback, backups were world-readable, stored scans were left out, and there was no restore."""

from __future__ import annotations

import stat
import tarfile
from dataclasses import dataclass

import pytest
from sqlalchemy import delete, func, select

import manage as manage_py
from db.engine import read, write
from db.schema import audit_log


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def manage(monkeypatch, capsys):
    """manage.py's own main(), in this process (a subprocess costs seconds of start-up on a loaded machine)."""

    def run(database_url: str, storage: str, *args: str) -> Result:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("MOTCUA_STORAGE_DIR", storage)
        capsys.readouterr()
        code = manage_py.main(list(args))
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def test_a_mistyped_sqlite_path_is_an_error_not_an_empty_backup(manage, tmp_path):
    missing = tmp_path / "khong-co.db"
    result = manage(f"sqlite:///{missing}", str(tmp_path / "files"), "backup", "--output", str(tmp_path / "b.tar.gz"))
    assert result.returncode == 2 and "Không tìm thấy tệp cơ sở dữ liệu SQLite" in result.stderr
    assert not missing.exists() and not (tmp_path / "b.tar.gz").exists()
    assert "Traceback" not in result.stderr


def test_an_unwritable_target_is_a_vietnamese_error_not_a_traceback(manage, demo, tmp_path):
    result = manage(demo.url, str(tmp_path / "files"), "backup", "--output", "/proc/khong-ghi-duoc/b.tar.gz")
    assert result.returncode == 2 and result.stderr.startswith("Lỗi:") and "Traceback" not in result.stderr


def test_backup_holds_database_and_files_for_the_owner_only_and_restore_brings_both_back(manage, demo, tmp_path):
    files = tmp_path / "files"
    (files / "dossiers" / "X").mkdir(parents=True)
    (files / "dossiers" / "X" / "scan.pdf").write_bytes(b"%PDF-1.4 scan")
    archive = tmp_path / "backups" / "motcua.tar.gz"
    done = manage(demo.url, str(files), "backup", "--output", str(archive))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as contents:
        names = contents.getnames()
    assert "files/dossiers/X/scan.pdf" in names and any(n.startswith("database.") for n in names)

    rows = _audit_rows(demo)
    with write(demo.engine) as conn:
        conn.execute(delete(audit_log))
    (files / "dossiers" / "X" / "scan.pdf").unlink()
    refused = manage(demo.url, str(files), "restore", str(archive))
    assert refused.returncode == 2 and "--yes" in refused.stderr
    restored = manage(demo.url, str(files), "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    demo.engine.dispose()
    assert _audit_rows(demo) == rows > 0
    assert (files / "dossiers" / "X" / "scan.pdf").read_bytes() == b"%PDF-1.4 scan"


def test_restore_refuses_a_file_that_is_not_a_backup(manage, demo, tmp_path):
    bogus = tmp_path / "khong-phai.tar.gz"
    bogus.write_bytes(b"not a tar")
    result = manage(demo.url, str(tmp_path / "files"), "restore", str(bogus), "--yes")
    assert result.returncode == 2 and "không phải bản sao lưu" in result.stderr


def _audit_rows(demo) -> int:
    with read(demo.engine) as conn:
        return conn.scalar(select(func.count()).select_from(audit_log))
