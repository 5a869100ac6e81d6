"""Each role's first screen shows its day's work from the demo data, each figure linking to the page acting on it."""

import tomllib

import pytest

from db.engine import read, write
from services.core.errors import PermissionDenied
from services.home import screens as home
from services.notify import inbox as notify_inbox
from services.online import submission as online_submission
from services.processing import actions as processing
from tests.apptest import open_app
from tests.builders import actor
from tests.conftest import ROOT

# The page each role's home links to, and a figure label it must show.
HOMES = {
    "motcua.nhs": ("Hàng chờ tại quầy của tôi", {"pages/counter.py", "pages/return_result.py", "pages/postal.py"}),
    "chuyenvien.nhs": ("Chưa phân công trong phòng", {"pages/worklist.py"}),
    "truongphong.nhs": ("Hồ sơ của phòng", {"pages/worklist.py"}),
    "lanhdao.nhs": ("Hồ sơ quá hạn", {"pages/ioc.py", "pages/feedback_desk.py", "pages/ioc_rivers.py"}),
    "lanhdao.tp": ("Đơn vị sẵn sàng vận hành", {"pages/ioc.py", "pages/readiness.py"}),
    "admin": ("Đơn vị sẵn sàng vận hành", {"pages/ioc.py", "pages/readiness.py"}),
}


def links(at) -> set[str]:
    """The pages linked from the screen, as the file paths of the pages they open."""
    return {f"pages/{element.proto.page}.py" for element in at.get("page_link")}


@pytest.mark.parametrize("username", sorted(HOMES))
def test_each_role_home_shows_its_figures_and_links_to_the_pages_that_act_on_them(demo, username):
    label, pages = HOMES[username]
    at = open_app(demo, username)
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    assert label in [m.label for m in at.metric] + [s.value for s in at.subheader]
    assert pages <= links(at), links(at)


def test_the_clerk_home_counts_the_line_and_the_results_due_back_today(demo):
    clerk = actor(demo.engine, "motcua.nhs")
    with read(demo.engine) as conn:
        data = home.clerk_home(conn, clerk)
    first = data["counters"][0]
    assert first["waiting"] == sum(first["per_group"].values()) > 0
    assert first["next"]
    assert [d["code"] for d in data["due_today"]]
    with read(demo.engine) as conn:
        assert data["online_inbox"] == len(online_submission.inbox(conn, clerk)) > 0


def test_near_due_alerts_addressed_to_the_user_appear_on_the_home_screen(demo):
    head = actor(demo.engine, "truongphong.nhs")
    with read(demo.engine) as conn:
        alerts = notify_inbox.list_for_user(conn, head)
    assert alerts, "the demo raises near-due alerts for the Kinh tế department"
    at = open_app(demo, "truongphong.nhs")
    assert not at.exception and not at.error
    assert "Thông báo cho bạn" in [s.value for s in at.subheader]
    shown = " ".join(w.value for w in at.warning).replace("\\", "")  # markdown escapes removed
    assert all(alert["dossier_code"] in shown for alert in alerts[:10])


def test_the_clerk_calls_the_next_number_from_home_and_lands_on_the_counter_page(demo):
    at = open_app(demo, "motcua.nhs")
    with read(demo.engine) as conn:
        expected = home.clerk_home(conn, actor(demo.engine, "motcua.nhs"))["counters"][0]["next"]
    at.button(key="home__call_1").click().run()
    assert not at.exception
    assert f"Mời số {expected}." in [s.value for s in at.success]
    assert [t.value for t in at.title] == ["Quầy phục vụ"]


def test_a_specialist_sees_own_dossiers_late_first_and_the_department_unassigned(demo):
    with read(demo.engine) as conn:
        data = home.department_home(conn, actor(demo.engine, "chuyenvien.nhs"))
    urgencies = [row["urgency"] for row in data["mine"]]
    assert urgencies == ["overdue", "near", "near", "ok", "paused"] and data["mine_overdue"] == 1
    remaining = [row["remaining_seconds"] for row in data["mine"][:4]]
    assert remaining == sorted(remaining)
    assert data["unassigned_total"] >= 1 and all(row["assignee_id"] is None for row in data["unassigned"])


def test_a_supplement_received_back_appears_on_the_specialist_home(demo):
    specialist = actor(demo.engine, "chuyenvien.nhs")
    with read(demo.engine) as conn:
        paused = [r for r in home.department_home(conn, specialist)["mine"] if r["urgency"] == "paused"][0]
    with write(demo.engine) as conn:
        processing.receive_supplement(
            conn, actor(demo.engine, "motcua.nhs"), dossier_id=paused["id"], expected_version=paused["version"]
        )
    with read(demo.engine) as conn:
        back = home.department_home(conn, specialist)["supplements_back"]
    assert [row["code"] for row in back] == [paused["code"]]


def test_the_leader_home_counts_warnings_feedback_and_river_alerts_of_the_unit(demo):
    with read(demo.engine) as conn:
        data = home.leader_home(conn, actor(demo.engine, "lanhdao.nhs"))
    assert data["overdue"] >= 1
    assert data["feedback"]["open"] >= 1
    assert [s["alert"] for s in data["river_alerts"]] and all(s["alert"] > 0 for s in data["river_alerts"])


def test_the_city_home_ranks_units_by_overdue_and_lists_readiness_gaps(demo):
    with read(demo.engine) as conn:
        data = home.city_home(conn, actor(demo.engine, "lanhdao.tp"))
    assert data["most_overdue"][0]["unit"] == "Phường Ngũ Hành Sơn"
    assert data["readiness"]["units"] == 94
    gaps = [len(u["missing"]) for u in data["not_ready"]]
    assert gaps == sorted(gaps)


def test_a_clerk_cannot_open_the_city_home(demo):
    with read(demo.engine) as conn, pytest.raises(PermissionDenied):
        home.city_home(conn, actor(demo.engine, "motcua.nhs"))


def test_staff_never_get_the_developer_toolbar_nor_a_traceback():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"] == {"toolbarMode": "viewer", "showErrorDetails": "none"}
