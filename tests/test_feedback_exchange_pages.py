"""The desk's exchange parts in AppTest: the leader transfers the item the demo pinned in Hải Châu's street, the
sending ward lists it with its history, the emergency and source are shown."""

from sqlalchemy import select

from db.engine import read
from db.schema import feedback, units
from tests.apptest import OVERDUE_FEEDBACK, open_app

DESK = "pages/feedback_desk.py"
PINNED = "Nắp hố ga bị vỡ trên đường Bạch Đằng"


def pinned_item(demo) -> int:
    with read(demo.engine) as conn:
        return conn.scalar(select(feedback.c.id).where(feedback.c.title == PINNED))


def hai_chau(demo) -> int:
    with read(demo.engine) as conn:
        return conn.scalar(select(units.c.id).where(units.c.code == "HAICHAU"))


def test_the_leader_sees_the_location_and_suggestion_then_transfers_the_item(demo):
    at = open_app(demo, "lanhdao.nhs", page=DESK, allow_errors=[OVERDUE_FEEDBACK])
    at.radio(key="feedback__view").set_value("open").run()
    at.selectbox(key="feedback__selected").set_value(pinned_item(demo)).run()
    texts = [t.value for t in at.text]
    assert "16.071000, 108.224500" in texts and "Phường Hải Châu" in texts
    assert any("Đơn vị gợi ý khác" in w.value for w in at.warning)
    at.selectbox(key="feedback__transfer_unit").set_value(hai_chau(demo))
    at.text_area(key="feedback__transfer_reason").input("Đường Bạch Đằng đoạn này thuộc phường Hải Châu")
    at.button(key="FormSubmitter:feedback__transfer_form-Chuyển đơn vị").click().run()
    assert not at.exception and not [e.value for e in at.error if e.icon != ":material/alarm:"]  # overdue is data
    assert any("Đã chuyển phản ánh tới Phường Hải Châu" in s.value for s in at.success)
    assert at.selectbox(key="feedback__transferred_selected").options


def test_a_transfer_without_a_reason_shows_a_vietnamese_error_and_moves_nothing(demo):
    at = open_app(demo, "lanhdao.nhs", page=DESK, allow_errors=[OVERDUE_FEEDBACK])
    at.radio(key="feedback__view").set_value("open").run()
    at.selectbox(key="feedback__selected").set_value(pinned_item(demo)).run()
    at.selectbox(key="feedback__transfer_unit").set_value(hai_chau(demo))
    at.button(key="FormSubmitter:feedback__transfer_form-Chuyển đơn vị").click().run()
    assert not at.exception and any("lý do" in e.value for e in at.error)
    with read(demo.engine) as conn:
        assert conn.scalar(select(feedback.c.unit_id).where(feedback.c.id == pinned_item(demo))) != hai_chau(demo)
