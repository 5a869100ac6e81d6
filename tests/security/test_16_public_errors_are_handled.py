"""Finding 16: huge integers in paths or query strings (SQLite overflow) and 200,000-deep JSON were unhandled 500s,
a database outage was answered 404 or 400, and with a placeholder key every public route was a bare 500. One set of
exception handlers (web.security, registered on st.App) now answers all public routes."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.security.conftest import public_app

HUGE = "9" * 40


@pytest.mark.parametrize(
    "path",
    [
        f"/gop-y/anh/{HUGE}",
        f"/gop-y/cong-khai?trang={HUGE}",
        f"/gop-y/cong-khai?don-vi={HUGE}",
        f"/tra-cuu?t={HUGE}.abc",
        f"/api/tra-cuu?t={HUGE}.abc",
    ],
)
def test_huge_integers_are_a_bad_request_not_a_server_error(public_client, path):
    response = public_client.get(path)
    assert response.status_code < 500, response.text[:200]


def test_json_nested_200000_deep_is_a_bad_request(public_client):
    deep = b"[" * 200_000 + b"]" * 200_000
    response = public_client.post("/api/readings", content=deep[:999_000], headers={"content-type": "application/json"})
    assert response.status_code == 400 and "error" in response.json()


@pytest.fixture
def database_down(monkeypatch, tmp_path, fresh_runtime):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/khong_co")
    monkeypatch.setenv("MOTCUA_STORAGE_DIR", str(tmp_path / "files"))
    with TestClient(public_app(), follow_redirects=False, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/gop-y"),
        ("GET", "/gop-y/theo-doi?ma=PA-AAAA-BBBB"),
        ("POST", "/gop-y/danh-gia"),
        ("GET", "/tra-cuu?t=1.abc"),
        ("POST", "/tra-cuu"),
        ("GET", "/lay-so/NGUHANHSON"),
        ("GET", "/man-hinh/NGUHANHSON"),
    ],
)
def test_a_database_outage_is_a_503_page_in_vietnamese(database_down, method, path):
    response = database_down.request(method, path, content=b"ma=PA-AAAA-BBBB&so=1234")
    assert response.status_code == 503 and "Không kết nối được cơ sở dữ liệu" in response.text


def test_a_database_outage_on_a_json_route_is_a_503_json(database_down):
    response = database_down.get("/api/so/abc")
    assert response.status_code == 503 and "Không kết nối được" in response.json()["error"]


def test_production_with_a_placeholder_key_answers_503_in_vietnamese_not_a_bare_500(production, fresh_runtime):
    production.setenv("MOTCUA_COOKIE_KEY", "change-me")
    with TestClient(public_app(), raise_server_exceptions=False) as client:
        response = client.get("/gop-y")
    assert response.status_code == 503 and "chưa phục vụ được" in response.text
