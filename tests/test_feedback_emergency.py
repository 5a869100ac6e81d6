"""The emergency safety net: every phrasing of the project's emergency set forces urgent and same-day handling,
with and without diacritics, while near misses that fold to the same letters do not."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from db.engine import read
from db.schema import feedback_events
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ
from services.core.text import ascii_fold
from services.core.working_time import Deadline, due_at
from services.feedback.classifier import load_examples, train
from services.feedback.details import details_of
from services.feedback.emergency import detect
from tests.test_feedback import row, store, submit  # noqa: F401 (fixture)

SET = Path(__file__).resolve().parent.parent / "services" / "feedback" / "data" / "feedback_emergencies.jsonl"
ROWS = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
EMERGENCIES = [r["text"] for r in ROWS if r["emergency"]]
NEAR_MISSES = [r["text"] for r in ROWS if not r["emergency"]]
MONDAY_9 = datetime(2026, 6, 22, 9, 0, tzinfo=LOCAL_TZ)
ARMED_FIGHT = "Đang có một nhóm người đánh nhau bằng dao trước nhà hàng hải sản trên đường Trường Sa, rất đông người."


@pytest.fixture(scope="module")
def classifier():
    return train(load_examples())


def test_the_emergency_set_has_at_least_100_phrasings_in_every_kind_with_and_without_diacritics():
    assert len(EMERGENCIES) >= 100
    assert {r["kind"] for r in ROWS if r["emergency"]} >= {
        "violence",
        "fire",
        "explosion",
        "collapse",
        "flood",
        "electric",
        "drowning",
        "person",
    }
    assert sum(text == ascii_fold(text) for text in EMERGENCIES) >= 30


def test_every_emergency_is_urgent_through_the_classifier_typed_either_way(classifier):
    missed = [
        t for t in EMERGENCIES if not (classifier.classify(t).urgent and classifier.classify(ascii_fold(t)).urgent)
    ]
    assert missed == []


def test_every_emergency_is_caught_by_the_rules_alone_so_no_model_can_outvote_them():
    assert [t for t in EMERGENCIES if detect(t) is None] == []


def test_near_misses_that_fold_like_emergencies_are_not_flagged_by_the_rules():
    assert [t for t in NEAR_MISSES if detect(t) is not None] == []


@pytest.mark.parametrize(
    "text",
    [
        "Đề nghị bổ sung hồ sơ cấp đổi sổ đỏ",  # bổ sung folds to "bo sung", not súng
        "Từ từ rồi mới sửa đường",  # từ từ folds like tự tử
        "Xe chạy lấn làn trên đường ven biển",  # chạy folds like cháy
        "Con đường sắp xuống cấp nặng",  # sắp folds like sập
        "Nhiều vụ cướp giật điện thoại",  # a phone is not electrocution (the theft itself is flagged)
    ],
)
def test_folded_look_alikes_are_read_by_their_phrase_not_by_one_word(text):
    found = detect(text)
    assert found is None or found.kinds == ("violence",)


def test_the_armed_fight_in_front_of_a_restaurant_is_urgent(classifier):
    result = classifier.classify(ARMED_FIGHT)
    assert result.urgent and "Bạo lực" in result.emergency
    assert classifier.classify(ascii_fold(ARMED_FIGHT)).urgent


def test_a_submitted_emergency_is_due_at_today_s_close_and_says_why(demo_engine, store):  # noqa: F811
    created = submit(demo_engine, store, title="Đánh nhau", content=ARMED_FIGHT, at=MONDAY_9)
    item = row(demo_engine, created["id"])
    with read(demo_engine) as conn:
        same_day = due_at(calendar_for_unit(conn, item["unit_id"]), Deadline("same_day", 0), MONDAY_9)
        details = details_of(conn, item["id"])
        actions = [
            r.action for r in conn.execute(feedback_events.select().where(feedback_events.c.feedback_id == item["id"]))
        ]
    assert item["urgent"] and item["kind"] == "urgent"
    assert item["due_at"] == same_day and same_day.astimezone(LOCAL_TZ).date() == MONDAY_9.date()
    assert "Bạo lực" in details["emergency"] and "emergency" in actions


def test_an_emergency_after_close_is_due_at_the_next_working_day_s_close(demo_engine, store):  # noqa: F811
    evening = datetime(2026, 6, 22, 20, 0, tzinfo=LOCAL_TZ)
    created = submit(
        demo_engine, store, title="Cháy", content="Cháy nhà ở kiệt 30, lửa đang lan sang nhà bên", at=evening
    )
    due = row(demo_engine, created["id"])["due_at"].astimezone(LOCAL_TZ)
    assert (due.date().isoformat(), due.hour) == ("2026-06-23", 17)
