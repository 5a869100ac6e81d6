"""The light web routes answer beside Streamlit; /api/health reports the database."""

from starlette.applications import Starlette
from starlette.testclient import TestClient

from web import runtime
from web.routes import ROUTES


def client_for(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    return TestClient(Starlette(routes=ROUTES))


def test_health_says_ok_when_the_database_answers(database, monkeypatch):
    response = client_for(database.url, monkeypatch).get("/api/health")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_health_says_503_when_the_database_is_down(monkeypatch):
    response = client_for("postgresql+psycopg://postgres@127.0.0.1:1/none", monkeypatch).get("/api/health")
    assert response.status_code == 503
    assert "Không kết nối được" in response.json()["database"]
