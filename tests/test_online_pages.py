"""The online inbox and the notification log in AppTest: who gets them, and the clerk's three decisions."""

import pytest
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossiers, notify_outbox, online_submissions
from services.notify import outbox
from tests.apptest import open_app, registered_pages
from tests.notify_builders import without_online_demo
from tests.test_online_submission import marriage, submit

PAGES = {"pages/online_inbox.py", "pages/admin_notifications.py"}
EXPECTED = {
    "motcua.nhs": {"pages/online_inbox.py"},
    "lanhdao.nhs": {"pages/online_inbox.py"},
    "chuyenvien.nhs": set(),
    "admin": {"pages/admin_notifications.py"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_gets_exactly_its_online_and_notification_screens(demo, username):
    assert registered_pages(open_app(demo, username)) & PAGES == EXPECTED[username]


def test_the_demo_inbox_shows_a_marriage_waiting_and_a_birth_waiting_for_a_supplement(demo):
    at = open_app(demo, "motcua.nhs", page="pages/online_inbox.py")
    assert not at.exception and not at.error
    assert at.dataframe[0].value["Tình trạng"].tolist() == ["Chờ tiếp nhận", "Cần bổ sung hồ sơ"]


def test_an_empty_inbox_says_so(demo):
    without_online_demo(demo.engine)
    at = open_app(demo, "motcua.hc", page="pages/online_inbox.py")
    assert not at.exception and not at.error
    assert "Không có hồ sơ trực tuyến" in at.info[0].value


def press(at, label):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def status_of(engine) -> str:
    with read(engine) as conn:
        return conn.scalar(select(online_submissions.c.status))


def test_the_clerk_asks_for_a_supplement_then_refuses_from_the_inbox(demo, tmp_path):
    without_online_demo(demo.engine)
    submit(demo.engine, tmp_path, marriage(demo.engine))
    at = open_app(demo, "motcua.nhs", page="pages/online_inbox.py")
    assert not at.error and "Bên còn lại" in at.dataframe[1].value["Vai trò"].tolist()
    at.text_area(key="online__supplement_text").input("Bổ sung giấy xác nhận tình trạng hôn nhân.")
    press(at, "Gửi yêu cầu bổ sung")
    assert not at.error and status_of(demo.engine) == "supplement_requested"
    assert "yêu cầu bổ sung" in at.success[0].value
    at.text_area(key="online__refuse_text").input("Công dân không bổ sung trong thời hạn.")
    press(at, "Không tiếp nhận")
    assert not at.error and status_of(demo.engine) == "refused"


def test_the_clerk_accepts_and_a_channel_2_dossier_is_born(demo, tmp_path):
    without_online_demo(demo.engine)
    submit(demo.engine, tmp_path, marriage(demo.engine))
    at = open_app(demo, "motcua.nhs", page="pages/online_inbox.py")
    press(at, "Tiếp nhận hồ sơ")
    assert not at.error and "Đã tiếp nhận: mã hồ sơ" in at.success[0].value
    with read(demo.engine) as conn:
        assert conn.scalar(select(dossiers.c.channel).where(dossiers.c.notes.like("Nộp trực tuyến%"))) == 2


def test_the_admin_sees_the_delivery_log_and_can_resend_a_failed_message(demo):
    without_online_demo(demo.engine)
    with write(demo.engine) as conn:
        message = outbox.enqueue(conn, event="received", channel="email", recipient="an@example.vn",
                                 payload={"code": "X-1"}, code="X-1")  # fmt: skip
        conn.execute(notify_outbox.update().values(status="failed", last_error="550 no such user"))
    at = open_app(demo, "admin", page="pages/admin_notifications.py")
    assert not at.exception and not at.error
    assert at.dataframe[0].value["Lỗi gần nhất"].tolist() == ["550 no such user"]
    press(at, "Gửi lại")
    assert not at.error and f"#{message}" in at.success[0].value
