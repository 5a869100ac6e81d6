"""AppTest of the worklist and dossier pages for every role that may open them, and not for the others."""

import pytest
from sqlalchemy import select

from db.engine import read
from db.schema import dossiers
from seed.demo.processing import DEMO_DOSSIERS, DEMO_NOTE
from services.processing import worklist
from tests.apptest import check, errors, open_app, registered_pages
from tests.builders import actor
from tests.processing_builders import load

WORKLIST_ROLES = ["truongphong.nhs", "chuyenvien.nhs", "lanhdao.nhs", "motcua.nhs", "hotich.nhs"]


def demo_codes(at, demo) -> list[str]:
    """The dossiers of this feature's demo seed (other features seed their own too)."""
    ours = _ours(demo)
    return [code for code in at.selectbox(key="worklist__open_code").options if code in ours]


@pytest.mark.parametrize("username", WORKLIST_ROLES)
def test_the_worklist_renders_for_each_department_and_unit_role(demo, username):
    at = open_app(demo, username, page="pages/worklist.py")
    assert [t.value for t in at.title] == ["Hồ sơ cần xử lý"]
    if username == "hotich.nhs":
        assert any("Không có hồ sơ" in i.value for i in at.info)
    else:
        assert len(demo_codes(at, demo)) == len(DEMO_DOSSIERS)


@pytest.mark.parametrize("username", ["admin", "lanhdao.tp"])
def test_city_wide_roles_do_not_get_the_worklist_but_can_look_up_a_dossier(demo, username):
    pages = registered_pages(open_app(demo, username))
    assert "pages/worklist.py" not in pages
    assert "pages/dossier.py" in pages


def test_the_worklist_filters_by_status(demo):
    at = open_app(demo, "truongphong.nhs", page="pages/worklist.py")
    check(at.selectbox(key="worklist__status").select("supplement_requested").run())
    assert not at.exception
    assert len(demo_codes(at, demo)) == 1
    assert at.dataframe[0].value["Trạng thái"].unique().tolist() == ["Chờ công dân bổ sung"]


def test_opening_a_dossier_from_the_worklist_shows_its_page_with_the_actions(demo):
    at = open_app(demo, "chuyenvien.nhs", page="pages/worklist.py")
    code = demo_codes(at, demo)[0]
    at.selectbox(key="worklist__open_code").select(code)
    check(at.button(key="worklist__open").click().run())
    assert not at.exception
    assert any(code in s.value for s in at.subheader)
    assert at.text_area(key="dossier__items") is not None


def open_dossier(demo, username, code, *, allow_errors=()):
    at = open_app(demo, username, page="pages/dossier.py")
    at.text_input(key="dossier__code").input(code)
    return check(at.button[0].click().run(), allow_errors=allow_errors)


@pytest.mark.parametrize("username", ["admin", "lanhdao.tp", "lanhdao.nhs", "motcua.nhs", "chuyenvien.nhs"])
def test_the_dossier_page_opens_a_dossier_for_everyone_allowed_to_read_it(demo, username):
    code = _overdue_code(demo)
    at = open_dossier(demo, username, code)
    assert any(code in s.value for s in at.subheader)


@pytest.mark.parametrize("username", ["hotich.nhs", "motcua.hc", "diachinh.hc"])
def test_the_dossier_page_refuses_a_dossier_outside_the_users_scope(demo, username):
    code = _overdue_code(demo)
    at = open_dossier(demo, username, code, allow_errors=["Không tìm thấy hồ sơ"])
    assert errors(at) == [f"Không tìm thấy hồ sơ mã “{code}” trong phạm vi của bạn."]
    assert not at.subheader


def test_a_supplement_request_without_items_shows_an_error_on_the_page(demo):
    at = open_dossier(demo, "chuyenvien.nhs", _overdue_code(demo))
    at.text_area(key="dossier__items").input("   ")
    _submit(at, "Gửi yêu cầu bổ sung", allow_errors=["ít nhất một giấy tờ"])
    assert errors(at) == ["Phải liệt kê ít nhất một giấy tờ cần bổ sung (liệt kê đầy đủ trong một lần)."]


def test_a_clerk_receives_the_supplement_on_the_dossier_page(demo):
    dossier = _paused(demo)
    at = open_dossier(demo, "motcua.nhs", dossier["code"])
    _submit(at, "Đã nhận đủ giấy tờ bổ sung")
    assert any("Đã nhận hồ sơ bổ sung" in s.value for s in at.success), [e.value for e in at.error]
    after = load(demo.engine, dossier["id"])
    assert after["status"] == "in_progress" and after["due_at"] > dossier["due_at"]


def test_a_stale_page_gets_the_reload_message(demo):
    dossier = _paused(demo)
    first = open_dossier(demo, "motcua.nhs", dossier["code"])
    second = open_dossier(demo, "motcua.nhs", dossier["code"])
    _submit(first, "Đã nhận đủ giấy tờ bổ sung")
    _submit(second, "Đã nhận đủ giấy tờ bổ sung", allow_errors=["vừa được người khác cập nhật"])
    assert errors(second) == ["Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại."]


def _submit(at, label, *, allow_errors=()):
    return check(next(b for b in at.button if b.label.startswith(label)).click().run(), allow_errors=allow_errors)


def _overdue_code(demo) -> str:
    with read(demo.engine) as conn:
        rows = worklist.worklist(conn, actor(demo.engine, "truongphong.nhs"), page_size=100).rows
    return next(r["code"] for r in rows if r["code"] in _ours(demo))


def _paused(demo) -> dict:
    with read(demo.engine) as conn:
        rows = worklist.worklist(conn, actor(demo.engine, "truongphong.nhs"), status="supplement_requested").rows
    return load(demo.engine, next(r["id"] for r in rows if r["code"] in _ours(demo)))


def _ours(demo) -> set[str]:
    with read(demo.engine) as conn:
        return set(conn.scalars(select(dossiers.c.code).where(dossiers.c.notes == DEMO_NOTE)))
