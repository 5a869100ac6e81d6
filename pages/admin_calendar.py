"""Admin and ward leaders: weekly office hours, local days off and swapped working days, the year's public
holidays, and a tool that computes the appointment a dossier would get."""

from datetime import datetime, time

import pandas as pd
import streamlit as st

from components.plain import escaped
from components.ui import act, actor, fetch
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.core import units
from services.core.clock import LOCAL_TZ, format_date, local, local_today
from services.core.roles import ADMIN
from services.core.working_time import WEEKDAY_LABELS, describe_deadline

SOURCE_LABELS = {
    "unit": "Đơn vị đang dùng giờ làm việc riêng.",
    "city": "Đơn vị đang dùng giờ làm việc mặc định của thành phố; lưu ở đây để đặt giờ riêng cho đơn vị.",
    "sample": "Đang dùng giờ làm việc mẫu (07:30–11:30, 13:00–17:00, thứ Hai–thứ Sáu): cần kiểm tra và lưu lại.",
}
SESSION_COLUMNS = ["Sáng từ", "Sáng đến", "Chiều từ", "Chiều đến"]
NOON = "12:00"

st.title("Lịch làm việc và ngày hẹn")
me = actor()


def scope_picker() -> int | None:
    """An admin edits the city default or any unit; a ward leader only the own unit."""
    if not me.has(ADMIN):
        return me.unit_id
    by_id = {u["id"]: u["name"] for u in fetch(units.list_units, default=[])}
    return st.selectbox(
        "Phạm vi",
        [None, *by_id],
        format_func=lambda i: "Mặc định toàn thành phố" if i is None else by_id[i],
        key="calendar__scope",
    )


unit_id = scope_picker()
scope_key = "city" if unit_id is None else str(unit_id)
scope_name = "toàn thành phố" if unit_id is None else fetch(units.get_unit, unit_id, default={}).get("name", "")
tab_hours, tab_days, tab_holidays, tab_try = st.tabs(
    ["Giờ làm việc", "Ngày nghỉ, ngày làm bù", "Ngày lễ, Tết", "Thử tính ngày hẹn"]
)


def split_day(sessions: list[tuple[str, str]]) -> list[str]:
    """Morning and afternoon boxes of one weekday, from its stored sessions."""
    morning = next((s for s in sessions if s[0] < NOON), ("", ""))
    afternoon = next((s for s in sessions if s[0] >= NOON), ("", ""))
    return [*morning, *afternoon]


def session_pairs(weekday: int, values: list[str]) -> list[dict]:
    """Boxes left empty in pairs mean no session; a half-filled pair goes to the service and is refused there."""
    pairs = [(values[0], values[1]), (values[2], values[3])]
    return [{"weekday": weekday, "starts": a, "ends": b} for a, b in pairs if a.strip() or b.strip()]


with tab_hours:
    hours = fetch(catalog_admin.office_hours, me, unit_id=unit_id, default=None)
    if hours is not None:
        st.caption(SOURCE_LABELS[hours["source"]])
        with st.form(f"calendar__hours_{scope_key}"):
            st.markdown(
                f"**Giờ làm việc của {escaped(scope_name)}** (HH:MM; để trống cả hai ô của một buổi nếu nghỉ buổi đó)"
            )
            sessions: list[dict] = []
            for column, label in zip(st.columns([1.2, 1, 1, 1, 1]), ["Thứ", *SESSION_COLUMNS], strict=True):
                column.caption(label)
            for weekday in range(5):
                columns = st.columns([1.2, 1, 1, 1, 1])
                columns[0].markdown(WEEKDAY_LABELS[weekday])
                current = split_day(hours["sessions"].get(weekday, []))
                values = [
                    column.text_input(
                        f"{WEEKDAY_LABELS[weekday]} — {label.lower()}",
                        value=value,
                        label_visibility="collapsed",
                        key=f"calendar__{scope_key}_{weekday}_{position}",
                    )
                    for position, (column, label, value) in enumerate(
                        zip(columns[1:], SESSION_COLUMNS, current, strict=True)
                    )
                ]
                sessions += session_pairs(weekday, values)
            saturday = hours["sessions"].get(5, [])
            saturday_open = st.checkbox(
                "Làm việc sáng thứ Bảy", value=bool(saturday), key=f"calendar__{scope_key}_saturday"
            )
            col_from, col_to = st.columns(2)
            saturday_from = col_from.text_input(
                "Sáng thứ Bảy từ",
                value=saturday[0][0] if saturday else "07:30",
                key=f"calendar__{scope_key}_saturday_from",
            )
            saturday_to = col_to.text_input(
                "Sáng thứ Bảy đến",
                value=saturday[0][1] if saturday else "11:30",
                key=f"calendar__{scope_key}_saturday_to",
            )
            if saturday_open:
                sessions.append({"weekday": 5, "starts": saturday_from, "ends": saturday_to})
            st.caption("Thứ Bảy làm bù theo quyết định của Chính phủ dùng giờ làm việc của ngày thường.")
            if st.form_submit_button("Lưu giờ làm việc", type="primary"):
                act(
                    catalog_admin.set_office_sessions,
                    me,
                    unit_id=unit_id,
                    sessions=sessions,
                    done=f"Đã lưu giờ làm việc của {scope_name}.",
                )
        if hours["source"] == "unit" and st.button("Dùng giờ mặc định của thành phố", key="calendar__reset"):
            act(
                catalog_admin.reset_office_sessions,
                me,
                unit_id=unit_id,
                done=f"{scope_name} đã trở về giờ làm việc mặc định của thành phố.",
            )

