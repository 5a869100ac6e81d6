"""The counter screens in AppTest: who gets them, intake with pre-fill and errors, decisions and returns."""

import pytest
from sqlalchemy import select

from db.engine import read
from db.schema import dossier_ratings, dossiers
from seed.demo.intake import CITIZENS, DEMO_NOTE
from tests.apptest import check, errors, open_app, registered_pages

COUNTER_PAGES = {"pages/intake.py", "pages/counter_results.py", "pages/return_result.py"}
EXPECTED = {
    "motcua.nhs": COUNTER_PAGES,
    "lanhdao.nhs": {"pages/counter_results.py"},
    "chuyenvien.nhs": set(),
    "lanhdao.tp": set(),
    "admin": {"pages/admin_dossier_codes.py"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_gets_exactly_its_counter_screens(demo, username):
    pages = registered_pages(open_app(demo, username))
    assert (pages & (COUNTER_PAGES | {"pages/admin_dossier_codes.py"})) == EXPECTED[username]


@pytest.mark.parametrize(
    "username, page",
    [(u, p) for u, pages in sorted(EXPECTED.items()) for p in sorted(pages)],
)
def test_every_counter_screen_renders_for_each_role_that_may_open_it(demo, username, page):
    at = open_app(demo, username, page=page)
    assert not at.exception and at.title


def fill_marriage(at, **changes):
    values = {
        "a_full_name": "Nguyễn Văn Bình",
        "a_cccd": "048092007777",
        "a_birth_date": "01/02/1992",
        "a_phone": "0905000111",
        "b_full_name": "Lê Thị Hoa",
        "b_cccd": "048194008888",
        "b_birth_date": "03/04/1994",
        **changes,
    }
    for name, value in values.items():
        at.text_input(key=f"intake__{name}_0").input(value)
    return at


def submit(at, label, *, allow_errors=()):
    return check(next(b for b in at.button if b.label == label).click().run(), allow_errors=allow_errors)


def open_marriage_intake(demo):
    at = open_app(demo, "motcua.nhs", page="pages/intake.py")
    check(at.selectbox(key="intake__procedure").set_value("ket_hon").run())
    assert not at.exception
    return at


def test_a_clerk_receives_a_marriage_and_sees_the_code_and_appointment(demo):
    at = submit(fill_marriage(open_marriage_intake(demo)), "Tiếp nhận và in giấy hẹn")
    last = at.session_state["intake__last"]
    assert last["code"].startswith("NGUHANHSON-")
    assert any(last["code"] in s.value and "Hẹn trả kết quả" in s.value for s in at.success)
    with read(demo.engine) as conn:
        assert (
            conn.scalar(select(dossiers.c.applicant_name).where(dossiers.c.code == last["code"])) == "Nguyễn Văn Bình"
        )


def test_a_bad_cccd_is_shown_in_vietnamese_and_the_form_keeps_what_was_typed(demo):
    at = submit(
        fill_marriage(open_marriage_intake(demo), a_cccd="04809200777"),
        "Tiếp nhận và in giấy hẹn",
        allow_errors=["12 chữ số"],
    )
    assert errors(at) == ["Người nộp hồ sơ: số CCCD phải có đúng 12 chữ số (đang có 11)."]
    assert at.text_input(key="intake__a_full_name_0").value == "Nguyễn Văn Bình"
    assert "intake__last" not in at.session_state


def test_a_returning_citizen_is_pre_filled_from_the_cccd(demo):
    at = open_marriage_intake(demo)
    at.text_input(key="intake__a_lookup_0").input(CITIZENS["hung"]["cccd"])
    submit(at, "Tìm")
    assert at.text_input(key="intake__a_full_name_0").value == CITIZENS["hung"]["full_name"]
    assert at.text_input(key="intake__a_birth_date_0").value == CITIZENS["hung"]["birth_date"]


def test_a_refusal_slip_is_made_from_the_intake_screen(demo):
    at = open_marriage_intake(demo)
    at.text_input(key="intake__refusal_name_0").input("Trương Văn Tư")
    at.text_area(key="intake__refusal_reasons_0").input("Thiếu tờ khai có chữ ký của hai bên")
    submit(at, "Lập phiếu từ chối")
    assert at.session_state["intake__last_refusal"]
    assert any("phiếu từ chối" in s.value for s in at.success)


def test_the_clerk_records_a_same_day_decision(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/counter_results.py")
    chosen = at.selectbox(key="counter__dossier").value
    code = at.selectbox(key="counter__dossier").format_func(chosen)
    if "Đăng ký kết hôn" in code:
        for key, value in {"certificate_no": "15/2026", "book": "01/2026", "page": "8", "entry_no": "15"}.items():
            at.text_input(key=f"counter__marriage_{key}_{chosen}").set_value(value)
        at.checkbox(key=f"counter__marriage_signed_{chosen}").check()
    submit(at, "Ghi nhận quyết định")
    assert any("có kết quả, chờ trả" in s.value for s in at.success), code


def test_a_marriage_decision_without_both_signatures_is_refused_and_stays_pending(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/counter_results.py")
    box = at.selectbox(key="counter__dossier")
    box.select_index(next(i for i, text in enumerate(box.options) if "Đăng ký kết hôn" in text)).run()
    chosen = at.selectbox(key="counter__dossier").value
    at.text_input(key=f"counter__marriage_certificate_no_{chosen}").set_value("15/2026")
    submit(at, "Ghi nhận quyết định", allow_errors=["phải có mặt, ký vào Sổ đăng ký kết hôn"])
    assert any("phải có mặt, ký vào Sổ đăng ký kết hôn" in e.value for e in at.error)


def demo_code(demo, status):
    with read(demo.engine) as conn:
        return conn.scalar(select(dossiers.c.code).where(dossiers.c.notes == DEMO_NOTE, dossiers.c.status == status))


def test_the_clerk_returns_a_ready_result_and_has_no_rating_to_set(demo):
    at = open_app(demo, "motcua.nhs", page="pages/return_result.py")
    code = demo_code(demo, "result_ready")
    check(at.text_input(key="return__query").input(code).run())
    dossier_id = at.selectbox(key="return__dossier").value
    assert not at.radio and "Mức độ hài lòng" not in [t.label for t in at.text_area]
    at.text_input(key=f"return__cccd_{dossier_id}").input(CITIZENS["lan"]["cccd"])
    submit(at, "Trả kết quả")
    assert any(f"Đã trả kết quả hồ sơ {code}" in s.value and "mã QR" in s.value for s in at.success)
    with read(demo.engine) as conn:
        row = conn.execute(select(dossiers).where(dossiers.c.code == code)).one()
        rated = conn.scalar(select(dossier_ratings.c.id).where(dossier_ratings.c.dossier_id == row.id))
    assert row.status == "returned" and rated is None


def test_a_clerk_of_another_ward_is_told_the_dossier_is_not_theirs(demo):
    at = open_app(demo, "motcua.hc", page="pages/return_result.py")
    check(at.text_input(key="return__query").input(demo_code(demo, "result_ready")).run(), allow_errors=["đơn vị khác"])
    assert errors(at) == ["Hồ sơ này được tiếp nhận tại đơn vị khác; kết quả trả tại nơi đã tiếp nhận."]
