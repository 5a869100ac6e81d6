"""Typed settings, read once from the environment and `.streamlit/secrets.toml`, validated at start-up."""

from __future__ import annotations

import ipaddress
import math
import os
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'motcua.db'}"
PLACEHOLDER_KEYS = {"", "change-me", "changeme", "secret", "placeholder", "replace-me", "demo"}
MIN_COOKIE_KEY_LENGTH = 32
# Demo mode signs cookies and status links with this key; it is in the public source, so production refuses it.
DEMO_KEY = "demo-only-cookie-key-not-for-production-use-0123456789"
PUBLISHED_KEYS = {DEMO_KEY, DEMO_KEY + "-tokens"}
# A key of 32 random URL-safe characters carries ~190 bits; 'a' * 32 carries none. Shannon entropy per character of
# the key's own text must reach this many bits (token_urlsafe(48) gives ~5.5; an English sentence ~4).
MIN_KEY_BITS_PER_CHAR = 3.5


class SettingsError(Exception):
    """A setting is missing or unsafe; the message says which and why, in Vietnamese."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo_mode: bool
    cookie_key: str
    cookie_name: str
    token_secret: str
    storage_backend: str
    storage_dir: Path
    supabase_url: str
    supabase_key: str
    supabase_bucket: str
    public_base_url: str
    map_tile_url: str = ""  # e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty: the map shows no tiles
    feedback_transfer_clock: str = "restart"  # restart | keep: the deadline after a transfer between units
    rating_change_days: int = 7  # how long after the return a citizen may rate, or change their rating [unverified]
    trusted_proxies: tuple = ()


def _secrets() -> dict:
    path = Path(os.environ.get("MOTCUA_SECRETS_FILE", SECRETS_FILE))
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _pick(env: str, section: dict, key: str, default: str = "") -> str:
    if os.environ.get(env):
        return os.environ[env]
    value = section.get(key)
    return default if value is None or value == "" else str(value)


def _is_true(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def demo_mode_enabled(secrets: dict | None = None) -> bool:
    """Demo mode only when switched on (MOTCUA_DEMO=true or [app] demo_mode = true); `make run` switches it on."""
    app = (secrets if secrets is not None else _secrets()).get("app", {})
    return _is_true(_pick("MOTCUA_DEMO", app, "demo_mode", "false"))


def load_settings() -> Settings:
    secrets = _secrets()
    database = secrets.get("database", {})
    app = secrets.get("app", {})
    storage = secrets.get("storage", {})
    supabase = secrets.get("supabase", {})
    settings = Settings(
        database_url=_pick("DATABASE_URL", database, "url", DEFAULT_DATABASE_URL),
        demo_mode=demo_mode_enabled(secrets),
        cookie_key=_pick("MOTCUA_COOKIE_KEY", app, "cookie_key"),
        cookie_name=_pick("MOTCUA_COOKIE_NAME", app, "cookie_name", "motcua_auth"),
        token_secret=_pick("MOTCUA_TOKEN_SECRET", app, "token_secret"),
        storage_backend=_pick("MOTCUA_STORAGE", storage, "backend", "local"),
        storage_dir=Path(_pick("MOTCUA_STORAGE_DIR", storage, "dir", str(ROOT / "data" / "files"))),
        supabase_url=_pick("SUPABASE_URL", supabase, "url"),
        supabase_key=_pick("SUPABASE_KEY", supabase, "key"),
        supabase_bucket=_pick("SUPABASE_BUCKET", supabase, "bucket", "dossier-files"),
        public_base_url=_pick("MOTCUA_PUBLIC_BASE_URL", app, "public_base_url"),
        trusted_proxies=_networks(_pick("MOTCUA_TRUSTED_PROXIES", app, "trusted_proxies")),
        map_tile_url=_pick("MOTCUA_MAP_TILE_URL", secrets.get("feedback", {}), "map_tile_url"),
        feedback_transfer_clock=_pick(
            "MOTCUA_FEEDBACK_TRANSFER_CLOCK", secrets.get("feedback", {}), "transfer_clock", "restart"
        ),
        rating_change_days=_days(_pick("MOTCUA_RATING_CHANGE_DAYS", app, "rating_change_days", "7")),
    )
    return _with_demo_secrets(settings) if settings.demo_mode else _validated(settings)


def _days(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 90:
        raise SettingsError(f"[app] rating_change_days phải là số ngày từ 1 đến 90, không phải '{value}'.")
    return int(value)


def _with_demo_secrets(settings: Settings) -> Settings:
    """Demo mode runs with fixed, publicly known keys so `make run` needs no set-up; never use it for real data."""
    return replace(
        settings,
        cookie_key=settings.cookie_key or DEMO_KEY,
        token_secret=settings.token_secret or DEMO_KEY + "-tokens",
        public_base_url=settings.public_base_url or "http://localhost:8501",
    )


def _validated(settings: Settings) -> Settings:
    _require_secret("cookie_key", "MOTCUA_COOKIE_KEY", settings.cookie_key)
    _require_secret("token_secret", "MOTCUA_TOKEN_SECRET", settings.token_secret)
    if not settings.public_base_url.startswith(("https://", "http://")) or "localhost" in settings.public_base_url:
        raise SettingsError(
            "Chưa cấu hình [app] public_base_url (hoặc biến môi trường MOTCUA_PUBLIC_BASE_URL): địa chỉ công khai "
            "mà người dân mở được, vd. https://motcua.danang.gov.vn — mã QR in trên giấy hẹn và phiếu số "
            "dùng địa chỉ này."
        )
    if settings.storage_backend not in {"local", "supabase"}:
        raise SettingsError(
            f"[storage] backend phải là 'local' hoặc 'supabase', không phải '{settings.storage_backend}'."
        )
    if settings.feedback_transfer_clock not in {"restart", "keep"}:
        raise SettingsError("[feedback] transfer_clock phải là 'restart' hoặc 'keep'.")
    if settings.storage_backend == "supabase" and not (settings.supabase_url and settings.supabase_key):
        raise SettingsError("Lưu tệp trên Supabase cần [supabase] url và key trong .streamlit/secrets.toml.")
    return settings


def key_is_weak(value: str) -> bool:
    """Placeholder, published (in this source) or low-entropy keys: anyone could sign cookies and status links."""
    if value.strip().lower() in PLACEHOLDER_KEYS or value in PUBLISHED_KEYS or len(value) < MIN_COOKIE_KEY_LENGTH:
        return True
    counts = Counter(value)
    bits = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return bits < MIN_KEY_BITS_PER_CHAR


def _networks(text: str) -> tuple:
    """Trusted reverse proxies: addresses or CIDR ranges, comma-separated (only their X-Forwarded-For is believed)."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"[app] trusted_proxies (MOTCUA_TRUSTED_PROXIES) có địa chỉ không hợp lệ: {exc}") from exc


