"""manage.py on a real database: migrate, seed twice, create a user from stdin, back up SQLite."""

import os
import sqlite3
import subprocess
import sys

from sqlalchemy import func, select

from db.engine import read
from db.schema import units, users
from tests.conftest import ROOT


def manage(database_url, *args, stdin=""):
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_seed_demo_twice_adds_nothing_the_second_time(database):
    assert manage(database.url, "seed-demo").returncode == 0
    assert manage(database.url, "seed-demo").returncode == 0
    with read(database.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(units)) == 94
        assert conn.scalar(select(func.count()).select_from(users).where(users.c.username == "admin")) == 1


def test_create_user_reads_the_password_from_stdin(demo):
    result = manage(
        demo.url,
        "create-user",
        "--username",
        "motcua3.nhs",
        "--name",
        "Cán bộ Ba",
        "--roles",
        "clerk",
        "--unit",
        "NGUHANHSON",
        "--password-stdin",
        stdin="mat-khau-rat-dai\n",
    )
    assert result.returncode == 0, result.stderr
    with read(demo.engine) as conn:
        assert conn.scalar(select(users.c.roles).where(users.c.username == "motcua3.nhs")) == "clerk"


def test_create_user_with_a_short_password_fails_with_a_vietnamese_message(demo):
    result = manage(
        demo.url,
        "create-user",
        "--username",
        "x.nhs",
        "--name",
        "X",
        "--roles",
        "clerk",
        "--unit",
        "NGUHANHSON",
        "--password-stdin",
        stdin="ngan\n",
    )
    assert result.returncode == 2
    assert "ít nhất 8 ký tự" in result.stderr


def test_backup_of_sqlite_is_a_consistent_readable_copy(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert manage(url, "migrate").returncode == 0
    assert manage(url, "seed-demo").returncode == 0
    target = tmp_path / "copy.db"
    assert manage(url, "backup", "--output", str(target)).returncode == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from units").fetchone()[0] == 94


def test_backup_on_postgresql_prints_the_pg_dump_command_without_the_password():
    result = manage("postgresql+psycopg://postgres:secret@127.0.0.1:5432/test", "backup")
    assert "pg_dump" in result.stdout and "secret" not in result.stdout
