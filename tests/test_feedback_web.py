"""The citizens' feedback pages through Starlette's TestClient: submit, follow, rate, board, escaping, bad input."""

import re

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read
from db.schema import feedback, feedback_photos
from services.core.units import unit_by_code
from services.feedback import items as service
from tests.builders import TINY_PNG
from web import runtime
from web.routes import ROUTES

PNG = TINY_PNG
HOSTILE = "<script>alert('x')</script> **đậm** [link](http://evil.example) <b>in đậm</b>"


@pytest.fixture
def client(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", demo.url)
    monkeypatch.setenv("MOTCUA_STORAGE_DIR", str(tmp_path / "files"))
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    with TestClient(Starlette(routes=ROUTES)) as test_client:
        test_client.get("/gop-y")  # the browser cookie the burst limit counts by
        yield test_client
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()


def nhs(demo) -> str:
    with read(demo.engine) as conn:
        return str(unit_by_code(conn, "NGUHANHSON")["id"])


def form(demo, **changes) -> dict:
    return {
        "unit_id": nhs(demo),
        "title": "Rác thải ùn ứ",
        "content": "Rác thải ùn ứ nhiều ngày ở đầu kiệt 45, bốc mùi hôi thối.",
        "address": "Kiệt 45 Lê Văn Hiến",
        "name": "",
        "phone": "",
        "email": "",
        "hide_name": "1",
        **changes,
    }


def count(demo, table=feedback) -> int:
    with read(demo.engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def error_of(response) -> str:
    found = re.search(r'id="form-error">([^<]+)<', response.text)
    return found.group(1) if found else ""


def submitted_code(client, demo, **changes) -> str:
    response = client.post("/gop-y", data=form(demo, **changes), follow_redirects=False)
    assert response.status_code == 303, error_of(response)
    return re.search(r"ma=(PA-[A-Z0-9-]+)", response.headers["location"]).group(1)


def test_the_form_lists_the_94_units_and_hides_the_name_by_default(client):
    page = client.get("/gop-y")
    assert page.status_code == 200 and page.text.count("<option value=") == 95
    assert re.search(r'id="hide_name"[^>]*checked', page.text)
    assert "Content-Security-Policy" in page.headers


def test_a_citizen_submits_gets_a_code_and_follows_it(client, demo):
    response = client.post("/gop-y", data=form(demo), follow_redirects=True)
    code = re.search(r'id="feedback-code">(PA-[A-Z0-9-]+)<', response.text).group(1)
    assert "/gop-y/theo-doi?ma=" + code in response.text
    page = client.get("/gop-y/theo-doi", params={"ma": code.lower().replace("-", " ")})
    assert page.status_code == 200 and "Đang xử lý" in page.text
    assert client.get("/gop-y/api/trang-thai", params={"ma": code}).json()["status"] == "assigned"


def test_an_unknown_code_says_so(client):
    page = client.get("/gop-y/theo-doi", params={"ma": "PA-AAAA-AAAA"})
    assert page.status_code == 404 and "Không tìm thấy phản ánh" in page.text
    assert client.get("/gop-y/api/trang-thai", params={"ma": "nope"}).status_code == 404


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"content": ""}, "nội dung"),
        ({"content": "x" * 20000}, "quá dài"),
        ({"unit_id": ""}, "phường/xã"),
    ],
)
def test_bad_input_shows_a_message_keeps_the_text_and_stores_nothing(client, demo, changes, message):
    before = count(demo)
    response = client.post("/gop-y", data=form(demo, **changes))
    assert response.status_code == 400 and message in error_of(response).lower()
    assert "Kiệt 45 Lê Văn Hiến" in response.text  # what the citizen typed is kept
    assert count(demo) == before


def test_a_non_image_upload_is_refused_and_nothing_is_stored(client, demo, tmp_path):
    before = count(demo)
    files = [("photos", ("anh.jpg", b"<?php echo 1; ?>", "image/jpeg"))]
    response = client.post("/gop-y", data=form(demo), files=files)
    assert response.status_code == 400 and "không phải" in error_of(response)
    assert count(demo) == before and not (tmp_path / "files").exists()


def test_a_burst_of_submissions_from_one_browser_is_refused(client, demo):
    for _ in range(service.BROWSER_LIMIT):
        submitted_code(client, demo)
    before = count(demo)
    response = client.post("/gop-y", data=form(demo), files=[("photos", ("a.png", PNG, "image/png"))])
    assert response.status_code == 400 and "quá nhiều phản ánh" in error_of(response)
    assert count(demo) == before and count(demo, feedback_photos) == 0


