"""Online submission end to end: a couple files a marriage on /nop-ho-so with uploads; the clerk asks for a supplement
in the online inbox; the citizen uploads it on the status page; the clerk accepts; the result is recorded and
returned — and the SMTP server this test starts received each e-mail, in order, with the right code and link."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossiers
from services.dossiers import counter_results, returns
from tests.browser.helpers import open_page, sign_in
from tests.builders import actor
from tests.conftest import ROOT
from tests.intake_builders import MARRIAGE_ENTRY, SCAN, bride, groom
from tests.notify_builders import smtp_server, without_online_demo

EMAIL = "an.online@example.vn"


def send_once(env: dict) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.notify", "--once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def fill_person(page: Page, prefix: str, person: dict) -> None:
    for field in ("full_name", "cccd", "birth_date", "phone"):
        page.locator(f"#{prefix}{field}").fill(person[field])


def settled(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def test_a_marriage_filed_online_is_supplemented_accepted_returned_and_each_step_is_mailed(
    live_app, demo, page: Page, tmp_path
):
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)
    without_online_demo(demo.engine)
    with smtp_server() as (mailbox, host, port):
        env = {
            **os.environ,
            "DATABASE_URL": demo.url,
            "MOTCUA_DEMO": "true",
            "MOTCUA_PUBLIC_BASE_URL": live_app,
            "MOTCUA_SMTP_HOST": host,
            "MOTCUA_SMTP_PORT": str(port),
            "MOTCUA_NOTIFY_SINK": str(tmp_path / "sms.jsonl"),
        }

        citizen = page.context.new_page()
        citizen.goto(f"{live_app}/nop-ho-so")
        citizen.locator("#don-vi").select_option(label="Phường Ngũ Hành Sơn")
        citizen.locator("#thu-tuc").select_option(label="Đăng ký kết hôn")
        citizen.get_by_role("button", name="Tiếp tục").click()
        fill_person(citizen, "a_", groom())
        citizen.locator("#a_email").fill(EMAIL)
        fill_person(citizen, "b_", bride())
        citizen.locator("#doc_0").set_input_files(
            files=[{"name": "to_khai.pdf", "mimeType": "application/pdf", "buffer": SCAN}]
        )
        citizen.locator("#consent").check()
        citizen.get_by_role("button", name="Nộp hồ sơ").click()
        tracking = citizen.locator("#tracking-code").inner_text()
        status_link = citizen.locator("#status-link").get_attribute("href")
        assert re.fullmatch(r"TT\w{8}", tracking) and status_link.startswith(f"{live_app}/nop-ho-so/theo-doi?t=")
        send_once(env)

        sign_in(page, live_app, "motcua.nhs")
        open_page(page, "Hồ sơ trực tuyến")
        expect(page.get_by_text(f"{tracking} – Đăng ký kết hôn").first).to_be_visible()
        settled(page)
        page.get_by_role("tab", name="Yêu cầu bổ sung").click()
        page.get_by_label("Giấy tờ cần bổ sung và lý do").fill("Bổ sung giấy xác nhận tình trạng hôn nhân của bên nữ.")
        page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
        expect(page.get_by_text("Đã gửi yêu cầu bổ sung cho công dân.")).to_be_visible()
        send_once(env)

        citizen.goto(status_link)
        expect(citizen.locator("#supplement-request")).to_contain_text("tình trạng hôn nhân")
        citizen.locator("#doc_s1").set_input_files(
            files=[{"name": "xac_nhan.pdf", "mimeType": "application/pdf", "buffer": SCAN + b"%2"}]
        )
        citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
        expect(citizen.locator("#notice")).to_contain_text("Đã gửi giấy tờ bổ sung")

        open_page(page, "Hồ sơ trực tuyến")
        expect(page.get_by_text("xac_nhan.pdf (bổ sung lần 1)")).to_be_visible()
        settled(page)
        page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
        accepted = page.get_by_text("Đã tiếp nhận: mã hồ sơ")
        expect(accepted).to_be_visible()
        code = re.search(r"NGUHANHSON-\d{6}-\d{4}", accepted.inner_text()).group(0)
        send_once(env)

        clerk = actor(demo.engine, "motcua.nhs")
        with read(demo.engine) as conn:
            dossier = conn.execute(select(dossiers).where(dossiers.c.code == code)).one()
        assert dossier.channel == 2
        with write(demo.engine) as conn:
            decided = counter_results.record_decision(conn, clerk, dossier_id=dossier.id,
                                                      expected_version=dossier.version, approve=True,
                                                      marriage=MARRIAGE_ENTRY)  # fmt: skip
        with write(demo.engine) as conn:
            returns.return_result(conn, clerk, dossier_id=dossier.id, expected_version=decided["version"],
                                  collector_name=groom()["full_name"], collector_cccd=groom()["cccd"])  # fmt: skip
        send_once(env)

        citizen.goto(status_link)
        expect(citizen.locator("#dossier-code")).to_have_text(code)
        expect(citizen.locator("#dossier-status")).to_have_text("Đã trả kết quả")

    assert [str(m["To"]) for m in mailbox.messages] == [EMAIL] * 5
    assert mailbox.subjects() == [
        f"Đã nhận hồ sơ nộp trực tuyến {tracking}",
        f"Hồ sơ trực tuyến {tracking} cần bổ sung",
        f"Hồ sơ {code} đã được tiếp nhận",
        f"Hồ sơ {code} đã có kết quả",
        f"Đã trả kết quả hồ sơ {code}",
    ]
    bodies = mailbox.bodies()
    assert all(status_link in body for body in bodies[:2])
    dossier_link = citizen.locator("#dossier-link").get_attribute("href")
    assert dossier_link.startswith(f"{live_app}/tra-cuu?t=")
    assert all(dossier_link in body for body in bodies[2:])
    assert "tình trạng hôn nhân" in bodies[1] and all("/thong-bao/tu-choi?t=" in body for body in bodies)
