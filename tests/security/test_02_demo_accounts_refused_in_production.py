"""Finding 2: the demo accounts (admin / motcua@2026) signed in to a production-mode app."""

from __future__ import annotations

import asyncio

import pytest

from db.engine import read, write
from services.accounts import accounts
from services.accounts.deployment_checks import production_refusal
from tests.builders import actor
from web import runtime


def test_production_refuses_to_run_while_an_account_is_on_the_published_demo_password(demo):
    with read(demo.engine) as conn:
        refusal = production_refusal(conn, demo_mode=False)
        assert refusal and "admin" in refusal and "mật khẩu demo" in refusal
        assert production_refusal(conn, demo_mode=True) is None


def test_the_server_refuses_to_start_on_a_database_with_demo_accounts(demo, production, fresh_runtime):
    from server import refuse_unsafe_start

    production.setenv("DATABASE_URL", demo.url)
    runtime.settings.cache_clear()

    async def start():
        async with refuse_unsafe_start(None):
            pass

    with pytest.raises(RuntimeError, match="mật khẩu demo"):
        asyncio.run(start())


def test_changing_or_disabling_every_demo_password_lets_production_start(demo):
    with write(demo.engine) as conn:
        accounts.change_own_password(conn, actor(demo.engine, "admin"), current="motcua@2026", new="mat-khau-that-2026")
        names = accounts.disable_published_accounts(conn)
    assert "admin" not in names and "motcua.nhs" in names
    with read(demo.engine) as conn:
        assert production_refusal(conn, demo_mode=False) is None


def test_an_admin_setting_the_published_password_again_is_caught(demo):
    admin = actor(demo.engine, "admin")
    with write(demo.engine) as conn:
        accounts.change_own_password(conn, admin, current="motcua@2026", new="mat-khau-that-2026")
        accounts.disable_published_accounts(conn)
    with read(demo.engine) as conn:
        assert accounts.accounts_on_published_password(conn) == []
    with write(demo.engine) as conn:
        accounts.reset_password(conn, admin, user_id=admin.user_id, password="motcua@2026")
    with read(demo.engine) as conn:
        assert accounts.accounts_on_published_password(conn) == ["admin"]
