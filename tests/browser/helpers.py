"""What a person does in the staff screens, as Playwright steps that wait for the state they need.

Streamlit re-renders the page after every interaction; a click that lands while a rerun replaces the widget is
lost. So every step first waits until the app is connected and no script run is under way (the `stApp` element's
`data-test-script-state` attribute, which Streamlit's own end-to-end tests read), then acts, then waits for the
concrete result it expects. Nothing is retried and nothing sleeps.
"""

import re

from playwright.sync_api import Locator, Page, expect

DEMO_PASSWORD = "motcua@2026"
AUTH_COOKIE = "motcua_auth"


def settled(page: Page) -> None:
    """Waits until the Streamlit app is idle; a citizen's light page (plain HTML, no Streamlit) is always idle."""
    app = page.get_by_test_id("stApp")
    if app.count() == 0:
        return
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    expect(app).to_have_attribute("data-test-script-state", "notRunning")


def sign_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD, path: str = "") -> None:
    page.goto(f"{base_url}/{path}")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    settled(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible(timeout=30000)
    # The cookie component writes the sign-in cookie after that run, which starts one more run: wait for both.
    wait_for_cookie(page, AUTH_COOKIE, present=True)
    settled(page)


def open_page(page: Page, title: str, heading: str | None = None) -> None:
    """Click a page in the sidebar navigation by its title; done when the link is the current page, the run is
    over, and (when given) the page's heading shows."""
    settled(page)
    link = page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(title, exact=True))
    link.click()
    expect(link).to_have_attribute("aria-current", "page")
    settled(page)
    if heading:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()


def choose(page: Page, label: str, option: str, within: Locator | None = None) -> None:
    """Type into the select box, which highlights the matching option even in a long list, and take it."""
    settled(page)
    field = (within or page).get_by_role("combobox", name=label, exact=True)
    field.click()
    page.keyboard.type(option)
    expect(page.get_by_role("option").filter(has_text=option).first).to_be_attached()
    page.keyboard.press("Enter")
    expect(field).to_have_value(re.compile(re.escape(option)))
    settled(page)


def upload(page: Page, label: str, name: str, mime: str, data: bytes) -> None:
    settled(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    uploader.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    expect(uploader.get_by_text(name)).to_be_visible()
    settled(page)


def click(page: Page, name: str) -> None:
    """Press a button once the app is idle."""
    settled(page)
    page.get_by_role("button", name=name).click()


def wait_for_cookie(page: Page, name: str, *, present: bool) -> None:
    """The sign-in cookie is written (or deleted) by a component after the run that signs in (or out)."""
    for _ in range(300):
        if any(cookie["name"] == name for cookie in page.context.cookies()) == present:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"cookie {name} {'never appeared' if present else 'was never removed'}")
