"""/nop-ho-so through Starlette's TestClient: the form offers only online procedures, a good submission redirects to
its status page, and bad input (wrong CCCD, procedure not online, fake PDF, 60 MB streamed, a burst) gets a
Vietnamese message with nothing stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read, write
from db.schema import dossiers, notify_optouts, notify_outbox, online_submission_files, online_submissions
from services.core.files import LocalFileStore
from services.core.units import unit_by_code
from services.dossiers import counter_results, signed_results
from services.notify import outbox
from services.online import submission as online
from tests.builders import actor
from tests.intake_builders import MARRIAGE_ENTRY, SCAN
from tests.notify_builders import without_online_demo
from tests.signing_builders import pki, signed_pdf
from web import runtime
from web.routes import ROUTES


@pytest.fixture
def client(demo, monkeypatch, tmp_path):
    without_online_demo(demo.engine)
    monkeypatch.setenv("DATABASE_URL", demo.url)
    monkeypatch.setenv("MOTCUA_STORAGE_DIR", str(tmp_path / "files"))
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    with TestClient(Starlette(routes=ROUTES)) as test_client:
        test_client.get("/nop-ho-so")  # the browser cookie the burst limit counts by
        yield test_client
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()


def nhs(demo) -> str:
    with read(demo.engine) as conn:
        return str(unit_by_code(conn, "NGUHANHSON")["id"])


def fields(demo, **changes) -> dict:
    return {
        "unit_id": nhs(demo),
        "procedure_code": "ket_hon",
        "a_full_name": "Nguyễn Văn An",
        "a_cccd": "048095001234",
        "a_birth_date": "05/09/1995",
        "a_phone": "0905123456",
        "a_email": "an@example.vn",
        "b_full_name": "Trần Thị Bích",
        "b_cccd": "049197005678",
        "b_birth_date": "12/01/1997",
        "doc_name_0": "Tờ khai đăng ký kết hôn (có chữ ký của hai bên)",
        "consent": "1",
        **changes,
    }


def post(client, demo, files=None, **changes):
    files = files if files is not None else {"doc_0": ("to_khai.pdf", SCAN, "application/pdf")}
    return client.post("/nop-ho-so", data=fields(demo, **changes), files=files, follow_redirects=False)


def stored(demo, tmp_path) -> tuple[int, int, int]:
    with read(demo.engine) as conn:
        rows = conn.scalar(select(func.count()).select_from(online_submissions))
        files = conn.scalar(select(func.count()).select_from(online_submission_files))
    on_disk = len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) if (tmp_path / "files").exists() else 0
    return rows, files, on_disk


def error_of(response) -> str:
    found = re.search(r'id="(?:form-error|online-message)">([^<]+)<', response.text)
    return found.group(1) if found else ""


def test_the_form_offers_only_online_procedures_and_both_spouses_for_marriage(client, demo):
    choose = client.get("/nop-ho-so")
    assert "Đăng ký kết hôn" in choose.text and "Chứng thực bản sao" not in choose.text
    marriage = client.get("/nop-ho-so", params={"don-vi": nhs(demo), "thu-tuc": "ket_hon"})
    assert 'name="b_cccd"' in marriage.text and 'name="doc_0"' in marriage.text and 'name="consent"' in marriage.text


def test_a_good_submission_gets_a_tracking_code_and_status_link(client, demo, tmp_path):
    response = post(client, demo)
    assert response.status_code == 303 and response.headers["location"].startswith("/nop-ho-so/theo-doi?t=")
    page = client.get(response.headers["location"])
    code = re.search(r'id="tracking-code">(TT\w+)<', page.text).group(1)
    assert "Chờ tiếp nhận" in page.text and "/nop-ho-so/theo-doi?t=" in page.text
    assert stored(demo, tmp_path) == (1, 1, 1)
    again = client.get(post(client, demo).headers["location"])
    assert "không tạo hồ sơ trùng" in again.text and code in again.text
    assert stored(demo, tmp_path) == (1, 1, 1)


@pytest.mark.parametrize(
    "changes, files, message",
    [
        ({"a_cccd": "04809500123"}, None, "CCCD"),
        ({"procedure_code": "chung_thuc_ban_sao"}, None, "chưa được cung cấp trực tuyến"),
        ({}, {"doc_0": ("to_khai.pdf", b"GIF89a fake", "application/pdf")}, "không phải"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_and_nothing_is_stored(client, demo, tmp_path, changes, files, message):
    response = post(client, demo, files=files, **changes)
    assert response.status_code == 400 and message in error_of(response)
    assert stored(demo, tmp_path) == (0, 0, 0)


def test_60_mb_streamed_without_a_declared_length_is_refused_and_nothing_is_stored(client, demo, tmp_path):
    def body():
        yield b'--x\r\nContent-Disposition: form-data; name="doc_0"; filename="big.pdf"\r\n\r\n%PDF-'
        for _ in range(60):
            yield b"0" * (1024 * 1024)

    response = client.post("/nop-ho-so", content=body(), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413 and "quá lớn" in error_of(response)
    declared = client.post("/nop-ho-so", content=b"", headers={"Content-Length": str(60 * 1024 * 1024)})
    assert declared.status_code == 413
    assert stored(demo, tmp_path) == (0, 0, 0)


def test_a_burst_of_submissions_is_refused_after_the_limit(client, demo, tmp_path):
    codes = [post(client, demo, a_cccd="04809500123").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    assert "quá nhiều" in error_of(post(client, demo))
    assert stored(demo, tmp_path) == (0, 0, 0)


def test_the_opt_out_link_asks_first_then_stops_every_message_to_that_address(client, demo):
    with write(demo.engine) as conn:
        message = outbox.enqueue(conn, event="received", channel="email", recipient="an@example.vn", payload={})
    token = outbox.optout_token(runtime.settings().token_secret, message)
    assert "Xác nhận" in client.get("/thong-bao/tu-choi", params={"t": token}).text
    with read(demo.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(notify_optouts)) == 0
    done = client.post("/thong-bao/tu-choi", data={"t": token})
    assert "an***@example.vn" in done.text
    with read(demo.engine) as conn:
        assert conn.scalar(select(notify_outbox.c.status)) == "skipped"
    assert client.post("/thong-bao/tu-choi", data={"t": f"{message}.forged"}).status_code == 404


def test_the_status_page_takes_the_supplement_and_later_offers_the_electronic_result(client, demo, tmp_path):
    location = post(client, demo).headers["location"]
    token = location.split("t=", 1)[1].split("&", 1)[0]
    clerk = actor(demo.engine, "motcua.nhs")
    with read(demo.engine) as conn:
        submission_id = conn.scalar(select(online_submissions.c.id))
    with write(demo.engine) as conn:
        online.request_supplement(conn, clerk, submission_id=submission_id, expected_version=1,
                                  request="Bổ sung bản chụp CCCD của bên nữ.")  # fmt: skip
    page = client.get(location)
    assert "Bổ sung bản chụp CCCD" in page.text and 'action="/nop-ho-so/bo-sung?t=' in page.text
    fake = client.post(f"/nop-ho-so/bo-sung?t={token}", data={"doc_name_s1": "Bổ sung"},
                       files={"doc_s1": ("cccd.pdf", b"not a pdf", "application/pdf")})  # fmt: skip
    assert fake.status_code == 400 and "không phải" in fake.text and stored(demo, tmp_path) == (1, 1, 1)
    done = client.post(f"/nop-ho-so/bo-sung?t={token}", data={"doc_name_s1": "Bổ sung"},
                       files={"doc_s1": ("cccd.pdf", SCAN + b"%2", "application/pdf")})  # fmt: skip
    assert "Đã gửi giấy tờ bổ sung" in done.text and stored(demo, tmp_path) == (1, 2, 2)
    store = LocalFileStore(tmp_path / "files")
    result_pdf = signed_pdf(pki()["signer"], pki()["root"])  # electronic only when signed by a trusted root
    with write(demo.engine) as conn:
        accepted = online.accept(conn, clerk, submission_id=submission_id, expected_version=3)
        dossier = conn.execute(select(dossiers).where(dossiers.c.id == accepted["dossier_id"])).one()
        signed_results.add_certificate(conn, actor(demo.engine, "admin"), unit_id=None, name="CA thử nghiệm",
                                       data=pki()["root"].pem)  # fmt: skip
        counter_results.record_decision(conn, clerk, dossier_id=dossier.id, expected_version=dossier.version,
                                        approve=True, store=store, marriage=MARRIAGE_ENTRY,
                                        result_files=[("giay_chung_nhan.pdf", result_pdf)])  # fmt: skip
    page = client.get(location)
    assert accepted["code"] in page.text
    link = re.search(r'href="(/nop-ho-so/ket-qua/\d+\?t=[^"]+)"', page.text).group(1)
    assert client.get(link.replace("&amp;", "&")).content == result_pdf
    assert client.get(link.split("?")[0] + "?t=1.forged").status_code == 404
