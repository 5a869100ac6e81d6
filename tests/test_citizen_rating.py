"""The citizen rates, not the clerk: only after the result is returned, from the receipt's signed link, on three
levels with an optional comment, one rating per dossier, changeable for a configurable number of days; the unit's
satisfaction figure follows these ratings only, and no staff service or page can set one."""

from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read, write
from db.schema import dossier_events, dossier_ratings
from services.core.clock import local, now
from services.core.errors import ValidationError
from services.dossiers import citizen_rating, counter_results, returns
from services.dossiers.citizen_rating import RatingRefused
from services.dossiers.flow import load
from services.dossiers.public_status import sign_token
from services.ioc import kpi
from tests.builders import actor
from tests.conftest import ROOT
from tests.intake_builders import MARRIAGE_ENTRY, TUESDAY_9AM, receive_marriage, store_in
from web import runtime
from web.routes import ROUTES

DAYS = 7


def returned_marriage(engine, tmp_path, at=TUESDAY_9AM):
    clerk = actor(engine, "motcua.nhs")
    receipt = receive_marriage(engine, clerk, store_in(tmp_path), at=at)
    with write(engine) as conn:
        counter_results.record_decision(
            conn, clerk, dossier_id=receipt.dossier_id, expected_version=load(conn, receipt.dossier_id)["version"],
            approve=True, at=at + timedelta(hours=1), marriage=MARRIAGE_ENTRY,
        )  # fmt: skip
        returns.return_result(
            conn, clerk, dossier_id=receipt.dossier_id, expected_version=load(conn, receipt.dossier_id)["version"],
            collector_name="Nguyễn Văn An", collector_cccd="048095001234", at=at + timedelta(hours=2),
        )  # fmt: skip
    return receipt


def rate(engine, dossier_id, rating, *, at, comment=""):
    with write(engine) as conn:
        return citizen_rating.rate_dossier(
            conn, dossier_id=dossier_id, rating=rating, comment=comment, change_days=DAYS, at=at
        )


def stored(engine, dossier_id):
    with read(engine) as conn:
        return conn.execute(select(dossier_ratings).where(dossier_ratings.c.dossier_id == dossier_id)).one()


def test_the_citizen_rates_once_and_may_change_it_within_the_window(demo_engine, tmp_path):
    receipt = returned_marriage(demo_engine, tmp_path)
    first = rate(demo_engine, receipt.dossier_id, "very_satisfied", at=TUESDAY_9AM + timedelta(hours=3))
    assert first == {"rating": "very_satisfied", "rating_label": "Rất hài lòng", "changed": False}
    rate(demo_engine, receipt.dossier_id, "not_satisfied", at=TUESDAY_9AM + timedelta(days=6), comment=" Chờ lâu ")
    row = stored(demo_engine, receipt.dossier_id)
    assert (row.rating, row.comment, row.change_count) == ("not_satisfied", "Chờ lâu", 1)
    with read(demo_engine) as conn:
        count = conn.scalar(select(func.count()).where(dossier_ratings.c.dossier_id == receipt.dossier_id))
    assert count == 1


def test_the_rating_closes_after_the_configured_days(demo_engine, tmp_path):
    receipt = returned_marriage(demo_engine, tmp_path)
    rate(demo_engine, receipt.dossier_id, "satisfied", at=TUESDAY_9AM + timedelta(hours=3))
    with pytest.raises(RatingRefused, match="hết thời hạn"):
        rate(demo_engine, receipt.dossier_id, "not_satisfied", at=TUESDAY_9AM + timedelta(days=DAYS, hours=3))
    assert stored(demo_engine, receipt.dossier_id).rating == "satisfied"


def test_a_dossier_is_rated_only_after_its_result_is_returned_and_only_on_the_three_levels(demo_engine, tmp_path):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))
    with pytest.raises(RatingRefused, match="sau khi đã nhận kết quả"):
        rate(demo_engine, receipt.dossier_id, "satisfied", at=TUESDAY_9AM + timedelta(hours=1))
    returned = returned_marriage(demo_engine, tmp_path, at=TUESDAY_9AM + timedelta(days=1))
    with pytest.raises(ValidationError, match="mức đánh giá"):
        rate(demo_engine, returned.dossier_id, "excellent", at=TUESDAY_9AM + timedelta(days=1, hours=3))


