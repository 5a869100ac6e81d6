"""Finding 1: demo mode was on by default, so its published cookie key and status-link secret were live."""

from __future__ import annotations

import asyncio
import secrets

import jwt
import pytest

from config import DEMO_KEY, SettingsError, load_settings
from services.dossiers import public_status
from tests.conftest import ROOT


def test_with_only_database_url_set_the_app_is_in_production_and_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(tmp_path / "none.toml"))
    for name in ("MOTCUA_DEMO", "MOTCUA_COOKIE_KEY", "MOTCUA_TOKEN_SECRET", "MOTCUA_PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(SettingsError, match="cookie_key"):
        load_settings()


def test_the_server_itself_refuses_to_start_without_real_secrets(monkeypatch, tmp_path):
    from server import refuse_unsafe_start
    from web import runtime

    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.delenv("MOTCUA_DEMO")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    runtime.settings.cache_clear()

    async def start():
        async with refuse_unsafe_start(None):
            pass

    try:
        with pytest.raises(SettingsError):
            asyncio.run(start())
    finally:
        runtime.settings.cache_clear()


def test_a_cookie_or_status_link_signed_with_the_key_in_the_source_is_refused(production):
    production.setenv("MOTCUA_COOKIE_KEY", DEMO_KEY)
    with pytest.raises(SettingsError, match="khóa demo"):
        load_settings()
    production.setenv("MOTCUA_COOKIE_KEY", secrets.token_urlsafe(48))
    settings = load_settings()
    forged_cookie = jwt.encode({"username": "admin", "exp_date": 9e9}, DEMO_KEY, algorithm="HS256")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged_cookie, settings.cookie_key, algorithms=["HS256"])
    forged_link = public_status.sign_token(DEMO_KEY + "-tokens", 1)
    assert public_status.dossier_id_from_token(settings.token_secret, forged_link) is None


def test_make_run_and_make_seed_switch_the_demo_on_explicitly():
    makefile = (ROOT / "Makefile").read_text()
    assert "seed run: export MOTCUA_DEMO := true" in makefile
