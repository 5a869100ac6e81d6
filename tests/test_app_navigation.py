"""Each role sees exactly its screens; the sign-in form speaks Vietnamese and survives bad input."""

import pytest

from db.engine import write
from services.accounts import accounts
from tests.apptest import DEMO_ALERTS, check, errors, open_app, registered_pages
from tests.builders import actor
from tests.conftest import ROOT

# The whole role -> page table, written out (not read from components/nav.py): one row per page, the roles that get it.
# A change of who sees what is a change of this table.
ALL = {"admin", "city_leader", "leader", "clerk", "specialist", "department_head"}
PAGE_ROLES = {
    "pages/home.py": ALL,
    "pages/account.py": ALL,
    "pages/dossier.py": ALL,
    "pages/admin_users.py": {"admin"},
    "pages/admin_departments.py": {"admin"},
    "pages/admin_procedures.py": {"admin"},
    "pages/admin_calendar.py": {"admin", "leader"},
    "pages/admin_audit.py": {"admin", "leader", "city_leader"},
    "pages/counter.py": {"clerk"},
    "pages/intake.py": {"clerk"},
    "pages/counter_results.py": {"clerk", "leader"},
    "pages/return_result.py": {"clerk"},
    "pages/sent_elsewhere.py": {"clerk", "leader"},
    "pages/postal.py": {"clerk", "specialist", "department_head"},
    "pages/dispatch.py": {"admin"},
    "pages/admin_routing.py": {"admin"},
    "pages/admin_dossier_codes.py": {"admin"},
    "pages/worklist.py": {"specialist", "department_head", "leader", "clerk"},
    "pages/feedback_desk.py": {"leader", "department_head", "specialist", "admin", "city_leader"},
    "pages/admin_feedback_routing.py": {"admin"},
    "pages/ioc.py": {"admin", "city_leader", "leader"},
    "pages/ioc_rivers.py": {"admin", "city_leader", "leader"},
    "pages/trial_report.py": {"admin", "city_leader", "leader"},
    "pages/admin_cameras.py": {"admin"},
    "pages/admin_queue.py": {"admin", "leader"},
    "pages/admin_import.py": {"admin"},
    "pages/admin_copy_config.py": {"admin"},
    "pages/readiness.py": {"admin", "city_leader"},
    "pages/admin_trusted_certs.py": {"admin", "leader"},
    "pages/online_inbox.py": {"clerk", "leader"},
    "pages/admin_notifications.py": {"admin"},
    "pages/withdrawal.py": {"clerk"},
    "pages/tracking_book.py": {"clerk", "leader"},
}
# One demo account per role.
ROLE_OF = {
    "admin": "admin",
    "lanhdao.tp": "city_leader",
    "lanhdao.nhs": "leader",
    "motcua.nhs": "clerk",
    "chuyenvien.nhs": "specialist",
    "truongphong.nhs": "department_head",
}


def test_the_page_table_lists_every_page_file():
    assert set(PAGE_ROLES) == {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}


def test_every_role_gets_exactly_the_pages_of_the_table_and_no_other(demo):
    registered = {username: registered_pages(open_app(demo, username)) for username in ROLE_OF}
    expected = {
        username: {page for page, roles in PAGE_ROLES.items() if role in roles} for username, role in ROLE_OF.items()
    }
    assert registered == expected


@pytest.mark.parametrize("username", sorted(ROLE_OF))
def test_every_page_of_a_role_renders_without_an_exception_or_an_error_box(demo, username):
    at = open_app(demo, username)
    for page in sorted(registered_pages(at)):
        check(at.switch_page(page).run(), allow_errors=DEMO_ALERTS)
        assert at.title, page


def test_an_anonymous_visitor_sees_only_the_vietnamese_login_form(demo):
    at = open_app(demo)
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert {w.label for w in at.text_input} == {"Tên đăng nhập", "Mật khẩu"}
    assert registered_pages(at) == set()


def sign_in(at, username, password, *, allow_errors=()):
    at.text_input(key="login__username").input(username)
    at.text_input(key="login__password").input(password)
    return check(at.button[0].click().run(), allow_errors=allow_errors)


def test_the_login_form_signs_a_clerk_in_and_shows_the_home_page(demo):
    at = sign_in(open_app(demo), "motcua.nhs", "motcua@2026")
    assert "Trung tâm Phục vụ Hành chính công" in [t.value for t in at.title]
    assert at.session_state["username"] == "motcua.nhs"


@pytest.mark.parametrize(
    "username, password, message",
    [
        ("motcua.nhs", "sai-mat-khau", "không đúng"),
        ("khong.ton.tai", "motcua@2026", "không đúng"),
        ("", "", "không đúng"),
    ],
)
def test_a_failed_login_shows_a_vietnamese_error_and_stays_on_the_form(demo, username, password, message):
    at = sign_in(open_app(demo), username, password, allow_errors=[message])
    assert any(message in e for e in errors(at))
    assert [t.value for t in at.title] == ["Đăng nhập"]


def test_a_deactivated_user_is_signed_out_on_the_next_run(demo):
    at = open_app(demo, "motcua.nhs")
    with write(demo.engine) as conn:
        accounts.set_active(
            conn, actor(demo.engine, "admin"), user_id=actor(demo.engine, "motcua.nhs").user_id, active=False
        )
    check(at.run(), allow_errors=["không còn hiệu lực"])
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert errors(at) == ["Phiên đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại."]


def test_a_user_with_a_reset_password_must_change_it_first(demo):
    with write(demo.engine) as conn:
        accounts.reset_password(
            conn, actor(demo.engine, "admin"), user_id=actor(demo.engine, "motcua.nhs").user_id, password="tam-thoi-123"
        )
    at = open_app(demo, "motcua.nhs")
    assert registered_pages(at) == {"pages/account.py"}


def test_an_unreachable_database_shows_a_message_instead_of_a_traceback(demo, monkeypatch):
    class Unreachable:
        url = "postgresql+psycopg://postgres@127.0.0.1:1/none"

    at = open_app(Unreachable(), allow_errors=["Không kết nối được"])
    assert any("Không kết nối được" in e for e in errors(at))


def test_admin_creates_a_clerk_account_from_the_users_page(demo):
    at = open_app(demo, "admin", page="pages/admin_users.py")
    at.text_input(key="users__new_username").input("motcua2.nhs")
    at.text_input(key="users__new_name").input("Cán bộ Mới")
    at.multiselect(key="users__new_roles").select("clerk")
    at.text_input(key="users__new_password").input("mat-khau-ban-dau")
    check(at.button[0].click().run())
    assert not at.exception
    assert any("Đã tạo tài khoản" in s.value for s in at.success), [e.value for e in at.error]
