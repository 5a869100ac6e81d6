"""Demo data for citizen feedback: routing rows for the demo wards and Ngũ Hành Sơn items in every state, made through
the same services the portal and the desk use (so deadlines, events and training examples are real)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from db.schema import feedback, feedback_routes, units
from services.accounts.accounts import load_actor
from services.core.clock import now
from services.feedback.classifier import CATEGORIES
from services.feedback.desk import answer, escalate, reject, request_information, triage
from services.feedback.items import NewFeedback, rate_answer, submit_feedback
from services.feedback.routing import handler_for, save_route

DEMO_UNITS = ("NGUHANHSON", "HAICHAU")
PILOT = "NGUHANHSON"

# (days ago, title, content, address, name, what happens next)
DEMO_ITEMS = [
    (
        6,
        "Rác thải ùn ứ đầu kiệt 45 Lê Văn Hiến",
        "Rác thải ùn ứ nhiều ngày ở đầu kiệt, bốc mùi hôi thối, ruồi muỗi nhiều. Đề nghị phường cho xe thu gom.",
        "Kiệt 45 Lê Văn Hiến",
        "Nguyễn Văn An",
        "answer_rate",
    ),
    (
        5,
        "Đèn đường hư hỏng trên đường Trần Đại Nghĩa",
        "Ba trụ đèn chiếu sáng liền nhau bị hỏng hơn một tuần, buổi tối rất tối, dễ xảy ra tai nạn.",
        "Đường Trần Đại Nghĩa, đoạn gần chợ",
        "",
        "answer",
    ),
    (
        8,
        "Quán nhậu lấn chiếm vỉa hè",
        "Quán nhậu kê bàn ghế kín vỉa hè đường Nguyễn Văn Thoại mỗi tối, người đi bộ phải xuống lòng đường.",
        "Đường Nguyễn Văn Thoại",
        "Trần Thị Bích",
        "answer_late",
    ),
    (
        7,
        "Tiếng ồn karaoke đến khuya",
        "Nhà hàng karaoke hát đến 1 giờ sáng nhiều đêm liền, cả xóm mất ngủ.",
        "Tổ 14, khu dân cư Mỹ An",
        "",
        "overdue_escalated",
    ),
    (
        1,
        "Cống thoát nước bị tắc",
        "Cống thoát nước trước nhà số 12 bị tắc, mưa nhỏ cũng ngập cả đoạn đường.",
        "Số 12 đường Mai Đăng Chơn",
        "",
        "assigned",
    ),
    (
        2,
        "Xây nhà không phép lấn đất công",
        "Hộ dân xây dựng nhà không phép, lấn chiếm đất công cuối đường Nam Kỳ Khởi Nghĩa.",
        "",
        "",
        "info_requested",
    ),
    (0, "Góp ý chung", "Mong phường quan tâm hơn nữa đến đời sống bà con khu mình.", "", "", "triage"),
    (3, "Khuyến mãi lớn", "Mua ngay sản phẩm giảm giá 50% tại website của chúng tôi, liên hệ ngay!", "", "", "spam"),
]


class _NoFiles:
    """The demo adds no photos, so nothing is ever stored."""

    def put(self, key, data, content_type):
        raise AssertionError("demo items have no photos")

    def get(self, key):
        raise FileNotFoundError(key)

    def delete(self, key):
        return None


def seed_feedback_demo(conn: Connection) -> None:
    for code in DEMO_UNITS:
        unit_id = conn.scalar(select(units.c.id).where(units.c.code == code))
        if unit_id is not None:
            _seed_routes(conn, unit_id)
    pilot_id = conn.scalar(select(units.c.id).where(units.c.code == PILOT))
    if pilot_id is None or conn.scalar(
        select(func.count()).select_from(feedback).where(feedback.c.unit_id == pilot_id)
    ):
        return
    for days_ago, title, content, address, name, story in DEMO_ITEMS:
        _seed_item(conn, pilot_id, days_ago, title, content, address, name, story)


def _seed_routes(conn: Connection, unit_id: int) -> None:
    """Only the missing rows: running the seed again keeps what an admin changed."""
    existing = set(conn.scalars(select(feedback_routes.c.category).where(feedback_routes.c.unit_id == unit_id)))
    for category in set(CATEGORIES) - existing:
        save_route(
            conn,
            unit_id=unit_id,
            category=category,
            department_id=handler_for(conn, unit_id=unit_id, category=category),
            by="seed",
        )


def _seed_item(conn, unit_id, days_ago, title, content, address, name, story) -> None:
    received = now() - timedelta(days=days_ago, hours=2)
    item = NewFeedback(unit_id, title, content, address, contact_name=name, hide_name=not name)
    created = submit_feedback(conn, store=_NoFiles(), item=item, at=received)
    leader = load_actor(conn, "lanhdao.nhs")
    if created["status"] == "triage" and story not in ("triage", "spam"):
        current = conn.execute(select(feedback).where(feedback.c.id == created["id"])).one()
        _triage(conn, leader, current, received + timedelta(hours=1))
    _STORIES[story](conn, leader, created["id"], received)


def _triage(conn, leader, row, at: datetime) -> None:
    triage(
        conn,
        leader,
        feedback_id=row.id,
        category=row.category,
        department_id=row.department_id,
        kind=row.kind,
        expected_version=row.version,
        at=at,
    )


def _version(conn, feedback_id: int) -> dict:
    return dict(conn.execute(select(feedback).where(feedback.c.id == feedback_id)).one()._mapping)


def _answer(conn, leader, feedback_id: int, at: datetime, text: str) -> None:
    item = _version(conn, feedback_id)
    actor = _handler_actor(conn, item) or leader
    answer(conn, actor, store=_NoFiles(), feedback_id=feedback_id, text=text, expected_version=item["version"], at=at)


def _handler_actor(conn, item: dict):
    for username in ("chuyenvien.nhs", "hotich.nhs", "diachinh.nhs"):
        actor = load_actor(conn, username)
        if actor and actor.department_id == item["department_id"]:
            return actor
    return None


def _answer_and_rate(conn, leader, feedback_id, received) -> None:
    _answer(
        conn,
        leader,
        feedback_id,
        received + timedelta(days=1),
        "Phường đã chỉ đạo Tổ vệ sinh môi trường thu gom toàn bộ rác tại điểm phản ánh và bố trí lịch thu gom "
        "cố định vào 17 giờ hằng ngày. Cảm ơn bạn đã phản ánh.",
    )
    code = _version(conn, feedback_id)["code"]
    rate_answer(conn, code=code, satisfied=True, comment="Đã sạch sẽ, cảm ơn phường.", at=received + timedelta(days=2))


def _answer_on_time(conn, leader, feedback_id, received) -> None:
    _answer(
        conn,
        leader,
        feedback_id,
        received + timedelta(hours=20),
        "Phòng Kinh tế, Hạ tầng và Đô thị đã phối hợp đơn vị quản lý chiếu sáng thay bóng đèn cho ba trụ đèn; "
        "hệ thống đã hoạt động bình thường.",
    )


def _answer_late(conn, leader, feedback_id, received) -> None:
    _answer(
        conn,
        leader,
        feedback_id,
        received + timedelta(days=7),
        "Tổ công tác trật tự đô thị phường đã kiểm tra, lập biên bản và yêu cầu chủ quán thu dọn bàn ghế, "
        "trả lại vỉa hè cho người đi bộ. Phường sẽ tiếp tục kiểm tra định kỳ.",
    )


def _escalate(conn, leader, feedback_id, received) -> None:
    item = _version(conn, feedback_id)
    actor = _handler_actor(conn, item) or leader
    escalate(conn, actor, feedback_id=feedback_id, expected_version=item["version"])


def _request_info(conn, leader, feedback_id, received) -> None:
    item = _version(conn, feedback_id)
    actor = _handler_actor(conn, item) or leader
    request_information(
        conn,
        actor,
        feedback_id=feedback_id,
        question="Đề nghị bạn cho biết số nhà hoặc vị trí cụ thể của công trình, kèm ảnh chụp nếu có.",
        expected_version=item["version"],
        at=received + timedelta(hours=5),
    )


def _reject_spam(conn, leader, feedback_id, received) -> None:
    item = _version(conn, feedback_id)
    reject(
        conn,
        leader,
        feedback_id=feedback_id,
        reason="spam",
        note="Nội dung quảng cáo, không phải phản ánh, kiến nghị.",
        expected_version=item["version"],
        at=received + timedelta(hours=3),
    )


def _leave(conn, leader, feedback_id, received) -> None:
    return None


_STORIES = {
    "answer_rate": _answer_and_rate,
    "answer": _answer_on_time,
    "answer_late": _answer_late,
    "overdue_escalated": _escalate,
    "assigned": _leave,
    "info_requested": _request_info,
    "triage": _leave,
    "spam": _reject_spam,
}
