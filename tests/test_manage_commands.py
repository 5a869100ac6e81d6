"""manage.py on a real database: migrate, seed twice, create a user from stdin (backup: tests/security/)."""

import os
import secrets
import subprocess
import sys

from sqlalchemy import select

from db.engine import read
from db.schema import users
from tests.conftest import ROOT

PRODUCTION_SETTINGS = {
    "MOTCUA_DEMO": "false",
    "MOTCUA_COOKIE_KEY": secrets.token_urlsafe(48),
    "MOTCUA_TOKEN_SECRET": secrets.token_urlsafe(48),
    "MOTCUA_PUBLIC_BASE_URL": "https://motcua.example.vn",
}


def manage(database_url, *args, stdin="", demo_mode=True):
    """manage.py in a subprocess; demo_mode=False runs it as a real deployment would, with real secrets."""
    mode = {"MOTCUA_DEMO": "true"} if demo_mode else PRODUCTION_SETTINGS
    env = {**os.environ, "DATABASE_URL": database_url, **mode}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