def test_a_forged_link_cannot_rate(demo_engine, tmp_path):
    receipt = returned_marriage(demo_engine, tmp_path)
    with write(demo_engine) as conn, pytest.raises(RatingRefused, match="không hợp lệ"):
        citizen_rating.rate_by_token(
            conn, secret="s" * 40, token=f"{receipt.dossier_id}.forged", rating="not_satisfied", change_days=DAYS
        )


def test_no_staff_service_or_page_takes_a_rating():
    assert "rating" not in inspect.signature(returns.return_result).parameters
    assert "rating" not in inspect.signature(counter_results.record_decision).parameters
    for folder in ("pages", "components"):
        for path in Path(ROOT, folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "rate_dossier" not in text and "rate_by_token" not in text, path


@pytest.fixture
def client(demo, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo.url)
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    yield TestClient(Starlette(routes=ROUTES), follow_redirects=False)
    runtime.engine.cache_clear()
    runtime.settings.cache_clear()


def satisfaction(engine, unit_id):
    today = local(now()).date()
    with read(engine) as conn:
        w = kpi.window(today - timedelta(days=30), today)
        return kpi.derive(kpi.dossier_counts(conn, unit_id, w))["satisfaction"]


def test_the_status_page_form_records_the_citizens_rating_and_the_unit_satisfaction_drops(demo, client, tmp_path):
    receipt = returned_marriage(demo.engine, tmp_path, at=now() - timedelta(hours=3))
    token = sign_token(runtime.settings().token_secret, receipt.dossier_id)
    page = client.get(f"/tra-cuu?t={token}").text
    assert "Đánh giá mức độ hài lòng" in page and "Không hài lòng" in page and "Gửi đánh giá" in page
    unit_id = load_unit(demo.engine, receipt.dossier_id)
    before = satisfaction(demo.engine, unit_id)
    response = client.post("/tra-cuu/danh-gia", data={"t": token, "muc": "not_satisfied", "y_kien": "<b>Lâu</b>"})
    assert response.status_code == 303 and "da_danh_gia=1" in response.headers["location"]
    page = client.get(response.headers["location"]).text
    assert "Cảm ơn bạn đã đánh giá" in page and "Đổi đánh giá" in page and "&lt;b&gt;Lâu&lt;/b&gt;" in page
    assert satisfaction(demo.engine, unit_id) < before


def test_a_rating_posted_before_the_return_is_refused_in_vietnamese(demo, client, tmp_path):
    receipt = receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), store_in(tmp_path))
    token = sign_token(runtime.settings().token_secret, receipt.dossier_id)
    assert "Đánh giá mức độ hài lòng" not in client.get(f"/tra-cuu?t={token}").text
    response = client.post("/tra-cuu/danh-gia", data={"t": token, "muc": "satisfied"})
    assert response.status_code == 400 and "sau khi đã nhận kết quả" in response.text


def load_unit(engine, dossier_id):
    with read(engine) as conn:
        return load(conn, dossier_id)["processing_unit_id"]


def test_the_counter_tablet_shows_only_the_dossier_its_clerk_just_returned(demo, client, tmp_path):
    clerk = actor(demo.engine, "motcua.nhs")
    older = returned_marriage(demo.engine, tmp_path, at=now() - timedelta(hours=5))
    receipt = returned_marriage(demo.engine, tmp_path, at=now() - timedelta(hours=2, minutes=3))
    with write(demo.engine) as conn:  # hand-over just now: the marriage was returned 2 h after receipt
        conn.execute(
            dossier_events.update()
            .where(dossier_events.c.dossier_id == receipt.dossier_id, dossier_events.c.action == "return_result")
            .values(at=now() - timedelta(minutes=1))
        )
    token = citizen_rating.tablet_token(runtime.settings().token_secret, clerk.user_id)
    page = client.get(f"/danh-gia-quay?k={token}").text
    assert receipt.code in page and older.code not in page and "Gửi đánh giá" in page
    refused = client.post("/danh-gia-quay", data={"k": token, "hs": str(older.dossier_id), "muc": "satisfied"})
    assert refused.status_code == 400 and "không còn chờ đánh giá" in refused.text
    done = client.post("/danh-gia-quay", data={"k": token, "hs": str(receipt.dossier_id), "muc": "very_satisfied"})
    assert done.status_code == 303 and "Cảm ơn" in client.get(done.headers["location"]).text
    row = stored(demo.engine, receipt.dossier_id)
    assert (row.rating, row.source) == ("very_satisfied", "counter_tablet")
    assert client.get(f"/danh-gia-quay?k={clerk.user_id}.forged").status_code == 403
