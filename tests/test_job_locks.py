"""Long jobs cannot be started twice: a lock row per job, a progress panel on the page, and a crashed job's lock
expires."""

from datetime import timedelta

import pytest

from db.engine import read, write
from services.core import job_locks
from services.core.clock import now
from services.core.errors import Conflict
from tests.apptest import open_app


def take(engine, holder: str, *, name: str = "staff_import", at=None, ttl=job_locks.DEFAULT_TTL) -> None:
    with write(engine) as conn:
        job_locks.acquire(conn, name=name, holder=holder, label="Nhập cán bộ", at=at, ttl=ttl)


def test_a_second_start_of_a_running_job_is_refused_saying_who_runs_it(database):
    take(database.engine, "admin")
    with pytest.raises(Conflict, match=r"Nhập cán bộ đang chạy \(do admin bắt đầu lúc"):
        take(database.engine, "admin2")


def test_a_finished_job_can_run_again_and_other_jobs_never_wait(database):
    take(database.engine, "admin")
    take(database.engine, "admin", name="config_copy")
    with write(database.engine) as conn:
        job_locks.release(conn, name="staff_import", holder="admin")
    take(database.engine, "admin2")
    with read(database.engine) as conn:
        assert job_locks.is_running(conn, name="staff_import")


def test_the_lock_of_a_job_that_died_expires(database):
    take(database.engine, "admin", at=now() - timedelta(hours=1), ttl=timedelta(minutes=15))
    take(database.engine, "admin2")
    with write(database.engine) as conn:
        job_locks.release(conn, name="staff_import", holder="admin")  # the dead job's late release changes nothing
    with read(database.engine) as conn:
        assert job_locks.is_running(conn, name="staff_import")


def report_downloads(at) -> list[str]:
    return [b.key for b in at.get("download_button") if b.key in ("trial__xlsx", "trial__pdf")]


def test_the_trial_report_files_are_made_in_a_progress_panel_and_then_offered(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/trial_report.py")
    assert not report_downloads(at)
    at.button(key="trial__build").click().run()
    assert not at.exception and not at.error
    panels = [e for e in at.main if type(e).__name__ == "Status"]
    assert [p.label for p in panels] == ["Lập báo cáo thử nghiệm: xong"]
    assert report_downloads(at) == ["trial__xlsx", "trial__pdf"]


def test_the_trial_report_is_not_built_while_another_session_builds_it(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/trial_report.py")
    unit_id = at.session_state["actor"].unit_id
    take(demo.engine, "lanhdao.khac", name=f"trial_report:{unit_id}")
    at.button(key="trial__build").click().run()
    assert any("đang chạy (do lanhdao.khac" in e.value for e in at.error)
    assert not report_downloads(at)
