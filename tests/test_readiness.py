"""The readiness of each unit, on both databases: what is flagged, what clears a flag, who may see it."""

import pytest
from sqlalchemy import select, update

from db.engine import read, write
from db.schema import departments, poster_downloads
from services.core.errors import PermissionDenied
from services.core.units import unit_by_code
from services.feedback import routing as feedback_routing
from services.rollout import config_copy, readiness, staff_import
from tests.builders import actor
from tests.rollout_builders import csv_file


def rows_by_code(engine, who="admin") -> dict[str, readiness.UnitReadiness]:
    with read(engine) as conn:
        return {row.code: row for row in readiness.unit_readiness(conn, actor(engine, who))}


def test_a_unit_with_nothing_set_up_has_every_item_flagged(demo_engine):
    an_hai = rows_by_code(demo_engine)["ANHAI"]
    assert not an_hai.ready
    for words in (
        "Chưa có lãnh đạo",
        "Chưa có cán bộ một cửa",
        "Chưa có phòng chuyên môn",
        "Chưa có nhóm dịch vụ",
        "Chưa có quầy phục vụ",
        "Thiếu Phòng Kinh tế",
        "Chưa định tuyến: Đăng ký biến động đất đai",
        "Chưa tải áp phích",
    ):
        assert any(words in item for item in an_hai.missing), words
    assert (an_hai.procedures_ready, an_hai.procedures_total) == (5, 7) and not an_hai.routing_complete


def test_the_pilot_shows_what_it_has_and_only_what_it_lacks(demo_engine):
    pilot = rows_by_code(demo_engine)["NGUHANHSON"]
    assert (pilot.staff["leader"], pilot.staff["clerk"], pilot.departments, pilot.groups, pilot.counters) == (
        1,
        1,
        4,
        3,
        3,
    )
    assert pilot.poster_at is not None and pilot.routing_complete
    assert pilot.missing == ["Văn phòng HĐND và UBND chưa có chuyên viên"]


def test_importing_staff_copying_the_queue_and_printing_the_poster_make_a_unit_ready(demo_engine):
    staff = [
        ["Chánh Văn phòng", "vp.hc", "Chuyên viên", "HAICHAU", "van_phong", "", ""],
        ["Kinh tế Hải Châu", "kt.hc", "Chuyên viên", "HAICHAU", "kinh_te", "", ""],
        ["Văn hóa Hải Châu", "vh.hc", "Chuyên viên", "HAICHAU", "vhxh", "", ""],
    ]
    admin = actor(demo_engine, "admin")
    before = rows_by_code(demo_engine)["HAICHAU"]
    assert "Chưa có quầy phục vụ" in before.missing and "Phòng Kinh tế, Hạ tầng và Đô thị chưa có chuyên viên" in (
        before.missing
    )
    with write(demo_engine) as conn:
        staff_import.commit_import(conn, admin, files=[("hc.csv", csv_file("staff", staff))])
        nhs, hc = unit_by_code(conn, "NGUHANHSON")["id"], unit_by_code(conn, "HAICHAU")["id"]
        config_copy.apply_copy(
            conn, admin, source_unit_id=nhs, target_unit_ids=[hc], sections=["queue_groups", "queue_rules"]
        )
        readiness.record_poster_download(conn, actor(demo_engine, "lanhdao.hc"), unit_id=hc)

    after = rows_by_code(demo_engine)["HAICHAU"]
    assert after.ready, after.missing
    assert after.copied["source_unit_id"] == nhs and after.poster_at is not None
    with read(demo_engine) as conn:
        shown = next(r for r in readiness.readiness_report(conn, admin)["rows"] if r["Mã"] == "HAICHAU")
    assert shown["Sẵn sàng"] == "Có" and shown["Còn thiếu"] == "" and shown["Sao chép cấu hình"].startswith("Từ Phường")


def test_a_feedback_handler_switched_off_is_flagged(demo_engine):
    with write(demo_engine) as conn:
        hc = unit_by_code(conn, "HAICHAU")["id"]
        land_office = conn.scalar(
            select(departments.c.id).where(departments.c.unit_id == hc, departments.c.code == "dia_chinh")
        )
        feedback_routing.save_route(conn, unit_id=hc, category="dat_dai_xay_dung", department_id=land_office, by="t")
        conn.execute(update(departments).where(departments.c.id == land_office).values(active=False))
    row = rows_by_code(demo_engine)["HAICHAU"]
    assert not row.routing_complete
    assert any("Phản ánh “Đất đai, xây dựng” giao cho phòng đã ngừng hoạt động" in item for item in row.missing)


@pytest.mark.parametrize("username", ["lanhdao.nhs", "motcua.nhs", "chuyenvien.nhs"])
def test_ward_staff_do_not_get_the_city_readiness(demo_engine, username):
    with read(demo_engine) as conn, pytest.raises(PermissionDenied):
        readiness.readiness_report(conn, actor(demo_engine, username))


def test_a_city_leader_reads_the_readiness(demo_engine):
    assert len(rows_by_code(demo_engine, "lanhdao.tp")) == 94


@pytest.mark.parametrize("username, allowed", [("lanhdao.hc", True), ("lanhdao.nhs", False), ("motcua.hc", False)])
def test_a_poster_download_is_recorded_by_whoever_may_set_up_that_queue(demo_engine, username, allowed):
    with write(demo_engine) as conn:
        hc = unit_by_code(conn, "HAICHAU")["id"]
    if not allowed:
        with write(demo_engine) as conn, pytest.raises(PermissionDenied):
            readiness.record_poster_download(conn, actor(demo_engine, username), unit_id=hc)
        return
    with write(demo_engine) as conn:
        readiness.record_poster_download(conn, actor(demo_engine, username), unit_id=hc)
    with read(demo_engine) as conn:
        assert conn.scalar(select(poster_downloads.c.username).where(poster_downloads.c.unit_id == hc)) == username
