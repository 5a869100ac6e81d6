"""What a person does in the staff screens, as Playwright steps."""

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "motcua@2026"


def sign_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD, path: str = "") -> None:
    page.goto(f"{base_url}/{path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible(timeout=20000)


def open_page(page: Page, title: str) -> None:
    """Click a page in the sidebar navigation by its title."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
