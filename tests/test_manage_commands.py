"""manage.py on a real database: migrate, seed twice, create a user from stdin (backup: tests/security/)."""

import os
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
