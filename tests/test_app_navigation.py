"""Each role sees exactly its screens; the sign-in form speaks Vietnamese and survives bad input."""

import pytest

from db.engine import write
from services.accounts import accounts
from tests.apptest import open_app, registered_pages
from tests.builders import actor

EXPECTED = {
    "admin": {"pages/admin_users.py", "pages/admin_departments.py", "pages/admin_audit.py"},
    "lanhdao.tp": {"pages/admin_audit.py"},
    "lanhdao.nhs": {"pages/admin_audit.py"},
    "motcua.nhs": set(),
    "chuyenvien.nhs": set(),
}
ADMIN_ONLY = {"pages/admin_users.py", "pages/admin_departments.py"}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_gets_its_pages_and_none_of_the_admin_pages(demo, username):
    pages = registered_pages(open_app(demo, username))
    assert {"pages/home.py", "pages/account.py"} <= pages
    assert EXPECTED[username] <= pages
    if username != "admin":
        assert not ADMIN_ONLY & pages


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_every_page_of_a_role_renders_without_error(demo, username):
    at = open_app(demo, username)
    for page in sorted(registered_pages(at)):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.title, page


def test_an_anonymous_visitor_sees_only_the_vietnamese_login_form(demo):
    at = open_app(demo)
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert {w.label for w in at.text_input} == {"Tên đăng nhập", "Mật khẩu"}
    assert registered_pages(at) == set()


def sign_in(at, username, password):
    at.text_input(key="login__username").input(username)
    at.text_input(key="login__password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


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
    at = sign_in(open_app(demo), username, password)
    assert any(message in e.value for e in at.error)
    assert [t.value for t in at.title] == ["Đăng nhập"]


def test_a_deactivated_user_is_signed_out_on_the_next_run(demo):
    at = open_app(demo, "motcua.nhs")
    with write(demo.engine) as conn:
        accounts.set_active(
            conn, actor(demo.engine, "admin"), user_id=actor(demo.engine, "motcua.nhs").user_id, active=False
        )
    at.run()
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert any("không còn hiệu lực" in e.value for e in at.error)


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

    at = open_app(Unreachable())
    assert any("Không kết nối được" in e.value for e in at.error)


def test_admin_creates_a_clerk_account_from_the_users_page(demo):
    at = open_app(demo, "admin", page="pages/admin_users.py")
    at.text_input(key="users__new_username").input("motcua2.nhs")
    at.text_input(key="users__new_name").input("Cán bộ Mới")
    at.multiselect(key="users__new_roles").select("clerk")
    at.text_input(key="users__new_password").input("mat-khau-ban-dau")
    at.button[0].click().run()
    assert not at.exception
    assert any("Đã tạo tài khoản" in s.value for s in at.success), [e.value for e in at.error]
