"""The location on /gop-y: coordinates stored with the item, checked for range, the unit suggested from the address,
Leaflet served by the app, and the tile server allowed by the page's security policy only when configured."""

import re

import pytest
from sqlalchemy import select

from db.engine import read
from db.schema import feedback, feedback_details
from services.core.errors import ValidationError
from services.feedback.location import parse_coordinates, suggest_unit
from tests.test_feedback_web import client, form  # noqa: F401 (fixture)


def stored_details(demo, code):
    with read(demo.engine) as conn:
        feedback_id = conn.scalar(select(feedback.c.id).where(feedback.c.code == code))
        return conn.execute(select(feedback_details).where(feedback_details.c.feedback_id == feedback_id)).one()


def test_a_pinned_location_is_stored_with_the_unit_suggested_from_the_address(client, demo):  # noqa: F811
    data = form(demo, latitude="16.067812", longitude="108.221999", address="Kiệt 5 Trần Phú, phường Hải Châu")
    response = client.post("/gop-y", data=data, follow_redirects=False)
    code = re.search(r"ma=(PA-[A-Z0-9-]+)", response.headers["location"]).group(1)
    details = stored_details(demo, code)
    assert (details.latitude, details.longitude) == (16.067812, 108.221999)
    assert details.source == "gop-y" and details.suggestion_basis.startswith("Theo tên")
    with read(demo.engine) as conn:
        assert details.suggested_unit_id == suggest_unit(conn, address="phường Hải Châu")["unit_id"]


def test_coordinates_outside_vietnam_are_refused_on_the_form(client, demo):  # noqa: F811
    response = client.post("/gop-y", data=form(demo, latitude="48.85", longitude="2.35"))
    assert response.status_code == 400 and "ngoài phạm vi Việt Nam" in response.text


@pytest.mark.parametrize(
    "latitude, longitude, expected",
    [("", "", (None, None)), ("16.05", "108.2", (16.05, 108.2)), ("16.5", "112.0", (16.5, 112.0))],
)
def test_coordinates_are_both_or_neither_and_within_range(latitude, longitude, expected):
    assert parse_coordinates(latitude, longitude) == expected


@pytest.mark.parametrize("latitude, longitude", [("16", ""), ("abc", "108"), ("95", "108"), ("16", "200")])
def test_half_or_bad_coordinates_are_errors(latitude, longitude):
    with pytest.raises(ValidationError):
        parse_coordinates(latitude, longitude)


def test_the_form_serves_leaflet_itself_and_allows_no_tile_server_by_default(client):  # noqa: F811
    page = client.get("/gop-y")
    assert 'src="/public/static/leaflet/leaflet.js"' in page.text and 'id="use-location"' in page.text
    assert "img-src 'self';" in page.headers["Content-Security-Policy"]
    assert client.get("/public/static/leaflet/leaflet.js").text.startswith("/* @preserve\n * Leaflet 1.9.4")


def test_a_configured_tile_server_is_the_one_image_origin_added(client, monkeypatch):  # noqa: F811
    from web import runtime

    monkeypatch.setenv("MOTCUA_MAP_TILE_URL", "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    runtime.settings.cache_clear()
    page = client.get("/gop-y")
    assert "img-src 'self' https://*.tile.example.org;" in page.headers["Content-Security-Policy"]
    assert 'data-tiles="https://{s}.tile.example.org/{z}/{x}/{y}.png"' in page.text
