"""The Decision 766 index on a small fixed data set: every computable sub-indicator is worked out by hand below and
must match the service to the last digit, by unit and for the city; the score is the sum of the points; the
sub-indicators this app cannot compute say so and why, never 0 and never full points."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert

from db.engine import read, write
from db.schema import dossier_files, dossier_ratings, dossiers, feedback, procedures, units
from services.core.clock import LOCAL_TZ
from services.core.errors import PermissionDenied, ValidationError
from services.core.roles import CITY_LEADER, LEADER, Actor
from services.ioc import index766
from tests.builders import actor as demo_actor
from tests.intake_builders import receive_marriage, store_in

AT = datetime(2025, 9, 17, 10, 0, tzinfo=LOCAL_TZ)  # Wednesday; the period below is still running
PERIOD = (date(2025, 9, 1), date(2025, 9, 30))
CITY = Actor(0, "tp", "Lãnh đạo TP", frozenset({CITY_LEADER}), None, None)


def sep(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 9, day, hour, 0, tzinfo=LOCAL_TZ)


# (code, received, due, finished, status, late flag, supplements, channel, scan, result signature, rating)
WARD_A = [
    ("A1", sep(2), sep(3), sep(2, 15), "returned", False, 0, 1, True, "valid", "very_satisfied"),
    ("A2", sep(3), sep(4), sep(5), "returned", True, 0, 1, True, "unsigned", "not_satisfied"),
    ("A3", sep(4), sep(10), sep(8), "returned", False, 0, 1, False, "valid", None),
    ("A4", sep(10), sep(12), sep(11), "result_ready", False, 0, 1, True, None, None),
    ("A5", sep(15), sep(20), None, "in_progress", None, 0, 2, False, None, None),
    ("A6", sep(5), sep(9), None, "in_progress", None, 0, 1, False, None, None),
    ("A7", sep(16), sep(25), None, "received", None, 2, 2, False, None, None),
]
WARD_B = [
    ("B1", sep(8), sep(9), sep(9, 8), "returned", False, 0, 1, True, "valid", "satisfied"),
]
# (code, received, due, answered, status, rating)
FEEDBACK_A = [
    ("F1", sep(2), sep(5), sep(4), "answered", "very_satisfied"),
    ("F2", sep(3), sep(6), sep(8), "answered", "satisfied"),
    ("F3", sep(10), sep(20), None, "assigned", None),
    ("F4", sep(11), sep(15), None, "assigned", None),
    ("F5", sep(12), sep(14), None, "rejected", None),
    ("F6", sep(1), sep(3), sep(2), "answered", "not_satisfied"),
]


@pytest.fixture
def city(engine):
    with write(engine) as conn:
        unit_ids = [
            conn.execute(
                insert(units).values(code=code, name=name, kind="phuong", active=True, created_at=AT)
            ).inserted_primary_key[0]
            for code, name in (("A", "Phường A"), ("B", "Phường B"), ("C", "Phường C"))
        ]
        procedure_id = conn.execute(
            insert(procedures).values(
                code="ket_hon", name="Đăng ký kết hôn", deadline_kind="same_day", mode="at_counter", updated_at=AT
            )
        ).inserted_primary_key[0]
        for unit_id, rows in zip(unit_ids, (WARD_A, WARD_B), strict=False):
            for row in rows:
                _insert_dossier(conn, unit_id, procedure_id, *row)
        for row in FEEDBACK_A:
            _insert_feedback(conn, unit_ids[0], *row)
    return engine, unit_ids


def _insert_dossier(conn, unit_id, procedure_id, code, received, due, finished, status, late, supplements,
                    channel, scan, signature, rating) -> None:  # fmt: skip
    dossier_id = conn.execute(
        insert(dossiers).values(
            code=code, procedure_id=procedure_id, receiving_unit_id=unit_id, processing_unit_id=unit_id,
            status=status, channel=channel, applicant_name="Công dân", deadline_kind="same_day", deadline_amount=0,
            submitted_at=received, received_at=received, due_at=due, original_due_at=due, finished_at=finished,
            result_ready_at=finished, is_late=late, supplement_count=supplements,
            counted_late=supplements > 1, returned_at=finished + timedelta(hours=1) if status == "returned" else None,
            result_electronic=signature == "valid", updated_at=received,
        )
    ).inserted_primary_key[0]  # fmt: skip
    files = [("scan", None)] if scan else []
    files += [("result", signature)] if signature else []
    for n, (kind, status_) in enumerate(files):
        conn.execute(
            insert(dossier_files).values(
                dossier_id=dossier_id, kind=kind, filename="a.pdf", content_type="application/pdf", size=1,
                sha256="0" * 64, storage_key=f"{code}/{n}", uploaded_at=received, uploaded_by="t",
                signature_status=status_,
            )
        )  # fmt: skip
    if rating:
        at = finished + timedelta(hours=2)
        conn.execute(
            insert(dossier_ratings).values(
                dossier_id=dossier_id, rating=rating, comment="", source="status_page", created_at=at, updated_at=at,
                change_count=0,
            )
        )  # fmt: skip


def _insert_feedback(conn, unit_id, code, received, due, answered, status, rating) -> None:
    conn.execute(
        insert(feedback).values(
            code=code, unit_id=unit_id, title="Rác", content="Rác chưa thu gom", category="environment",
            kind="standard", status=status, received_at=received, due_at=due, answered_at=answered, rating=rating,
            updated_at=received,
        )
    )  # fmt: skip


def by_code(report: dict) -> dict:
    return {row["code"]: row for row in report["indicators"]}


def report(engine, unit_id, actor=CITY) -> dict:
    with read(engine) as conn:
        return index766.report(conn, actor, unit_id=unit_id, start=PERIOD[0], end=PERIOD[1], at=AT)


# --- worked out by hand for Phường A ---------------------------------------------------------------------------
# Dossiers handled in the period: A1–A4 have a result in September, A5–A7 are still open at AT: 7.
# Late: A2 (result after its appointment), A6 (open, due 09/09), A7 (asked to supplement twice): 3, on time 4.
# Received 7, of which online (channel 2): A5 and A7.
# Results in the period: 4; signed valid: A1, A3; scanned and signed: A1 only.
# Rated "không hài lòng" by the citizen among the 4 results: A2.
# Feedback within competence: F1, F2, F3, F4, F6 (F5 refused): 5. On time: F1, F3 (open, due 20/09), F6: 3.
# Not satisfied or late: F2 (late), F4 (overdue), F6 (not satisfied): 3, so 2 good.
WARD_A_BY_HAND = {
    "2.1": (4 / 7, round(20 * (4 / 7), 2)),
    "3.3": (2 / 7, round(12 * min((2 / 7) / 0.5, 1), 2)),
    "4.1": (2 / 4, round(6 * (2 / 4), 2)),
    "4.2": (1 / 4, round(4 * min((1 / 4) / 0.8, 1), 2)),
    "5.2": (3 / 5, round(6 * (3 / 5), 2)),
    "5.3": (2 / 5, round(6 * (2 / 5), 2)),
    "5.4": (1 - 3 / 7 - 1 / 4, round(6 * min((1 - 3 / 7 - 1 / 4) / 0.9, 1), 2)),
}
WARD_A_HOURS = ((6) + (48) + (4 * 24) + (24)) / 4  # A1 6 h, A2 2 days, A3 4 days, A4 1 day


def test_every_computable_sub_indicator_of_a_ward_matches_the_hand_computation(city):
    engine, (ward_a, _, _) = city
    rows = by_code(report(engine, ward_a))
    for code, (rate, points) in WARD_A_BY_HAND.items():
        assert rows[code]["rate"] == pytest.approx(rate, abs=1e-12), code
        assert rows[code]["points_earned"] == points, code
    assert rows["2.2"]["rate"] == WARD_A_HOURS and rows["2.2"]["points_earned"] is None
    assert {code for code, row in rows.items() if row["points_earned"] is not None} == set(WARD_A_BY_HAND)


def test_the_score_is_the_sum_of_the_sub_indicator_points_and_names_the_costliest(city):
    engine, (ward_a, _, _) = city
    result = report(engine, ward_a)
    assert result["score"] == round(sum(points for _, points in WARD_A_BY_HAND.values()), 2) == 30.68
    assert result["reachable"] == 20 + 12 + 6 + 4 + 6 + 6 + 6
    assert result["costliest"]["code"] == "2.1"  # 20 − 11.43 = 8.57 points lost, more than any other
    for group in result["groups"]:
        earned = [row["points_earned"] for row in group["indicators"] if row["points_earned"] is not None]
        assert group["earned"] == (round(sum(earned), 2) if earned else None), group["name"]


def test_the_city_figures_cover_both_wards(city):
    engine, (ward_a, ward_b, _) = city
    rows = by_code(report(engine, None))
    # Phường B adds one dossier, on time, scanned and signed, rated "hài lòng"; no feedback.
    assert rows["2.1"]["rate"] == pytest.approx(5 / 8) and rows["2.1"]["points_earned"] == round(20 * (5 / 8), 2)
    assert rows["4.1"]["points_earned"] == round(6 * (3 / 5), 2)
    assert rows["4.2"]["points_earned"] == round(4 * min((2 / 5) / 0.8, 1), 2)
    assert rows["3.3"]["points_earned"] == round(12 * min((2 / 8) / 0.5, 1), 2)
    assert rows["5.4"]["points_earned"] == round(6 * min((1 - 3 / 8 - 1 / 5) / 0.9, 1), 2)
    assert rows["5.2"]["points_earned"] == round(6 * (3 / 5), 2)


def test_sub_indicators_without_data_here_are_marked_not_computable_never_zero_or_full(city):
    engine, (ward_a, _, _) = city
    rows = by_code(report(engine, ward_a))
    for code in ("1.1", "1.2", "1.3", "1.4", "3.5", "3.5b", "3.6", "4.2b", "4.3", "4.4", "4.5a", "4.5b"):
        assert rows[code]["status"] == index766.NOT_COMPUTABLE and rows[code]["points_earned"] is None
        assert rows[code]["reason"], code
    assert rows["1.2"]["points"] == 4 and rows["1.2"]["points_confirmed"]


def test_the_catalogue_has_five_groups_worth_100_points_each_made_of_its_sub_indicators():
    assert [g.points for g in index766.GROUPS] == [18, 20, 22, 22, 18]
    for group in index766.GROUPS:
        assert sum(i.points for i in index766.INDICATORS if i.group == group.key) == group.points, group.name
    assert all(i.source and i.definition for i in index766.INDICATORS)
    assert index766.BY_CODE["5.4"].points == 6 and index766.BY_CODE["5.4"].points_confirmed


def test_a_unit_with_no_dossiers_has_no_score_rather_than_zero(city):
    engine, (_, _, ward_c) = city
    result = report(engine, ward_c)
    assert result["score"] is None and result["costliest"] is None
    assert by_code(result)["2.1"]["points_earned"] is None


def test_the_ranking_uses_the_same_score_and_leaves_empty_units_unranked(city):
    engine, (ward_a, ward_b, ward_c) = city
    with read(engine) as conn:
        ranking = index766.ranking(conn, CITY, start=PERIOD[0], end=PERIOD[1], at=AT)
    scores = {row["unit_id"]: row["score"] for row in ranking}
    assert scores[ward_a] == report(engine, ward_a)["score"] and scores[ward_b] == report(engine, ward_b)["score"]
    assert [row["unit_id"] for row in ranking] == [ward_b, ward_a, ward_c]
    assert [row["rank"] for row in ranking] == [1, 2, None]


def test_a_ward_leader_reads_only_their_own_ward(city):
    engine, (ward_a, ward_b, _) = city
    leader = Actor(0, "ld", "Lãnh đạo", frozenset({LEADER}), ward_a, None)
    assert report(engine, ward_a, leader)["score"] == 30.68
    with pytest.raises(PermissionDenied):
        report(engine, ward_b, leader)


def test_the_counter_cannot_key_in_an_online_dossier_so_the_online_rate_stays_honest(demo, tmp_path):
    clerk = demo_actor(demo.engine, "motcua.nhs")
    with pytest.raises(ValidationError, match="nộp hồ sơ trực tuyến"):
        receive_marriage(demo.engine, clerk, store_in(tmp_path), channel=2)
