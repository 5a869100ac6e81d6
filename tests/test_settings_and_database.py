"""Settings refuse unsafe secrets; bad database URLs give Vietnamese messages."""

import pytest

from config import SettingsError, load_settings
from db.engine import DatabaseError, build_engine, check_connection


def test_outside_demo_mode_a_missing_cookie_key_stops_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("MOTCUA_DEMO", "false")
    monkeypatch.delenv("MOTCUA_COOKIE_KEY", raising=False)
    with pytest.raises(SettingsError, match="cookie_key"):
        load_settings()


@pytest.mark.parametrize("key", ["change-me", "short-key"])
def test_outside_demo_mode_a_placeholder_or_short_key_is_refused(monkeypatch, tmp_path, key):
    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("MOTCUA_DEMO", "false")
    monkeypatch.setenv("MOTCUA_COOKIE_KEY", key)
    with pytest.raises(SettingsError):
        load_settings()


def test_secrets_file_sets_the_database_and_keys(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    key = "Qm3v8K2pLx7RtZ9wYc4NfJ6hDs1BgE5u"
    secrets.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/x.db"\n[app]\ndemo_mode = false\ncookie_key = "{key}"\n'
        f'token_secret = "{key}t"\npublic_base_url = "https://motcua.example.vn"\n'
    )
    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(secrets))
    for name in ("DATABASE_URL", "MOTCUA_DEMO", "MOTCUA_COOKIE_KEY", "MOTCUA_TOKEN_SECRET", "MOTCUA_PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url.endswith("x.db") and not settings.demo_mode and settings.cookie_key == key


def test_environment_variable_wins_over_the_secrets_file(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[database]\nurl = "sqlite:///from-file.db"\n')
    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    assert load_settings().database_url == "sqlite:///from-env.db"


@pytest.mark.parametrize("url", ["khong-phai-url", "mysql://x@y/z", "postgresql+nosuchdriver://a@b/c"])
def test_a_malformed_database_url_is_explained_in_vietnamese(url):
    with pytest.raises(DatabaseError, match="DATABASE_URL"):
        build_engine(url)


def test_an_unreachable_database_is_explained_in_vietnamese():
    engine = build_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with pytest.raises(DatabaseError, match="Không kết nối được"):
        check_connection(engine)