with tab_days:
    year = st.selectbox(
        "Năm", list(range(local_today().year - 1, local_today().year + 3)), index=1, key="calendar__days_year"
    )
    overrides = fetch(catalog_admin.list_calendar_overrides, me, unit_id=unit_id, year=year, default=[])
    if overrides:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Ngày": format_date(o["day"]),
                        "Thứ": WEEKDAY_LABELS[o["day"].weekday()],
                        "Loại": catalog_admin.OVERRIDE_KINDS[o["kind"]],
                        "Phạm vi": "Toàn thành phố" if o["unit_id"] is None else scope_name,
                        "Lý do": o["note"],
                        "Người thêm": o["created_by"],
                    }
                    for o in overrides
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(f"Năm {year} chưa có ngày điều chỉnh nào của địa phương.")
    with st.form(f"calendar__add_override_{scope_key}", clear_on_submit=True):
        st.markdown(f"**Thêm ngày điều chỉnh cho {escaped(scope_name)}**")
        day = st.date_input("Ngày", value=None, format="DD/MM/YYYY", key="calendar__override_day")
        kind = st.radio(
            "Loại",
            list(catalog_admin.OVERRIDE_KINDS),
            format_func=catalog_admin.OVERRIDE_KINDS.get,
            horizontal=True,
            key="calendar__override_kind",
        )
        note = st.text_input("Lý do (số văn bản, sự kiện)", key="calendar__override_note")
        if st.form_submit_button("Thêm ngày", type="primary"):
            act(
                catalog_admin.add_calendar_override,
                me,
                unit_id=unit_id,
                day=day,
                kind=kind,
                note=note,
                done=lambda _: f"Đã thêm {catalog_admin.OVERRIDE_KINDS[kind].lower()} {format_date(day)}.",
            )
    removable = {o["id"]: o for o in overrides if o["unit_id"] == unit_id}
    if removable:
        chosen = st.selectbox(
            "Xóa ngày điều chỉnh",
            list(removable),
            format_func=lambda i: f"{format_date(removable[i]['day'])} — {removable[i]['note']}",
            key="calendar__remove_id",
        )
        if st.button("Xóa ngày này", key="calendar__remove"):
            act(
                catalog_admin.remove_calendar_override,
                me,
                override_id=chosen,
                done=f"Đã xóa ngày điều chỉnh {format_date(removable[chosen]['day'])}.",
            )

with tab_holidays:
    holiday_year = st.selectbox(
        "Năm", list(range(local_today().year - 1, local_today().year + 3)), index=1, key="calendar__holidays_year"
    )
    national = catalog_admin.national_calendar(holiday_year)
    st.dataframe(
        pd.DataFrame(
            [
                {"Ngày": format_date(d), "Thứ": WEEKDAY_LABELS[d.weekday()], "Ngày lễ": name}
                for d, name in national["holidays"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    swapped = ", ".join(format_date(d) for d in national["working_weekends"]) or "không có"
    st.markdown(f"Thứ Bảy làm bù theo quyết định của Chính phủ: **{swapped}**.")
    st.caption(
        "Theo lịch nghỉ lễ quốc gia (Tết âm lịch, Giỗ Tổ, nghỉ bù). Năm chưa có quyết định của Chính phủ "
        "là lịch dự kiến: nếu khác, thêm ở thẻ “Ngày nghỉ, ngày làm bù”."
    )

with tab_try:
    procedures = {p["code"]: p for p in fetch(catalog.list_procedures, default=[])}
    with st.form("calendar__try"):
        code = st.selectbox(
            "Thủ tục", list(procedures), format_func=lambda c: procedures[c]["name"], key="calendar__try_procedure"
        )
        col_day, col_time = st.columns(2)
        received_day = col_day.date_input(
            "Ngày tiếp nhận", value=local_today(), format="DD/MM/YYYY", key="calendar__try_day"
        )
        received_time = col_time.time_input("Giờ tiếp nhận", value=time(9, 0), step=60, key="calendar__try_time")
        verification = st.checkbox("Hồ sơ cần xác minh", key="calendar__try_verification")
        if st.form_submit_button("Tính ngày hẹn", type="primary") and code:
            due = fetch(
                catalog.appointment,
                procedure_code=code,
                received_at=datetime.combine(received_day, received_time, tzinfo=LOCAL_TZ),
                unit_id=unit_id,
                verification=verification,
            )
            if due is not None:
                procedure = procedures[code]
                st.success(
                    f"Ngày hẹn trả: **{local(due):%H:%M} {WEEKDAY_LABELS[local(due).weekday()]} {format_date(due)}**"
                )
                kind, amount = procedure["deadline_kind"], procedure["deadline_amount"]
                if verification:
                    kind, amount = procedure["verification_deadline_kind"], procedure["verification_deadline_amount"]
                st.caption(
                    f"Thời hạn: {describe_deadline(kind, amount, None if verification else procedure['cutoff'])}; "
                    f"tính theo lịch làm việc của {scope_name}."
                )
