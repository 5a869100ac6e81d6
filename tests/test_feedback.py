"""Citizen feedback services on both databases: submit, route, deadlines, desk actions, rating, board, statistics."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import feedback, feedback_examples, feedback_photos
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ
from services.core.errors import PermissionDenied, ValidationError
from services.core.files import LocalFileStore
from services.core.units import department_for_kind, unit_by_code
from services.core.working_time import Deadline, due_at
from services.feedback import classifier as feedback_classifier
from services.feedback import desk as feedback_desk
from services.feedback import items as service
from services.feedback import routing as feedback_routing
from tests.builders import actor

MONDAY_9 = datetime(2026, 6, 22, 9, 0, tzinfo=LOCAL_TZ)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
RUBBISH = "Rác thải ùn ứ nhiều ngày ở đầu kiệt 45 Lê Văn Hiến, bốc mùi hôi thối, đề nghị thu gom."


@pytest.fixture
def store(tmp_path):
    return LocalFileStore(tmp_path / "files")


def nhs(engine) -> int:
    with read(engine) as conn:
        return unit_by_code(conn, "NGUHANHSON")["id"]


def department(engine, unit_code: str, kind: str) -> int:
    with read(engine) as conn:
        return department_for_kind(conn, unit_id=unit_by_code(conn, unit_code)["id"], kind=kind)["id"]


def submit(engine, store, *, title="Rác thải ùn ứ", content=RUBBISH, unit=None, at=MONDAY_9, photos=(), **extra):
    item = service.NewFeedback(unit if unit is not None else nhs(engine), title, content, **extra)
    with write(engine) as conn:
        return service.submit_feedback(conn, store=store, item=item, photos=list(photos), at=at)


def row(engine, feedback_id) -> dict:
    with read(engine) as conn:
        return service.load_item(conn, feedback_id)


def count(engine, table=feedback) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def act(engine, function, username, **kwargs):
    with write(engine) as conn:
        return function(conn, actor(engine, username), **kwargs)


def test_rubbish_in_a_ward_goes_to_its_economic_department_with_three_working_days(demo_engine, store):
    created = submit(demo_engine, store)
    item = row(demo_engine, created["id"])
    assert created["code"].startswith("PA-") and item["status"] == "assigned"
    assert item["category"] == "moi_truong" and not item["urgent"] and item["kind"] == "standard"
    assert item["department_id"] == department(demo_engine, "NGUHANHSON", "kinh_te")
    with read(demo_engine) as conn:
        expected = due_at(calendar_for_unit(conn, item["unit_id"]), Deadline("working_days", 3), MONDAY_9)
    assert item["due_at"] == expected and expected.astimezone(LOCAL_TZ).date() >= date(2026, 6, 25)


def test_an_urgent_report_gets_one_working_day(demo_engine, store):
    created = submit(
        demo_engine, store, title="Ngập sâu", content="Nước lũ đang lên nhanh, người già mắc kẹt cần di dời"
    )
    item = row(demo_engine, created["id"])
    assert item["urgent"] and item["kind"] == "urgent"
    with read(demo_engine) as conn:
        assert item["due_at"] == due_at(calendar_for_unit(conn, item["unit_id"]), Deadline("working_days", 1), MONDAY_9)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"content": ""}, "nội dung"),
        ({"content": "   \n  "}, "nội dung"),
        ({"content": "x" * 20000}, "quá dài"),
        ({"title": ""}, "tiêu đề"),
        ({"unit": 0}, "phường/xã"),
        ({"contact_phone": "12ab"}, "điện thoại"),
        ({"contact_email": "not-an-email"}, "email"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(demo_engine, store, changes, message):
    before = count(demo_engine)
    with pytest.raises(ValidationError, match=f"(?i){message}"):
        submit(demo_engine, store, **changes)
    assert count(demo_engine) == before


def test_a_non_image_upload_is_refused_and_no_file_is_left_behind(demo_engine, store):
    before = count(demo_engine)
    with pytest.raises(ValidationError, match="không phải"):
        submit(demo_engine, store, photos=[("anh.png", b"MZ\x90\x00 not an image")])
    assert count(demo_engine) == before and not store.root.exists()


def test_photos_are_stored_with_the_item(demo_engine, store):
    created = submit(demo_engine, store, photos=[("hien-truong.png", PNG)])
    with read(demo_engine) as conn:
        photos = service.photos_of(conn, created["id"])
    assert [p["source"] for p in photos] == ["citizen"] and store.get(photos[0]["storage_key"]) == PNG


def test_a_burst_from_one_browser_is_refused_and_nothing_is_stored(demo_engine, store):
    item = service.NewFeedback(nhs(demo_engine), "Rác thải ùn ứ", RUBBISH)
    for _ in range(service.BROWSER_LIMIT):
        with write(demo_engine) as conn:
            service.submit_feedback(conn, store=store, item=item, browser_key="b1", ip_key="ip1", at=MONDAY_9)
    before = count(demo_engine)
    with pytest.raises(service.TooManySubmissions, match="quá nhiều"):
        with write(demo_engine) as conn:
            service.submit_feedback(
                conn, store=store, item=item, photos=[("a.png", PNG)], browser_key="b1", ip_key="ip1", at=MONDAY_9
            )
    assert count(demo_engine) == before and count(demo_engine, feedback_photos) == 0
    with write(demo_engine) as conn:  # another browser, and the same one after the window, are fine
        service.submit_feedback(conn, store=store, item=item, browser_key="b2", ip_key="ip1", at=MONDAY_9)
        later = MONDAY_9 + timedelta(seconds=service.RATE_WINDOW_SECONDS)
        service.submit_feedback(conn, store=store, item=item, browser_key="b1", ip_key="ip1", at=later)


def test_a_low_confidence_item_waits_in_triage_and_the_confirmation_becomes_training_data(demo_engine, store):
    created = submit(demo_engine, store, title="Góp ý", content="Mong phường quan tâm hơn đến bà con khu mình")
    assert created["status"] == "triage"
    item = row(demo_engine, created["id"])
    with read(demo_engine) as conn:
        before = feedback_classifier.current_classifier(conn)
        examples = conn.scalar(select(func.count()).select_from(feedback_examples))
    act(
        demo_engine,
        feedback_desk.triage,
        "lanhdao.nhs",
        feedback_id=item["id"],
        category="khac",
        department_id=None,
        kind="complex",
        expected_version=item["version"],
        at=MONDAY_9 + timedelta(hours=1),
    )
    updated = row(demo_engine, item["id"])
    assert updated["status"] == "assigned" and updated["category"] == "khac" and updated["department_id"] is None
    assert updated["due_at"] > item["due_at"]  # complex: 10 working days instead of 3
    with read(demo_engine) as conn:
        assert conn.scalar(select(func.count()).select_from(feedback_examples)) == examples + 1
        assert feedback_classifier.current_classifier(conn) is not before  # retrained from the new example


def test_a_staff_correction_teaches_the_model(demo_engine, store):
    text = "Zorblax quxifer vorpal snicker"
    with read(demo_engine) as conn:
        assert feedback_classifier.classify(conn, text).needs_triage  # nonsense words: the model has no idea yet
    for i in range(3):
        created = submit(demo_engine, store, title="Zorblax", content=f"{text} {i}", at=MONDAY_9 + timedelta(hours=i))
        item = row(demo_engine, created["id"])
        act(
            demo_engine,
            feedback_desk.triage,
            "lanhdao.nhs",
            feedback_id=item["id"],
            category="an_ninh_trat_tu",
            department_id=None,
            kind="standard",
            expected_version=item["version"],
        )
    with read(demo_engine) as conn:
        assert feedback_classifier.classify(conn, text).category == "an_ninh_trat_tu"


def test_only_the_leader_and_department_heads_triage(demo_engine, store):
    item = row(demo_engine, submit(demo_engine, store)["id"])
    with pytest.raises(PermissionDenied):
        act(
            demo_engine,
            feedback_desk.triage,
            "chuyenvien.nhs",
            feedback_id=item["id"],
            category="khac",
            department_id=None,
            kind="standard",
            expected_version=item["version"],
        )


def test_the_handler_answers_and_the_board_publishes_it_without_personal_data(demo_engine, store):
    created = submit(
        demo_engine,
        store,
        contact_name="Nguyễn Văn Bí Mật",
        contact_phone="0905123456",
        contact_email="bimat@example.com",
        content=RUBBISH + " Gọi tôi 0905 123 456 hoặc bimat@example.com.",
    )
    item = row(demo_engine, created["id"])
    with read(demo_engine) as conn:
        queue = feedback_desk.desk_items(conn, actor(demo_engine, "chuyenvien.nhs"), unit_id=item["unit_id"])
    assert created["id"] in [r["id"] for r in queue]
    act(
        demo_engine,
        feedback_desk.answer,
        "chuyenvien.nhs",
        store=store,
        feedback_id=item["id"],
        text="Phường đã cho xe thu gom toàn bộ rác tại kiệt 45 và bố trí lịch thu gom cố định.",
        photos=[("sau-xu-ly.png", PNG)],
        expected_version=item["version"],
        at=MONDAY_9 + timedelta(hours=3),
    )
    with read(demo_engine) as conn:
        board = service.public_board(conn, query="rac thai kiet 45")
    entry = next(e for e in board["items"] if e["code"] == created["code"])
    assert entry["on_time"] is True and entry["sender"] == "Ẩn danh" and len(entry["photos"]) == 1
    shown = " ".join(str(value) for value in entry.values())
    assert "Bí Mật" not in shown and "0905" not in shown and "bimat@" not in shown


def test_staff_of_another_department_or_unit_cannot_act_on_the_item(demo_engine, store):
    item = row(demo_engine, submit(demo_engine, store)["id"])
    for username in ("hotich.nhs", "lanhdao.hc", "motcua.nhs"):
        with pytest.raises(PermissionDenied):
            act(
                demo_engine,
                feedback_desk.answer,
                username,
                store=store,
                feedback_id=item["id"],
                text="Một câu trả lời đủ dài để qua kiểm tra độ dài.",
                expected_version=item["version"],
            )
    with pytest.raises(PermissionDenied):
        with read(demo_engine) as conn:
            feedback_desk.item_detail(conn, actor(demo_engine, "lanhdao.hc"), feedback_id=item["id"])


def test_a_stale_copy_is_told_to_reload(demo_engine, store):
    item = row(demo_engine, submit(demo_engine, store)["id"])
    text = "Phường đã cho xe thu gom toàn bộ rác tại điểm phản ánh."
    kwargs = dict(store=store, feedback_id=item["id"], text=text, expected_version=item["version"])
    act(demo_engine, feedback_desk.answer, "chuyenvien.nhs", **kwargs)
    with pytest.raises(Exception, match="tải lại|trạng thái"):
        act(demo_engine, feedback_desk.answer, "lanhdao.nhs", **kwargs)


def answered(engine, store, at=MONDAY_9):
    created = submit(engine, store, at=at)
    item = row(engine, created["id"])
    act(
        engine,
        feedback_desk.answer,
        "chuyenvien.nhs",
        store=store,
        feedback_id=item["id"],
        text="Phường đã cho xe thu gom toàn bộ rác tại điểm phản ánh.",
        expected_version=item["version"],
        at=at + timedelta(hours=2),
    )
    return created


def test_not_satisfied_reopens_the_item_once(demo_engine, store):
    created = answered(demo_engine, store)
    with write(demo_engine) as conn:
        first = service.rate_answer(conn, code=created["code"], satisfied=False, comment="Rác vẫn còn")
    assert first["reopened"] and row(demo_engine, created["id"])["status"] == "assigned"
    item = row(demo_engine, created["id"])
    act(
        demo_engine,
        feedback_desk.answer,
        "chuyenvien.nhs",
        store=store,
        feedback_id=item["id"],
        text="Đã thu gom lần hai và giao tổ dân phố giám sát hằng ngày.",
        expected_version=item["version"],
    )
    with write(demo_engine) as conn:
        second = service.rate_answer(conn, code=created["code"], satisfied=False)
    assert not second["reopened"] and row(demo_engine, created["id"])["status"] == "answered"
    with pytest.raises(ValidationError, match="đánh giá"):
        with write(demo_engine) as conn:
            service.rate_answer(conn, code=created["code"], satisfied=True)


def test_asking_for_information_stops_the_clock_until_the_citizen_answers(demo_engine, store):
    created = submit(demo_engine, store)
    item = row(demo_engine, created["id"])
    asked = MONDAY_9 + timedelta(hours=1)
    act(
        demo_engine,
        feedback_desk.request_information,
        "chuyenvien.nhs",
        feedback_id=item["id"],
        question="Vui lòng cho biết số nhà cụ thể gần điểm tập kết rác.",
        expected_version=item["version"],
        at=asked,
    )
    with read(demo_engine) as conn:
        assert "số nhà" in service.citizen_view(conn, code=created["code"])["info_request"]
    answered_at = asked + timedelta(days=1)
    with write(demo_engine) as conn:
        service.add_information(conn, store=store, code=created["code"], text="Trước số nhà 47", at=answered_at)
        calendar = calendar_for_unit(conn, item["unit_id"])
    updated = row(demo_engine, created["id"])
    assert updated["status"] == "assigned" and "Trước số nhà 47" in updated["content"]
    assert calendar.between(item["due_at"], updated["due_at"]) == pytest.approx(calendar.between(asked, answered_at))


def test_only_overdue_items_are_escalated_and_they_reach_the_leaders_queue(demo_engine, store):
    created = submit(demo_engine, store)
    item = row(demo_engine, created["id"])
    with pytest.raises(ValidationError, match="quá hạn"):
        act(
            demo_engine,
            feedback_desk.escalate,
            "chuyenvien.nhs",
            feedback_id=item["id"],
            expected_version=item["version"],
            at=MONDAY_9 + timedelta(hours=1),
        )
    act(
        demo_engine,
        feedback_desk.escalate,
        "chuyenvien.nhs",
        feedback_id=item["id"],
        expected_version=item["version"],
        at=item["due_at"] + timedelta(minutes=1),
    )
    with read(demo_engine) as conn:
        queue = feedback_desk.desk_items(conn, actor(demo_engine, "lanhdao.nhs"), unit_id=item["unit_id"])
    assert item["id"] in [r["id"] for r in queue if r["escalated"]]


def test_similar_recent_items_in_the_same_ward_are_suggested_as_duplicates(demo_engine, store):
    first = submit(demo_engine, store)
    second = submit(demo_engine, store, content=RUBBISH.replace("nhiều ngày", "cả tuần"))
    other_ward = submit(demo_engine, store, unit=unit_id_of(demo_engine, "HAICHAU"))
    with read(demo_engine) as conn:
        detail = feedback_desk.item_detail(conn, actor(demo_engine, "lanhdao.nhs"), feedback_id=second["id"])
    codes = [d["code"] for d in detail["duplicates"]]
    assert first["code"] in codes and other_ward["code"] not in codes
    act(
        demo_engine,
        feedback_desk.reject,
        "lanhdao.nhs",
        feedback_id=second["id"],
        reason="duplicate",
        duplicate_of=first["code"],
        expected_version=detail["version"],
    )
    assert row(demo_engine, second["id"])["duplicate_of"] == first["id"]


def unit_id_of(engine, code):
    with read(engine) as conn:
        return unit_by_code(conn, code)["id"]


def test_a_rejection_needs_a_reason_the_citizen_can_read(demo_engine, store):
    item = row(demo_engine, submit(demo_engine, store)["id"])
    with pytest.raises(ValidationError, match="lý do"):
        act(
            demo_engine,
            feedback_desk.reject,
            "lanhdao.nhs",
            feedback_id=item["id"],
            reason="out_of_scope",
            note="",
            expected_version=item["version"],
        )


def test_the_admin_routing_table_decides_the_handler_of_new_items(demo_engine, store):
    unit_id = nhs(demo_engine)
    vhxh = department(demo_engine, "NGUHANHSON", "van_hoa_xa_hoi")
    with pytest.raises(PermissionDenied):
        act(
            demo_engine,
            feedback_routing.set_route,
            "lanhdao.nhs",
            unit_id=unit_id,
            category="moi_truong",
            department_id=vhxh,
        )
    with pytest.raises(ValidationError):
        act(
            demo_engine,
            feedback_routing.set_route,
            "admin",
            unit_id=unit_id,
            category="moi_truong",
            department_id=department(demo_engine, "HAICHAU", "kinh_te"),
        )
    act(demo_engine, feedback_routing.set_route, "admin", unit_id=unit_id, category="moi_truong", department_id=vhxh)
    assert row(demo_engine, submit(demo_engine, store)["id"])["department_id"] == vhxh
    with read(demo_engine) as conn:
        table = feedback_routing.routing_table(conn, actor(demo_engine, "admin"), unit_id=unit_id)
    assert next(r for r in table if r["category"] == "moi_truong")["department_id"] == vhxh


def test_the_complex_deadline_is_configurable_within_limits(demo_engine):
    with pytest.raises(ValidationError):
        act(demo_engine, feedback_routing.set_complex_days, "admin", working_days=0)
    act(demo_engine, feedback_routing.set_complex_days, "admin", working_days=15)
    with read(demo_engine) as conn:
        days = feedback_routing.deadline_days(conn)
    assert days["complex"]["working_days"] == 15 and not days["complex"]["is_sample"]
    assert days["urgent"]["working_days"] == 1 and days["standard"]["working_days"] == 3


def test_statistics_count_received_overdue_categories_and_the_on_time_rate(demo_engine, store):
    unit_id = nhs(demo_engine)
    answered(demo_engine, store, at=MONDAY_9)
    late = submit(demo_engine, store, at=MONDAY_9 - timedelta(days=1))  # received Sunday, still open: overdue now
    with read(demo_engine) as conn:
        stats = service.feedback_stats(
            conn, actor(demo_engine, "lanhdao.nhs"), unit_id=unit_id, start=date(2026, 6, 21), end=date(2026, 6, 22)
        )
        city = service.feedback_stats(
            conn, actor(demo_engine, "lanhdao.tp"), unit_id=None, start=date(2026, 6, 21), end=date(2026, 6, 22)
        )
    assert stats["received"] == 2 and stats["answered"] == 1 and stats["on_time_rate"] == 1.0
    assert stats["overdue"] == 1 and stats["by_category"]["moi_truong"] == 2 and set(stats["definitions"])
    assert city["received"] == 2 and late["id"]
    with pytest.raises(PermissionDenied):
        with read(demo_engine) as conn:
            service.feedback_stats(
                conn, actor(demo_engine, "lanhdao.nhs"), unit_id=None, start=date(2026, 6, 1), end=date(2026, 6, 30)
            )
    with pytest.raises(PermissionDenied):
        with read(demo_engine) as conn:
            service.feedback_stats(
                conn, actor(demo_engine, "lanhdao.hc"), unit_id=unit_id, start=date(2026, 6, 1), end=date(2026, 6, 30)
            )


def test_the_demo_seed_has_feedback_in_every_state(demo_engine):
    with read(demo_engine) as conn:
        statuses = set(conn.scalars(select(feedback.c.status).where(feedback.c.unit_id == nhs(demo_engine))))
    assert statuses == set(service.STATUS_LABELS)


def test_classify_feedback_reads_json_lines_and_writes_one_json_line_each(demo, monkeypatch):
    import io
    import json

    from cli.feedback import classify_feedback

    monkeypatch.setenv("DATABASE_URL", demo.url)
    lines = [json.dumps({"text": "Rác thải ùn ứ, bốc mùi"}), json.dumps({"text": "Nuoc lu dang len, can cuu ho"}), "x"]
    out = io.StringIO()
    classify_feedback(None, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert results[0]["category"] == "moi_truong" and results[0]["urgent"] is False
    assert results[1]["urgent"] is True and 0 <= results[1]["confidence"] <= 1
    assert "error" in results[2] and len(results) == 3
