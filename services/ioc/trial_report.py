"""The trial report for the lessons-learned meeting: one section per trial scenario, queue and feedback figures,
and the lessons log staff fill in each day; downloadable as Excel and PDF."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, and_, case, exists, func, insert, select

from db.schema import dossier_events, dossiers, intake_refusals, procedures, trial_lessons
from services.core import audit, pdf
from services.core.clock import format_date, local, now
from services.core.errors import ValidationError
from services.core.exports import to_excel
from services.core.roles import Actor
from services.core.text import nfc
from services.core.units import get_unit
from services.core.working_time import DEADLINE_KINDS
from services.ioc import kpi
from services.ioc import monitors as ioc_monitors

d = dossiers.c
TRIAL_DAYS = (date(2025, 6, 21), date(2025, 6, 23))  # Ngũ Hành Sơn's three trial days (DOMAIN.md §1)
SCENARIOS = {
    "ket_hon": "Kịch bản 1 — Đăng ký kết hôn",
    "gpxd_nha_o": "Kịch bản 2 — Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "bien_dong_dat_dai": "Kịch bản 3 — Đăng ký biến động đất đai không phụ thuộc địa giới hành chính",
}
LESSON_SCENARIOS = {
    "ket_hon": "Đăng ký kết hôn",
    "gpxd_nha_o": "Giấy phép xây dựng",
    "bien_dong_dat_dai": "Biến động đất đai",
    "chung": "Chung (hàng đợi, phản ánh, IOC…)",
}
MAX_TEXT = 2000


# --- lessons log --------------------------------------------------------------------------------------------------


def add_lesson(
    conn: Connection,
    actor: Actor,
    *,
    unit_id: int,
    day: date,
    scenario: str,
    problem: str,
    proposal: str = "",
    owner: str = "",
    at: datetime | None = None,
) -> int:
    """Any staff member of the unit (and city roles) may log a problem seen that day, a proposal and who owns it.

    "Today" is the date in Asia/Ho_Chi_Minh: between 00:00 and 07:00 local time the UTC date is still yesterday."""
    actor.require_unit(unit_id)
    problem, proposal, owner = nfc(problem), nfc(proposal), nfc(owner)
    if scenario not in LESSON_SCENARIOS:
        raise ValidationError("Kịch bản không hợp lệ.")
    if not problem:
        raise ValidationError("Hãy ghi vấn đề phát sinh.")
    if len(problem) > MAX_TEXT or len(proposal) > MAX_TEXT or len(owner) > 160:
        raise ValidationError(f"Nội dung quá dài (tối đa {MAX_TEXT} ký tự; người phụ trách 160 ký tự).")
    at = at or now()
    if not isinstance(day, date) or day > local(at).date():
        raise ValidationError("Ngày ghi nhận không hợp lệ (không được ở tương lai).")
    values = dict(unit_id=unit_id, day=day, scenario=scenario, problem=problem, proposal=proposal, owner=owner)
    new_id = conn.execute(
        insert(trial_lessons).values(**values, created_by=actor.username, created_at=at)
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="create", entity="trial_lesson", entity_id=new_id, unit_id=unit_id)
    return new_id


def list_lessons(conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date) -> list[dict]:
    kpi.require_scope(actor, unit_id)
    query = select(trial_lessons).where(trial_lessons.c.day >= start, trial_lessons.c.day <= end)
    if unit_id is not None:
        query = query.where(trial_lessons.c.unit_id == unit_id)
    rows = conn.execute(query.order_by(trial_lessons.c.day, trial_lessons.c.id))
    return [{**row._mapping, "scenario_label": LESSON_SCENARIOS.get(row.scenario, row.scenario)} for row in rows]


# --- the report ---------------------------------------------------------------------------------------------------


def build(
    conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date, at: datetime | None = None
) -> dict:
    kpi.require_scope(actor, unit_id)
    w = kpi.window(start, end, at)
    figures = _scenario_figures(conn, unit_id, w)
    refusals = _intake_refusals(conn, unit_id, w)
    scenarios = [
        {
            "code": code,
            "title": title,
            **figures.get(code, _empty(conn, code)),
            "intake_refusals": refusals.get(code, 0),
        }
        for code, title in SCENARIOS.items()
    ]
    return {
        "unit_id": unit_id,
        "unit_name": get_unit(conn, unit_id)["name"] if unit_id else "Toàn thành phố",
        "start": start,
        "end": end,
        "asof": w.asof,
        "scenarios": scenarios,
        "queue": ioc_monitors.stats(conn, actor, kind="queue", unit_id=unit_id, start=start, end=end),
        "feedback": ioc_monitors.stats(conn, actor, kind="feedback", unit_id=unit_id, start=start, end=end),
        "lessons": list_lessons(conn, actor, unit_id=unit_id, start=start, end=end),
    }


def _scenario_figures(conn: Connection, unit_id: int | None, w: kpi.Window) -> dict[str, dict]:
    c = kpi.cohorts(w)
    rejected = exists().where(dossier_events.c.dossier_id == d.id, dossier_events.c.action == "reject")
    elapsed = kpi.seconds_between(conn, d.received_at, d.finished_at)
    allowed = func.nullif(kpi.seconds_between(conn, d.received_at, d.due_at), 0)
    query = (
        select(
            procedures.c.code,
            procedures.c.name,
            procedures.c.deadline_kind,
            procedures.c.deadline_amount,
            *kpi.measures(conn, c),
            kpi.count(and_(c.received, d.supplement_count > 0)).label("with_supplement"),
            func.sum(case((c.received, d.supplement_count), else_=0)).label("supplement_requests"),
            func.sum(case((c.finished, case((rejected, 1), else_=0)), else_=0)).label("rejected"),
            func.avg(case((c.finished, elapsed / allowed))).label("time_used_share"),
        )
        .select_from(dossiers.join(procedures, procedures.c.id == d.procedure_id))
        .where(kpi.scope_condition(unit_id), c.any, procedures.c.code.in_(SCENARIOS))
        .group_by(procedures.c.code, procedures.c.name, procedures.c.deadline_kind, procedures.c.deadline_amount)
    )
    return {row.code: _scenario(dict(row._mapping)) for row in conn.execute(query)}


def _scenario(row: dict) -> dict:
    share = row.pop("time_used_share")
    extras = {k: int(row.pop(k) or 0) for k in ("with_supplement", "supplement_requests", "rejected")}
    head = {k: row.pop(k) for k in ("code", "name", "deadline_kind", "deadline_amount")}
    return {
        "procedure": head["name"],
        "statutory": statutory_label(head["deadline_kind"], head["deadline_amount"]),
        **kpi.derive(row),
        **extras,
        "time_used_share": None if share is None else float(share),
    }


def _empty(conn: Connection, code: str) -> dict:
    row = conn.execute(select(procedures).where(procedures.c.code == code)).first()
    base = {"procedure": row.name if row else code, "statutory": ""}
    if row:
        base["statutory"] = statutory_label(row.deadline_kind, row.deadline_amount)
    return {
        **base,
        **kpi.derive({}),
        "with_supplement": 0,
        "supplement_requests": 0,
        "rejected": 0,
        "time_used_share": None,
    }


def statutory_label(kind: str, amount: int) -> str:
    return (
        DEADLINE_KINDS.get(kind, kind) if kind == "same_day" else f"{amount} {DEADLINE_KINDS.get(kind, kind).lower()}"
    )


def _intake_refusals(conn: Connection, unit_id: int | None, w: kpi.Window) -> dict[str, int]:
    query = (
        select(procedures.c.code, func.count().label("n"))
        .select_from(intake_refusals.join(procedures, procedures.c.id == intake_refusals.c.procedure_id))
        .where(intake_refusals.c.refused_at >= w.start_at, intake_refusals.c.refused_at < w.end_at)
        .group_by(procedures.c.code)
    )
    if unit_id is not None:
        query = query.where(intake_refusals.c.unit_id == unit_id)
    return {row.code: int(row.n) for row in conn.execute(query)}


# --- the figures as rows, for the screen, Excel and PDF -----------------------------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} giờ".replace(".", ",")


def scenario_rows(section: dict) -> list[dict]:
    """(indicator, value) rows of one scenario, in the order the meeting reads them."""
    pairs = [
        ("Thủ tục", section["procedure"]),
        ("Thời hạn luật định", section["statutory"]),
        ("Hồ sơ tiếp nhận", section["received"]),
        ("Hồ sơ đã có kết quả / từ chối", section["finished"]),
        ("Đang giải quyết", section["in_progress"]),
        ("Tỷ lệ đúng hạn", percent(section["on_time_rate"])),
        ("Thời gian giải quyết trung bình", hours(section["avg_processing_hours"])),
        ("Thời gian đã dùng so với thời hạn (trung bình)", percent(section["time_used_share"])),
        ("Hồ sơ phải bổ sung", section["with_supplement"]),
        ("Số lần yêu cầu bổ sung", section["supplement_requests"]),
        ("Từ chối tiếp nhận tại quầy", section["intake_refusals"]),
        ("Từ chối giải quyết", section["rejected"]),
        ("Hỗ trợ VNeID", section["vneid"]),
        ("Tỷ lệ số hóa", percent(section["digitization_rate"])),
        ("Tỷ lệ trực tuyến", percent(section["online_rate"])),
        ("Mức độ hài lòng", percent(section["satisfaction"])),
    ]
    return [{"Chỉ tiêu": label, "Giá trị": value} for label, value in pairs]


def monitor_rows(stats: dict | None) -> list[dict]:
    """The queue or feedback feature's own figures, flattened; empty when the feature is not installed."""
    if not stats:
        return []
    rows = []
    for key, value in stats.items():
        if key in ("definitions", "unit_id", "start", "end") or isinstance(value, list):
            continue
        if isinstance(value, dict):
            rows += [{"Chỉ tiêu": f"{key}: {k}", "Giá trị": v} for k, v in value.items()]
        else:
            label = (stats.get("definitions") or {}).get(key, key)
            label = label[0] if isinstance(label, tuple | list) else label
            rows.append({"Chỉ tiêu": label, "Giá trị": percent(value) if key.endswith("rate") else value})
    return rows


