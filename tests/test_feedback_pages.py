"""The feedback desk and the routing page in AppTest: who gets them, that they work, that citizens' text is inert."""

import pytest

from db.engine import read, write
from services.core.files import LocalFileStore
from services.core.units import unit_by_code
from services.feedback import desk
from services.feedback import items as service
from tests.apptest import OVERDUE_FEEDBACK, check, errors, open_app, registered_pages
from tests.builders import actor

DESK = "pages/feedback_desk.py"
ROUTING = "pages/admin_feedback_routing.py"
HOSTILE_TITLE = "<script>alert('x')</script> **đậm** :red[đỏ]"
HOSTILE_CONTENT = "Rác thải ùn ứ. <img src=x onerror=alert(1)> # Tiêu đề giả [link](http://evil.example)"


@pytest.mark.parametrize(
    "username, desk, routing",
    [
        ("lanhdao.nhs", True, False),
        ("truongphong.nhs", True, False),
        ("chuyenvien.nhs", True, False),
        ("hotich.nhs", True, False),
        ("admin", True, True),
        ("lanhdao.tp", True, False),
        ("motcua.nhs", False, False),
    ],
)
def test_each_role_gets_the_feedback_pages_it_may_use(demo, username, desk, routing):
    pages = registered_pages(open_app(demo, username))
    assert (DESK in pages) is desk and (ROUTING in pages) is routing


@pytest.mark.parametrize("username", ["lanhdao.nhs", "truongphong.nhs", "chuyenvien.nhs", "admin", "lanhdao.tp"])
def test_the_desk_renders_for_every_role_that_may_open_it(demo, username):
    at = open_app(demo, username, page=DESK, allow_errors=[OVERDUE_FEEDBACK])
    assert [t.value for t in at.title] == ["Phản ánh, kiến nghị"]
    labels = at.radio(key="feedback__view").options
    for view in [key for key, label in desk.VIEWS.items() if label in labels]:
        check(at.radio(key="feedback__view").set_value(view).run(), allow_errors=[OVERDUE_FEEDBACK])


def test_the_leader_triages_an_item_from_the_triage_list(demo):
    at = open_app(demo, "lanhdao.nhs", page=DESK, allow_errors=[OVERDUE_FEEDBACK])
    check(at.radio(key="feedback__view").set_value("triage").run(), allow_errors=[OVERDUE_FEEDBACK])
    check(at.selectbox(key="feedback__triage_category").set_value("moi_truong").run(), allow_errors=[OVERDUE_FEEDBACK])
    check(
        at.button(key="FormSubmitter:feedback__triage_form-Xác nhận phân loại").click().run(),
        allow_errors=[OVERDUE_FEEDBACK],
    )
    assert any("Đã phân loại" in s.value for s in at.success), [e.value for e in at.error]


def test_the_handler_answers_from_the_queue(demo):
    at = open_app(demo, "chuyenvien.nhs", page=DESK)
    check(at.selectbox(key="feedback__selected").set_value(an_assigned_item(demo, "chuyenvien.nhs")).run())
    before = len(at.dataframe[0].value)
    at.text_area(key="feedback__answer_text").input("Phường đã xử lý xong phản ánh và sẽ kiểm tra định kỳ.")
    check(at.button(key="FormSubmitter:feedback__answer_form-Gửi trả lời").click().run())
    assert not at.exception
    assert any("Đã trả lời" in s.value for s in at.success), [e.value for e in at.error]
    assert len(at.dataframe[0].value) == before - 1 if before > 1 else at.info


def an_assigned_item(demo, username) -> int:
    me = actor(demo.engine, username)
    with read(demo.engine) as conn:
        rows = desk.desk_items(conn, me, unit_id=me.unit_id, view="queue")
    return next(r["id"] for r in rows if r["status"] == "assigned")


def test_a_too_short_answer_shows_a_vietnamese_error(demo):
    at = open_app(demo, "chuyenvien.nhs", page=DESK)
    check(at.selectbox(key="feedback__selected").set_value(an_assigned_item(demo, "chuyenvien.nhs")).run())
    at.text_area(key="feedback__answer_text").input("ok")
    check(at.button(key="FormSubmitter:feedback__answer_form-Gửi trả lời").click().run(), allow_errors=["quá ngắn"])
    assert errors(at) == ["Nội dung trả lời quá ngắn (ít nhất 20 ký tự)."]


def test_citizens_markup_is_shown_as_plain_text_on_the_staff_desk(demo, tmp_path):
    with write(demo.engine) as conn:
        unit_id = unit_by_code(conn, "NGUHANHSON")["id"]
        item = service.NewFeedback(unit_id, HOSTILE_TITLE, HOSTILE_CONTENT, address="**Kiệt** <i>45</i>")
        created = service.submit_feedback(conn, store=LocalFileStore(tmp_path), item=item)
    at = open_app(demo, "lanhdao.nhs", page=DESK, allow_errors=[OVERDUE_FEEDBACK])
    check(at.radio(key="feedback__view").set_value("all").run(), allow_errors=[OVERDUE_FEEDBACK])
    check(at.selectbox(key="feedback__selected").set_value(created["id"]).run())
    texts = [t.value for t in at.text]
    assert HOSTILE_TITLE in texts and HOSTILE_CONTENT in texts and "**Kiệt** <i>45</i>" in texts
    rendered_as_markdown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<script>" in value or "onerror" in value or "**Kiệt**" in value for value in rendered_as_markdown)


def test_the_admin_changes_a_route_and_the_complex_deadline(demo):
    at = open_app(demo, "admin", page=ROUTING)
    with read(demo.engine) as conn:
        nhs = unit_by_code(conn, "NGUHANHSON")["id"]
    check(at.selectbox(key="routing__unit").set_value(nhs).run())
    check(at.selectbox(key="routing__category").set_value("khac").run())
    handler_options = at.selectbox(key="routing__handler").options
    check(at.selectbox(key="routing__handler").select(handler_options[-1]).run())
    check(at.button(key="FormSubmitter:routing__edit-Lưu").click().run())
    assert not at.exception and any("Đã lưu định tuyến" in s.value for s in at.success)
    check(at.number_input(key="routing__complex_days").set_value(12).run())
    check(at.button(key="FormSubmitter:routing__complex-Lưu thời hạn").click().run())
    assert not at.exception and any("Đã lưu thời hạn" in s.value for s in at.success)
