"""A clerk signs in, sees the clerk's screens only, stays signed in after a reload, and signs out."""

from playwright.sync_api import Page, expect

from tests.browser.helpers import click, settled, sign_in, wait_for_cookie

COOKIE = "motcua_auth"


def test_clerk_signs_in_reloads_and_signs_out(live_app, page: Page):
    sign_in(page, live_app, "motcua.nhs")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Trang chủ")).to_be_visible()
    expect(nav.get_by_text("Tài khoản cán bộ")).to_have_count(0)
    expect(page.get_by_text("Nguyễn Thị Lan").first).to_be_visible()

    wait_for_cookie(page, COOKIE, present=True)
    page.reload()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible(timeout=20000)

    click(page, "Đăng xuất")
    # Until the sign-out's runs end, the faded form of the run before may still be on screen beside the new one:
    # wait for exactly one form.
    expect(page.get_by_label("Tên đăng nhập")).to_have_count(1, timeout=20000)
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    wait_for_cookie(page, COOKIE, present=False)
    page.reload()
    expect(page.get_by_label("Tên đăng nhập")).to_have_count(1, timeout=20000)
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_a_wrong_password_shows_a_vietnamese_message(live_app, page: Page):
    page.goto(live_app)
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    settled(page)
    page.get_by_label("Tên đăng nhập").fill("motcua.nhs")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    click(page, "Đăng nhập")
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.", exact=False)).to_be_visible(timeout=20000)


def test_a_deep_link_to_an_admin_page_without_signing_in_shows_the_login_form(live_app, page: Page):
    page.goto(f"{live_app}/admin_users")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=20000)
    expect(page.get_by_text("Tài khoản cán bộ")).to_have_count(0)
