"""Two instances of the app: the city's (a real uvicorn server on 127.0.0.1 with its own database) and a ward's (the
test's database) that runs `manage.py sync-feedback`: items come down once, answers go back up once, a failed push
is retried on the next run, and a push the city applied but the ward did not record is not applied twice."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import func, select, update

from db.engine import build_engine, read, write
from db.schema import feedback_events, feedback_sync_links
from services.core.files import LocalFileStore
from services.core.units import unit_by_code
from services.feedback import desk as feedback_desk
from services.feedback import items as feedback_service
from services.feedback import open311 as feedback_open311
from services.feedback.sync import push, sync
from tests.browser.conftest import _free_port
from tests.builders import actor
from tests.conftest import ROOT

POTHOLE = "Ổ gà lớn giữa đường Lê Văn Hiến trước số 120, xe máy đi qua rất dễ ngã, đề nghị vá sớm."
ANSWER = "Đội duy tu của phường đã vá ổ gà trước số 120 Lê Văn Hiến sáng nay; cảm ơn người dân."


@pytest.fixture
def city(sqlite_templates, tmp_path):
    """The upstream instance: a copy of the demo on its own SQLite file, served by uvicorn on a free port."""
    path = tmp_path / "city.db"
    shutil.copy(sqlite_templates.demo(), path)
    url = f"sqlite:///{path}"
    engine = build_engine(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "MOTCUA_DEMO": "true", "MOTCUA_STORAGE_DIR": str(tmp_path / "city")}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/health", process)
        yield {"engine": engine, "url": f"{base}/open311/v2", "store": LocalFileStore(tmp_path / "city")}
    finally:
        process.terminate()
        process.wait(timeout=10)
        engine.dispose()


def _wait_for(url: str, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the upstream server exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the upstream server did not start")


def citizen_reports(city) -> int:
    with write(city["engine"]) as conn:
        unit_id = unit_by_code(conn, "NGUHANHSON")["id"]
        item = feedback_service.NewFeedback(unit_id, "Ổ gà", POTHOLE, address="120 Lê Văn Hiến")
        return feedback_service.submit_feedback(conn, store=city["store"], item=item)["id"]


def ward_key(city) -> str:
    with write(city["engine"]) as conn:
        return feedback_open311.create_client(conn, None, name="Hệ thống phường Ngũ Hành Sơn")


def link_of(engine, external_id) -> dict:
    with read(engine) as conn:
        query = select(feedback_sync_links).where(feedback_sync_links.c.external_id == str(external_id))
        return dict(conn.execute(query).one()._mapping)


def city_item(city, item_id) -> dict:
    with read(city["engine"]) as conn:
        return feedback_service.load_item(conn, item_id)


def answers_on_city(city, item_id) -> int:
    with read(city["engine"]) as conn:
        return conn.scalar(
            select(func.count())
            .select_from(feedback_events)
            .where(feedback_events.c.feedback_id == item_id, feedback_events.c.action == "answer")
        )


def imported_units(engine) -> set[str]:
    from db.schema import feedback, units

    with read(engine) as conn:
        query = select(units.c.code).join(feedback, feedback.c.unit_id == units.c.id)
        query = query.join(feedback_sync_links, feedback_sync_links.c.feedback_id == feedback.c.id)
        return set(conn.scalars(query))


def test_the_ward_imports_each_item_once_and_its_answer_reaches_the_city_once(city, demo, tmp_path):
    item_id, key = citizen_reports(city), ward_key(city)
    manage = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "sync-feedback",
            "--from",
            city["url"],
            "--key",
            key,
            "--jurisdiction",
            "NGUHANHSON",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": demo.url, "MOTCUA_STORAGE_DIR": str(tmp_path / "ward")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert manage.returncode == 0, manage.stderr
    link = link_of(demo.engine, item_id)
    with read(demo.engine) as conn:
        local = feedback_service.load_item(conn, link["feedback_id"])
        links = conn.scalar(select(func.count()).select_from(feedback_sync_links))
    assert local["content"] == POTHOLE and local["category"] == "giao_thong_ha_tang"
    assert imported_units(demo.engine) == {"NGUHANHSON"}  # --jurisdiction: only this ward's items
    store = LocalFileStore(tmp_path / "ward")
    for _ in range(2):
        again = sync(demo.engine, store=store, base_url=city["url"], key=key, jurisdiction="NGUHANHSON")
        assert again["imported"] == 0 and again["already"] == links
    with read(demo.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(feedback_sync_links)) == links

    with write(demo.engine) as conn:
        feedback_desk.answer(
            conn,
            actor(demo.engine, "lanhdao.nhs"),
            store=store,
            feedback_id=local["id"],
            text=ANSWER,
            expected_version=local["version"],
        )
    with write(city["engine"]) as conn:
        feedback_open311.set_client_active(conn, None, name="Hệ thống phường Ngũ Hành Sơn", active=False)
    report = {"failed": [], "pushed": 0}
    push(demo.engine, base_url=city["url"], key=key, report=report)
    assert report["pushed"] == 0 and "403" in report["failed"][0]
    assert link_of(demo.engine, item_id)["push_attempts"] == 1 and "403" in link_of(demo.engine, item_id)["last_error"]
    assert city_item(city, item_id)["status"] != "answered"

    with write(city["engine"]) as conn:
        feedback_open311.set_client_active(conn, None, name="Hệ thống phường Ngũ Hành Sơn", active=True)
    pushed = sync(demo.engine, store=store, base_url=city["url"], key=key, jurisdiction="NGUHANHSON")
    assert pushed["failed"] == [] and pushed["pushed"] >= 1
    assert city_item(city, item_id)["status"] == "answered" and city_item(city, item_id)["answer"] == ANSWER

    with write(demo.engine) as conn:  # the city applied the answer but the ward never heard back
        conn.execute(update(feedback_sync_links).where(feedback_sync_links.c.id == link["id"]).values(pushed_key=""))
    repeated = sync(demo.engine, store=store, base_url=city["url"], key=key, jurisdiction="NGUHANHSON")
    assert repeated["pushed"] == 1 and repeated["imported"] == 0
    assert answers_on_city(city, item_id) == 1
    assert sync(demo.engine, store=store, base_url=city["url"], key=key, jurisdiction="NGUHANHSON")["pushed"] == 0