def _require_secret(name: str, env: str, value: str) -> None:
    if key_is_weak(value):
        raise SettingsError(
            f"Chưa cấu hình khóa bí mật [app] {name} (hoặc biến môi trường {env}): cần ít nhất "
            f"{MIN_COOKIE_KEY_LENGTH} ký tự ngẫu nhiên, không dùng giá trị mẫu hay khóa demo đã công bố. "
            'Tạo bằng: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


@dataclass(frozen=True)
class NotifySettings:
    """Where notifications go. No SMTP host: e-mails are written to a local maildir (nothing leaves the machine);
    no gateway URL: SMS/Zalo are written to a local JSON-lines file in demo mode and fail (retried) otherwise."""

    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    mail_from: str
    maildir: Path
    sms_gateway_url: str
    sms_gateway_key: str
    zalo_gateway_url: str
    zalo_gateway_key: str
    local_sink: Path
    demo_mode: bool


def load_notify_settings() -> NotifySettings:
    secrets = _secrets()
    notify = secrets.get("notify", {})
    demo = _is_true(_pick("MOTCUA_DEMO", secrets.get("app", {}), "demo_mode", "true"))
    return NotifySettings(
        smtp_host=_pick("MOTCUA_SMTP_HOST", notify, "smtp_host"),
        smtp_port=int(_pick("MOTCUA_SMTP_PORT", notify, "smtp_port", "25")),
        smtp_user=_pick("MOTCUA_SMTP_USER", notify, "smtp_user"),
        smtp_password=_pick("MOTCUA_SMTP_PASSWORD", notify, "smtp_password"),
        smtp_starttls=_is_true(_pick("MOTCUA_SMTP_STARTTLS", notify, "smtp_starttls", "false")),
        mail_from=_pick("MOTCUA_MAIL_FROM", notify, "mail_from", "Một cửa Đà Nẵng <khong-tra-loi@motcua.local>"),
        maildir=Path(_pick("MOTCUA_MAILDIR", notify, "maildir", str(ROOT / "data" / "maildir"))),
        sms_gateway_url=_pick("MOTCUA_SMS_GATEWAY_URL", notify, "sms_gateway_url"),
        sms_gateway_key=_pick("MOTCUA_SMS_GATEWAY_KEY", notify, "sms_gateway_key"),
        zalo_gateway_url=_pick("MOTCUA_ZALO_GATEWAY_URL", notify, "zalo_gateway_url"),
        zalo_gateway_key=_pick("MOTCUA_ZALO_GATEWAY_KEY", notify, "zalo_gateway_key"),
        local_sink=Path(_pick("MOTCUA_NOTIFY_SINK", notify, "local_sink", str(ROOT / "data" / "notify-sms.jsonl"))),
        demo_mode=demo,
    )