def test_html_and_markdown_show_as_plain_text_on_every_public_page(client, demo):
    code = submitted_code(client, demo, title=HOSTILE, content="Rác thải ùn ứ. " + HOSTILE, address=HOSTILE)
    follow = client.get("/gop-y/theo-doi", params={"ma": code}).text
    assert "<script>alert" not in follow and "<b>in đậm</b>" not in follow
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in follow and "**đậm**" in follow
    with read(demo.engine) as conn:
        item = service.load_by_code(conn, code)
    answer_it(demo, item, "Đã xử lý xong. " + HOSTILE)
    board = client.get("/gop-y/cong-khai").text
    assert "<script>alert" not in board and "<b>in đậm</b>" not in board
    assert board.count("&lt;script&gt;") >= 3 and "**đậm**" in board


def answer_it(demo, item, text):
    from db.engine import write
    from services.core.files import LocalFileStore
    from services.feedback.desk import answer
    from tests.builders import actor

    with write(demo.engine) as conn:
        answer(
            conn,
            actor(demo.engine, "lanhdao.nhs"),
            store=LocalFileStore(runtime.settings().storage_dir),
            feedback_id=item["id"],
            text=text,
            photos=[("ket-qua.png", PNG)],
            expected_version=item["version"],
        )


def test_the_board_is_searchable_without_diacritics_and_shows_no_personal_data(client, demo):
    code = submitted_code(client, demo, name="Lê Thị Riêng Tư", phone="0905111222", email="riengtu@example.com")
    with read(demo.engine) as conn:
        item = service.load_by_code(conn, code)
    answer_it(demo, item, "Phường đã thu gom rác tại kiệt 45 trong ngày.")
    board = client.get("/gop-y/cong-khai", params={"q": "rac thai kiet 45"}).text
    assert "Phường đã thu gom rác tại kiệt 45" in board and "Đúng hạn" in board
    assert "Riêng Tư" not in board and "0905111222" not in board and "riengtu@" not in board
    empty = client.get("/gop-y/cong-khai", params={"q": "khongcogi"}).text
    assert "Chưa có phản ánh nào phù hợp" in empty


def test_answer_photos_are_public_but_a_citizen_photo_needs_the_code(client, demo):
    code = submitted_code(client, demo)
    client.post("/gop-y", data=form(demo), files=[("photos", ("a.png", PNG, "image/png"))])
    with read(demo.engine) as conn:
        photo = conn.execute(select(feedback_photos).order_by(feedback_photos.c.id.desc())).first()
        owner = conn.scalar(select(feedback.c.code).where(feedback.c.id == photo.feedback_id))
    assert client.get(f"/gop-y/anh/{photo.id}").status_code == 404
    assert client.get(f"/gop-y/anh/{photo.id}", params={"ma": code}).status_code == 404
    shown = client.get(f"/gop-y/anh/{photo.id}", params={"ma": owner})
    assert shown.status_code == 200 and shown.content == PNG and shown.headers["content-type"] == "image/png"


def test_not_satisfied_reopens_once_from_the_follow_page(client, demo):
    code = submitted_code(client, demo)
    with read(demo.engine) as conn:
        item = service.load_by_code(conn, code)
    answer_it(demo, item, "Phường đã thu gom rác tại kiệt 45 trong ngày.")
    page = client.get("/gop-y/theo-doi", params={"ma": code}).text
    assert "Không hài lòng — đề nghị xử lý lại" in page
    response = client.post("/gop-y/danh-gia", data={"ma": code, "rating": "not_satisfied", "comment": "Vẫn còn rác"})
    assert response.status_code == 200 and "mở lại" in response.text
    again = client.post("/gop-y/danh-gia", data={"ma": code, "rating": "satisfied"})
    assert again.status_code == 400 and "chưa có câu trả lời mới" in again.text


def test_a_published_answer_photo_is_served_to_anyone_without_a_code(client, demo):
    code = submitted_code(client, demo)
    with read(demo.engine) as conn:
        item = service.load_by_code(conn, code)
    answer_it(demo, item, "Phường đã thu gom rác tại kiệt 45 trong ngày.")
    with read(demo.engine) as conn:
        photo_id = conn.scalar(
            select(feedback_photos.c.id).where(
                feedback_photos.c.feedback_id == item["id"], feedback_photos.c.source == "answer"
            )
        )
    assert photo_id is not None
    for params in ({}, {"ma": "SAI-MA"}):
        shown = client.get(f"/gop-y/anh/{photo_id}", params=params)
        assert shown.status_code == 200, params
        assert shown.content == PNG and shown.headers["content-type"] == "image/png"
