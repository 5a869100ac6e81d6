"""Open311 GeoReport v2 through a client that uses only the standard's documented fields: services, create a request
with a photo, read its status and the answer, filters, tokens; bad input answers in the standard's error format
and stores nothing."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read, write
from db.schema import feedback, feedback_details, feedback_photos
from services.core.files import LocalFileStore
from services.feedback import desk as feedback_desk
from services.feedback import open311 as feedback_open311
from tests.builders import actor
from web import runtime
from web.routes import ROUTES

V2 = "/open311/v2"
FIGHT = "Đang có đánh nhau bằng dao trước nhà hàng trên đường Trường Sa, nhiều người hoảng sợ."
POTHOLE = "Ổ gà lớn giữa đường Lê Văn Hiến trước số 120, xe máy đi qua rất dễ ngã, đề nghị vá sớm."


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def api(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", demo.url)
    monkeypatch.setenv("MOTCUA_STORAGE_DIR", str(tmp_path / "files"))
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    with TestClient(Starlette(routes=ROUTES)) as client:
        yield client
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()


@pytest.fixture
def key(demo):
    with write(demo.engine) as conn:
        return feedback_open311.create_client(conn, actor(demo.engine, "admin"), name="Cổng Góp ý Đà Nẵng")


def request_fields(key, **changes) -> dict:
    return {
        "api_key": key,
        "jurisdiction_id": "NGUHANHSON",
        "service_code": "giao_thong_ha_tang",
        "lat": "16.0001",
        "long": "108.2502",
        "address_string": "120 Lê Văn Hiến, phường Ngũ Hành Sơn",
        "description": POTHOLE,
        "first_name": "Văn",
        "last_name": "An",
        "phone": "0905123456",
        **changes,
    }


def stored(demo) -> tuple[int, int]:
    with read(demo.engine) as conn:
        return (
            conn.scalar(select(func.count()).select_from(feedback)),
            conn.scalar(select(func.count()).select_from(feedback_photos)),
        )


def test_the_service_list_is_the_feedback_categories(api):
    services = api.get(f"{V2}/services.json").json()
    assert {s["service_code"] for s in services} >= {"moi_truong", "giao_thong_ha_tang", "khac"}
    assert all(s["type"] == "realtime" and s["metadata"] is False for s in services)
    assert api.get(f"{V2}/services/moi_truong.json").json() == {"service_code": "moi_truong", "attributes": []}
    assert api.get(f"{V2}/services.xml").text.startswith('<?xml version="1.0" encoding="utf-8"?><services><service>')


def test_a_client_creates_a_request_with_a_photo_reads_its_status_and_sees_the_answer(api, demo, key, tmp_path):
    created = api.post(
        f"{V2}/requests.json", data=request_fields(key), files={"media": ("o-ga.png", png(), "image/png")}
    )
    assert created.status_code == 200, created.text
    request_id = created.json()[0]["service_request_id"]
    assert created.json()[0]["token"]
    status = api.get(f"{V2}/requests/{request_id}.json", params={"api_key": key}).json()[0]
    assert status["status"] == "open" and status["service_code"] == "giao_thong_ha_tang"
    assert "Ngũ Hành Sơn" in status["agency_responsible"] and status["expected_datetime"]
    assert (status["lat"], status["long"]) == (16.0001, 108.2502)
    assert "0905123456" not in str(status)
    with read(demo.engine) as conn:
        details = conn.execute(select(feedback_details).where(feedback_details.c.feedback_id == int(request_id))).one()
        assert details.source == "open311" and details.client_id is not None
        assert (
            conn.scalar(
                select(func.count())
                .select_from(feedback_photos)
                .where(feedback_photos.c.feedback_id == int(request_id))
            )
            == 1
        )
        version = conn.scalar(select(feedback.c.version).where(feedback.c.id == int(request_id)))
    answer = "Đội duy tu đã vá ổ gà trước số 120 Lê Văn Hiến sáng nay; cảm ơn người dân đã phản ánh."
    with write(demo.engine) as conn:
        feedback_desk.answer(
            conn,
            actor(demo.engine, "lanhdao.nhs"),
            store=LocalFileStore(tmp_path / "files"),
            feedback_id=int(request_id),
            text=answer,
            expected_version=version,
        )
    closed = api.get(f"{V2}/requests/{request_id}.json", params={"api_key": key}).json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == answer
    assert closed["updated_datetime"] >= status["updated_datetime"]
    token = created.json()[0]["token"]
    assert api.get(f"{V2}/tokens/{token}.json").json() == [{"service_request_id": request_id, "token": token}]
    public = api.get(f"{V2}/requests.json").json()
    assert request_id in [r["service_request_id"] for r in public]


def test_a_request_enters_the_same_classification_and_same_day_deadline_for_an_emergency(api, demo, key):
    created = api.post(f"{V2}/requests.json", data=request_fields(key, description=FIGHT, service_code="khac"))
    request_id = int(created.json()[0]["service_request_id"])
    with read(demo.engine) as conn:
        item = conn.execute(select(feedback).where(feedback.c.id == request_id)).one()
        details = conn.execute(select(feedback_details).where(feedback_details.c.feedback_id == request_id)).one()
    assert item.urgent and item.kind == "urgent" and "Bạo lực" in details.emergency


def test_the_ward_comes_from_the_address_when_no_jurisdiction_is_given(api, demo, key):
    fields = request_fields(key, jurisdiction_id="", lat="", long="", address_string="Kiệt 5 Trần Phú, phường Hải Châu")
    created = api.post(f"{V2}/requests.json", data=fields)
    listed = api.get(f"{V2}/requests/{created.json()[0]['service_request_id']}.json", params={"api_key": key}).json()
    assert listed[0]["jurisdiction_id"] == "HAICHAU"


def test_the_request_list_filters_by_the_standard_s_parameters(api, demo, key):
    first = api.post(f"{V2}/requests.json", data=request_fields(key)).json()[0]["service_request_id"]
    second = api.post(
        f"{V2}/requests.json",
        data=request_fields(
            key, description="Rác thải ùn ứ nhiều ngày ở đầu kiệt 45, bốc mùi hôi thối.", service_code="moi_truong"
        ),
    ).json()[0]["service_request_id"]

    def listed(**params):
        answer = api.get(f"{V2}/requests.json", params={"api_key": key, **params})
        return [r["service_request_id"] for r in answer.json()]

    assert set(listed(service_request_id=f"{first},{second}")) == {first, second}
    assert second in listed(service_code="moi_truong") and first not in listed(service_code="moi_truong")
    assert {first, second} <= set(listed(status="open")) and first not in listed(status="closed")
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert listed(start_date=later) == []
    assert first in listed() and first not in [
        r["service_request_id"] for r in api.get(f"{V2}/requests.json").json()
    ]  # no key: answered items only


@pytest.mark.parametrize(
    "changes, files, status, words",
    [
        ({"api_key": ""}, None, 403, "api_key"),
        ({"api_key": "not-a-key"}, None, 403, "api_key"),
        ({"service_code": "graffiti"}, None, 404, "service_code"),
        ({"service_code": ""}, None, 400, "service_code"),
        ({"lat": "", "long": "", "address_string": ""}, None, 400, "lat/long"),
        ({"lat": "91", "long": "500"}, None, 400, "Vị trí"),
        ({"lat": "abc", "long": "108"}, None, 400, "Tọa độ"),
        ({"jurisdiction_id": "NOWHERE"}, None, 404, "jurisdiction_id"),
        ({"media_url": "javascript:alert(1)"}, None, 400, "media_url"),
        ({}, {"media": ("virus.png", b"MZ\x90\x00" + b"\x00" * 100, "image/png")}, 400, ""),
        ({}, {"media": ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (9 * 1024 * 1024), "image/png")}, 400, ""),
    ],
)
def test_bad_requests_answer_in_the_standard_error_format_and_store_nothing(
    api, demo, key, changes, files, status, words
):
    before = stored(demo)
    answer = api.post(f"{V2}/requests.json", data=request_fields(key, **changes), files=files)
    body = answer.json()
    assert answer.status_code == status and body[0]["code"] == status and words in body[0]["description"]
    assert stored(demo) == before


def test_an_oversized_body_is_refused_before_it_is_read(api, demo, key):
    answer = api.post(
        f"{V2}/requests.json",
        content=b"x" * 10,
        headers={"content-length": str(60 * 1024 * 1024), "content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413 and answer.json()[0]["code"] == 413


@pytest.mark.parametrize("param", ["start_date", "end_date"])
def test_malformed_or_zoneless_dates_are_errors(api, key, param):
    for value in ["hôm qua", "2026-06-22T09:00:00"]:
        answer = api.get(f"{V2}/requests.json", params={"api_key": key, param: value})
        assert answer.status_code == 400 and param in answer.json()[0]["description"]


def test_unknown_requests_tokens_and_formats_are_not_found_in_the_error_format(api, key):
    assert api.get(f"{V2}/requests/999999.json", params={"api_key": key}).json()[0]["code"] == 404
    assert api.get(f"{V2}/tokens/nope.json").status_code == 404
    assert api.get(f"{V2}/services.csv").json()[0]["code"] == 400
    assert api.get(f"{V2}/requests.json", params={"status": "pending"}).json()[0]["code"] == 400
    assert api.get(f"{V2}/requests/1.xml", params={"api_key": "wrong"}).text.startswith("<?xml")


def test_a_pushed_update_closes_the_item_once_even_when_repeated(api, demo, key):
    request_id = api.post(f"{V2}/requests.json", data=request_fields(key)).json()[0]["service_request_id"]
    update = {
        "api_key": key,
        "service_request_id": request_id,
        "update_id": "u-1",
        "status": "closed",
        "description": "Đã vá xong ổ gà, mặt đường đã thông thoáng trở lại.",
    }
    for _ in range(2):
        assert api.post(f"{V2}/servicerequestupdates.json", data=update).json() == [{"update_id": "u-1"}]
    closed = api.get(f"{V2}/requests/{request_id}.json", params={"api_key": key}).json()[0]
    assert closed["status"] == "closed" and "vá xong" in closed["status_notes"]
    with read(demo.engine) as conn:
        from db.schema import feedback_events

        answers = conn.scalar(
            select(func.count())
            .select_from(feedback_events)
            .where(feedback_events.c.feedback_id == int(request_id), feedback_events.c.action == "answer")
        )
    assert answers == 1


def test_manage_py_issues_a_key_once_lists_it_by_its_first_characters_and_revokes_it(api, demo):
    from tests.test_manage_commands import manage

    created = manage(demo.url, "open311-client", "--name", "Hệ thống phường")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert api.get(f"{V2}/requests.json", params={"api_key": key}).status_code == 200
    listed = manage(demo.url, "open311-client", "--list").stdout
    assert f"Hệ thống phường\t{key[:6]}…\tđang dùng" in listed and key not in listed
    assert manage(demo.url, "open311-client", "--name", "Hệ thống phường", "--deactivate").returncode == 0
    refused = api.get(f"{V2}/requests.json", params={"api_key": key})
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
