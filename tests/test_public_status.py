"""The citizen's status page: a signed QR link or code + last 4 phone digits, masked data, the same answer for a
wrong code and a wrong phone, and attempts counted in the database."""

from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import write
from services.dossiers import public_status
from services.dossiers.public_status import mask_name, sign_token
from tests.builders import actor
from tests.intake_builders import TUESDAY_9AM, receive_marriage, store_in
from web import runtime
from web.routes import ROUTES


@pytest.fixture
def client(demo, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo.url)
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    yield TestClient(Starlette(routes=ROUTES), follow_redirects=False)
    runtime.engine.cache_clear()


@pytest.fixture
def marriage(demo_engine, tmp_path):
    return receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))


def secret() -> str:
    return runtime.settings().token_secret


@pytest.mark.parametrize(
    "name, masked",
    [("Nguyễn Văn An", "Nguyễn V. A."), ("Trần Thị Bích Ngọc", "Trần T. B. N."), ("Ánh", "Á."), ("", "")],
)
def test_names_are_shortened_for_the_public(name, masked):
    assert mask_name(name) == masked


def test_a_token_is_bound_to_its_dossier_and_to_the_secret():
    token = sign_token("secret-a", 42)
    assert public_status.dossier_id_from_token("secret-a", token) == 42
    assert public_status.dossier_id_from_token("secret-b", token) is None
    assert public_status.dossier_id_from_token("secret-a", "43." + token.split(".")[1]) is None


def test_the_qr_link_shows_procedure_status_timeline_and_appointment_without_personal_data(client, marriage):
    response = client.get(f"/tra-cuu?t={sign_token(secret(), marriage.dossier_id)}")
    assert response.status_code == 200
    page = response.text
    assert marriage.code in page and "Đăng ký kết hôn" in page and "Đã tiếp nhận" in page
    assert "17:00 10/03/2026" in page and "Nguyễn V. A." in page
    assert "048095001234" not in page and "Nguyễn Văn An" not in page and "0905123456" not in page
    data = client.get(f"/api/tra-cuu?t={sign_token(secret(), marriage.dossier_id)}").json()
    assert data["status"] == "received" and data["timeline"][0]["label"] == "Tiếp nhận hồ sơ"


def test_a_forged_link_is_refused(client, marriage):
    response = client.get(f"/tra-cuu?t={marriage.dossier_id}.forged")
    assert response.status_code == 404 and "không hợp lệ" in response.text
    assert client.get(f"/api/tra-cuu?t={marriage.dossier_id}.forged").status_code == 404


def test_code_and_last_four_phone_digits_lead_to_the_status_page(client, marriage):
    response = client.post("/tra-cuu", content=f"ma={marriage.code.lower()}&so=3456")
    assert response.status_code == 303
    assert client.get(response.headers["location"]).status_code == 200


def test_a_wrong_code_and_a_wrong_phone_get_the_same_answer(client, marriage):
    wrong_phone = client.post("/tra-cuu", content=f"ma={marriage.code}&so=0000")
    wrong_code = client.post("/tra-cuu", content="ma=NGUHANHSON-260310-0999&so=3456")
    assert wrong_phone.status_code == wrong_code.status_code == 200
    assert public_status.GENERIC_MISS in wrong_phone.text and public_status.GENERIC_MISS in wrong_code.text
    assert wrong_phone.text.replace(marriage.code, "X") == wrong_code.text.replace("NGUHANHSON-260310-0999", "X")


def test_after_five_failures_in_ten_minutes_even_the_right_answer_waits(client, marriage):
    for _ in range(5):
        client.post("/tra-cuu", content="ma=NGUHANHSON-260310-0999&so=1111")
    refused = client.post("/tra-cuu", content=f"ma={marriage.code}&so=3456")
    assert refused.status_code == 429 and "quá nhiều lần" in refused.text


def test_failures_on_one_code_from_many_addresses_also_slow_down_guessing(demo_engine, marriage):
    with write(demo_engine) as conn:
        for index in range(5):
            assert lookup(conn, marriage.code, f"{index:04d}", f"10.0.0.{index}").token is None
        assert lookup(conn, marriage.code, "3456", "10.0.0.99").throttled
        later = TUESDAY_9AM + timedelta(minutes=11)
        assert lookup(conn, marriage.code, "3456", "10.0.0.99", at=later).token


def lookup(conn, code, digits, client_key, at=TUESDAY_9AM):
    return public_status.lookup_by_code(
        conn, secret="s" * 32, code=code, phone_last4=digits, client_key=client_key, at=at
    )


def test_user_text_is_escaped_on_the_page(client):
    response = client.post("/tra-cuu", content="ma=<script>alert(1)</script>&so=1234")
    assert "<script>alert(1)" not in response.text and "&lt;script&gt;" in response.text
