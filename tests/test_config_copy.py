"""Copying the pilot's configuration to other units, on both databases: the preview, the apply, the record."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import (
    config_copies,
    departments,
    feedback_routes,
    procedures,
    queue_counters,
    queue_groups,
    queue_priorities,
    routing_rules,
)
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.catalog import routing
from services.core.clock import LOCAL_TZ, now
from services.core.errors import Conflict, PermissionDenied, ValidationError
from services.core.units import unit_by_code
from services.queue import setup as queue_config
from services.rollout import config_copy
from tests.builders import actor
from tests.rollout_builders import all_unit_codes

ALL_SECTIONS = list(config_copy.SECTIONS)


@pytest.fixture
def pilot(demo_engine):
    """The demo pilot with hours of its own (Saturday morning), a local day off and a land routing rule."""
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        nhs = unit_by_code(conn, "NGUHANHSON")["id"]
        day_off = _working_day_after(conn, nhs, days=40)
        weekdays = [
            {"weekday": w, "starts": s, "ends": e}
            for w in range(5)
            for s, e in (("07:30", "11:30"), ("13:00", "17:00"))
        ]
        saturday = [{"weekday": 5, "starts": "07:30", "ends": "11:30"}]
        catalog_admin.set_office_sessions(conn, admin, unit_id=nhs, sessions=weekdays + saturday)
        catalog_admin.add_calendar_override(
            conn, admin, unit_id=nhs, day=day_off, kind="day_off", note="Lễ hội địa phương"
        )
        land = conn.scalar(select(procedures.c.id).where(procedures.c.code == "bien_dong_dat_dai"))
        dia_chinh = conn.scalar(
            select(departments.c.id).where(departments.c.unit_id == nhs, departments.c.code == "dia_chinh")
        )
        routing.set_route(
            conn, admin, procedure_id=land, land_unit_id=nhs, processing_unit_id=nhs, department_id=dia_chinh
        )
    return demo_engine


def _working_day_after(conn, unit_id, *, days):
    day = (now().astimezone(LOCAL_TZ) + timedelta(days=days)).date()
    while not catalog.calendar_for_unit(conn, unit_id).is_working_day(day):
        day += timedelta(days=1)
    return day


def ids(engine, *codes):
    with read(engine) as conn:
        return [unit_by_code(conn, code)["id"] for code in codes]


def preview(engine, targets, sections=ALL_SECTIONS, who="admin"):
    source, *target_ids = ids(engine, "NGUHANHSON", *targets)
    with read(engine) as conn:
        return config_copy.preview_copy(
            conn, actor(engine, who), source_unit_id=source, target_unit_ids=target_ids, sections=sections
        )


def apply(engine, targets, sections=ALL_SECTIONS, fingerprint=None, who="admin"):
    source, *target_ids = ids(engine, "NGUHANHSON", *targets)
    with write(engine) as conn:
        return config_copy.apply_copy(
            conn,
            actor(engine, who),
            source_unit_id=source,
            target_unit_ids=target_ids,
            sections=sections,
            expected_fingerprint=fingerprint,
        )


def test_the_preview_lists_every_difference_and_writes_nothing(pilot):
    shown = preview(pilot, ["HAICHAU", "ANHAI"])

    hai_chau = next(u for u in shown.units if u.code == "HAICHAU")
    items = {(c.section, c.action, c.item): (c.before, c.after) for c in hai_chau.changes}
    assert items[("office_hours", "add", "Thứ Bảy")] == ("theo giờ chung của thành phố", "07:30–11:30")
    assert ("calendar_overrides", "add") in {(s, a) for s, a, _ in items}
    assert items[("queue_groups", "add", "Quầy 3")][1] == "Đất đai – Xây dựng — nhóm B, C"
    assert items[("routing", "add", "Đăng ký biến động đất đai")][1] == (
        "Phường Hải Châu — Chi nhánh Văn phòng đăng ký đất đai"
    )
    assert not hai_chau.skipped
    an_hai = next(u for u in shown.units if u.code == "ANHAI")
    assert any("Đăng ký biến động đất đai" in s and "chưa có phòng" in s for s in an_hai.skipped)
    with read(pilot) as conn:
        assert conn.scalar(select(func.count()).select_from(config_copies)) == 1  # the demo's own copy only
        assert (
            conn.scalar(
                select(func.count()).select_from(queue_groups).where(queue_groups.c.unit_id == ids(pilot, "HAICHAU")[0])
            )
            == 0
        )


def test_applying_makes_the_target_equal_to_the_source_with_its_own_departments(pilot):
    shown = preview(pilot, ["HAICHAU"])
    result = apply(pilot, ["HAICHAU"], fingerprint=shown.fingerprint)

    assert (result.units, result.changes) == (1, shown.change_count)
    assert preview(pilot, ["HAICHAU"]).change_count == 0
    nhs, hc = ids(pilot, "NGUHANHSON", "HAICHAU")
    admin = actor(pilot, "admin")
    with read(pilot) as conn:
        assert catalog.calendar_for_unit(conn, hc).sessions == catalog.calendar_for_unit(conn, nhs).sessions
        assert catalog.calendar_for_unit(conn, hc).extra_days_off == catalog.calendar_for_unit(conn, nhs).extra_days_off
        groups = queue_config.queue_setup(conn, admin, unit_id=hc)
        assert [g["letter"] for g in groups["groups"]] == ["A", "B", "C"]
        assert [len(c["group_ids"]) for c in groups["counters"]] == [1, 2, 2]
        assert groups["hours"] == queue_config.queue_setup(conn, admin, unit_id=nhs)["hours"]
        rule = conn.execute(select(routing_rules).where(routing_rules.c.land_unit_id == hc)).one()
        own_land_office = conn.execute(select(departments).where(departments.c.id == rule.department_id)).one()
        handlers = conn.execute(select(feedback_routes).where(feedback_routes.c.unit_id == hc)).all()
        record = conn.execute(select(config_copies).where(config_copies.c.target_unit_id == hc)).one()
    assert (rule.processing_unit_id, own_land_office.unit_id, own_land_office.code) == (hc, hc, "dia_chinh")
    with read(pilot) as conn:
        handled_by = [h.department_id for h in handlers if h.department_id]
        handler_units = set(conn.scalars(select(departments.c.unit_id).where(departments.c.id.in_(handled_by))))
    assert handled_by and handler_units == {hc}
    assert (record.username, record.source_unit_id, record.change_count) == ("admin", nhs, shown.change_count)
    assert set(record.sections.split(",")) == set(ALL_SECTIONS)


def test_what_only_the_target_had_is_switched_off_not_deleted(pilot):
    hc = ids(pilot, "HAICHAU")[0]
    admin = actor(pilot, "admin")
    with write(pilot) as conn:
        group_d = queue_config.create_group(conn, admin, unit_id=hc, letter="D", name="Doanh nghiệp")
        queue_config.save_counter(conn, admin, unit_id=hc, number=9, name="Quầy chín", group_ids=[group_d])
        queue_config.create_priority(conn, admin, unit_id=hc, name="Thương binh")
    removed = {
        (c.action, c.item) for c in preview(pilot, ["HAICHAU"], ["queue_groups", "queue_rules"]).units[0].changes
    }
    assert {("remove", "Nhóm D"), ("remove", "Quầy 9"), ("remove", "Ưu tiên: Thương binh")} <= removed

    apply(pilot, ["HAICHAU"], ["queue_groups", "queue_rules"])

    with read(pilot) as conn:
        assert conn.scalar(select(queue_groups.c.active).where(queue_groups.c.id == group_d)) is False
        assert (
            conn.scalar(
                select(queue_counters.c.active).where(queue_counters.c.unit_id == hc, queue_counters.c.number == 9)
            )
            is False
        )
        assert conn.scalar(select(queue_priorities.c.active).where(queue_priorities.c.name == "Thương binh")) is False


def test_a_preview_made_stale_by_a_change_is_refused_and_nothing_is_written(pilot):
    shown = preview(pilot, ["HAICHAU"])
    with write(pilot) as conn:
        queue_config.create_priority(
            conn, actor(pilot, "admin"), unit_id=ids(pilot, "NGUHANHSON")[0], name="Người có công"
        )
    with pytest.raises(Conflict, match="Xem trước"):
        apply(pilot, ["HAICHAU"], fingerprint=shown.fingerprint)
    with read(pilot) as conn:
        assert (
            conn.scalar(
                select(func.count()).select_from(queue_groups).where(queue_groups.c.unit_id == ids(pilot, "HAICHAU")[0])
            )
            == 0
        )


def test_the_queue_set_up_goes_to_all_93_other_units_at_once(pilot):
    others = [code for code in all_unit_codes(pilot) if code != "NGUHANHSON"]
    shown = preview(pilot, others, ["queue_groups"])
    assert len(shown.units) == 93
    apply(pilot, others, ["queue_groups"], fingerprint=shown.fingerprint)
    with read(pilot) as conn:
        units_with_groups = conn.scalar(select(func.count(func.distinct(queue_groups.c.unit_id))))
        copies = conn.scalar(select(func.count()).select_from(config_copies))
    assert units_with_groups == 94 and copies == 1 + 93


@pytest.mark.parametrize(
    "targets, sections, message",
    [
        (["NGUHANHSON"], ALL_SECTIONS, "không thể đồng thời"),
        ([], ALL_SECTIONS, "ít nhất một đơn vị"),
        (["HAICHAU"], [], "ít nhất một nhóm"),
        (["HAICHAU"], ["procedures"], "không hợp lệ"),
    ],
)
def test_a_bad_request_is_refused_with_a_reason(pilot, targets, sections, message):
    with pytest.raises(ValidationError, match=message):
        preview(pilot, targets, sections)


@pytest.mark.parametrize("username", ["lanhdao.nhs", "lanhdao.tp", "motcua.nhs"])
def test_only_an_admin_copies_configuration(pilot, username):
    with pytest.raises(PermissionDenied):
        preview(pilot, ["HAICHAU"], who=username)
    with pytest.raises(PermissionDenied):
        apply(pilot, ["HAICHAU"], who=username)
    with read(pilot) as conn, pytest.raises(PermissionDenied):
        config_copy.copy_history(conn, actor(pilot, username))


def test_the_history_says_who_copied_what_from_where(pilot):
    apply(pilot, ["HAICHAU"], ["office_hours"])
    with read(pilot) as conn:
        latest = config_copy.copy_history(conn, actor(pilot, "admin"))[0]
    assert (latest["username"], latest["source_name"], latest["target_name"]) == (
        "admin",
        "Phường Ngũ Hành Sơn",
        "Phường Hải Châu",
    )
    assert latest["sections"] == ["office_hours"] and latest["change_count"] == 7
