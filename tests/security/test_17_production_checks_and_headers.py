"""Finding 17: production accepted the published demo key and 'a' * 32; the auth cookie was not Secure behind HTTPS;
no CSP or frame options were sent; public_base_url was optional (QR links to localhost); answer photos kept EXIF."""

from __future__ import annotations

import io

import pytest
import streamlit_authenticator as stauth
from PIL import Image
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from config import DEMO_KEY, SettingsError, load_settings
from services.core.files import check_upload
from tests.security.images import jpeg_with_gps
from web.security import MIDDLEWARE, SecurityHeaders


@pytest.mark.parametrize("key", [DEMO_KEY, DEMO_KEY + "-tokens", "a" * 32, "ab" * 20, "change-me"])
@pytest.mark.parametrize("variable", ["MOTCUA_COOKIE_KEY", "MOTCUA_TOKEN_SECRET"])
def test_production_refuses_published_and_low_entropy_keys(production, variable, key):
    production.setenv(variable, key)
    with pytest.raises(SettingsError):
        load_settings()


@pytest.mark.parametrize("address", ["", "http://localhost:8501", "motcua.danang.gov.vn"])
def test_production_requires_the_public_address_printed_in_qr_codes(production, address):
    production.setenv("MOTCUA_PUBLIC_BASE_URL", address)
    with pytest.raises(SettingsError, match="public_base_url"):
        load_settings()


def test_production_starts_with_real_random_secrets(production):
    settings = load_settings()
    assert not settings.demo_mode and settings.public_base_url == "https://motcua.example.vn"


def test_the_sign_in_cookie_is_secure_and_same_site_strict_behind_https():
    from components.auth import _harden_cookie

    auth = stauth.Authenticate({"usernames": {}}, "motcua_auth", "k" * 40, 1, auto_hash=False)
    _harden_cookie(auth, https=True)
    manager = auth.cookie_controller.cookie_model.cookie_manager
    written = {}
    manager.cookie_manager = lambda **kwargs: written.update(kwargs)
    manager.set("motcua_auth", "token")
    assert written["options"]["secure"] is True and written["options"]["sameSite"] == "strict"


def test_public_pages_send_a_content_security_policy_and_may_not_be_framed(public_client):
    headers = public_client.get("/tra-cuu").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_the_staff_app_may_be_framed_only_by_itself_and_loads_images_only_from_itself():
    import server

    assert any(m.cls is SecurityHeaders for m in server.app._user_middleware)
    staff = Starlette(routes=[Route("/", lambda r: PlainTextResponse("staff"))], middleware=MIDDLEWARE)
    headers = TestClient(staff).get("/").headers
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert "img-src 'self' data: blob:" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_an_uploaded_photo_loses_its_exif_gps_position():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    stored = check_upload("anh.jpg", original)
    assert not Image.open(io.BytesIO(stored.data)).getexif() and b"Exif" not in stored.data