def lesson_rows(lessons: list[dict]) -> list[dict]:
    return [
        {
            "Ngày": format_date(lesson["day"]),
            "Kịch bản": lesson["scenario_label"],
            "Vấn đề": lesson["problem"],
            "Đề xuất": lesson["proposal"],
            "Người phụ trách": lesson["owner"],
        }
        for lesson in lessons
    ]


def to_xlsx(report: dict) -> bytes:
    sheets = {f"KB{i} {s['code']}": scenario_rows(s) for i, s in enumerate(report["scenarios"], start=1)}
    sheets["Hàng đợi"] = monitor_rows(report["queue"]) or [{"Chỉ tiêu": "Chưa có dữ liệu", "Giá trị": ""}]
    sheets["Phản ánh"] = monitor_rows(report["feedback"]) or [{"Chỉ tiêu": "Chưa có dữ liệu", "Giá trị": ""}]
    sheets["Bài học kinh nghiệm"] = lesson_rows(report["lessons"]) or [{"Vấn đề": "Chưa có ghi nhận"}]
    return to_excel(sheets)


def to_pdf(report: dict) -> bytes:
    period = f"Từ ngày {format_date(report['start'])} đến ngày {format_date(report['end'])}"
    doc = pdf.new_form(unit_name=report["unit_name"], title="Báo cáo kết quả vận hành thử nghiệm", subtitle=period)
    for section in report["scenarios"]:
        pdf.paragraph(doc, section["title"], bold=True)
        pdf.table(doc, ["Chỉ tiêu", "Giá trị"], [list(r.values()) for r in scenario_rows(section)], widths=(110, 64))
    for title, stats in (("Hàng đợi lấy số", report["queue"]), ("Phản ánh, kiến nghị", report["feedback"])):
        pdf.paragraph(doc, title, bold=True)
        rows = monitor_rows(stats)
        if rows:
            pdf.table(doc, ["Chỉ tiêu", "Giá trị"], [list(r.values()) for r in rows], widths=(110, 64))
        else:
            pdf.paragraph(doc, "Chưa có dữ liệu.")
    pdf.paragraph(doc, "Bài học kinh nghiệm", bold=True)
    lessons = lesson_rows(report["lessons"])
    if lessons:
        pdf.table(doc, list(lessons[0]), [list(r.values()) for r in lessons], widths=(22, 28, 50, 46, 28))
    else:
        pdf.paragraph(doc, "Chưa có ghi nhận.")
    pdf.signatures(doc, "NGƯỜI LẬP BÁO CÁO", "LÃNH ĐẠO ĐƠN VỊ")
    return pdf.finish(doc)
