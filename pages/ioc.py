"""Operations center (IOC): service KPIs with their definitions, early warnings, queue and feedback monitors,
river levels and cameras, for a ward's leaders or, across the 94 units, the city's."""

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from components import ioc
from components.tables import number, percent, table
from components.ui import actor
from services.core.clock import format_datetime, local_today
from services.ioc.kpi import DEFINITIONS
from services.ioc.trial_report import monitor_rows

me = actor()
st.title("Trung tâm điều hành (IOC)")
left, right = st.columns([2, 3])
with left:
    unit_id = ioc.scope_picker(me, key="ioc__unit")
with right:
    period = ioc.period_picker(key="ioc__period", default=(local_today() - timedelta(days=29), local_today()))
if period is None:
    st.stop()
start, end = period
data = ioc.dashboard(me, unit_id, start, end)
if data is None:
    st.stop()


def tile(column, key: str, value: str) -> None:
    label, definition = DEFINITIONS[key]
    column.metric(label, value, help=definition)


def tiles(figures: dict) -> None:
    first = st.columns(5)
    for column, key in zip(first, ("received", "returned", "in_progress", "overdue", "near_due"), strict=True):
        tile(column, key, f"{figures[key]:,}".replace(",", "."))
    second = st.columns(6)
    tile(second[0], "on_time_rate", percent(figures["on_time_rate"]))
    tile(second[1], "avg_processing_hours", f"{number(figures['avg_processing_hours'])} giờ")
    tile(second[2], "digitization_rate", percent(figures["digitization_rate"]))
    tile(second[3], "online_rate", percent(figures["online_rate"]))
    tile(second[4], "vneid", f"{figures['vneid']:,}".replace(",", "."))
    tile(second[5], "satisfaction", percent(figures["satisfaction"]))
    st.caption(f"Số liệu “hiện tại” tính đến {format_datetime(figures['asof'])}; cập nhật mỗi phút.")


def day_chart(days: list[dict]) -> None:
    frame = pd.DataFrame(days).rename(
        columns={
            "received": "Tiếp nhận",
            "returned": "Trả kết quả",
            "finished": "Có kết quả",
            "finished_late": "Trễ hạn",
        }
    )
    frame["Ngày"] = pd.to_datetime(frame["day"])
    chart = (
        alt.Chart(frame)
        .transform_fold(["Tiếp nhận", "Có kết quả", "Trả kết quả", "Trễ hạn"], as_=["Chỉ tiêu", "Số hồ sơ"])
        .mark_line(point=True)
        .encode(
            x=alt.X("Ngày:T", axis=alt.Axis(format="%d/%m", title=None)),
            y=alt.Y("Số hồ sơ:Q"),
            color=alt.Color("Chỉ tiêu:N", legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("Ngày:T", format="%d/%m/%Y"), "Chỉ tiêu:N", "Số hồ sơ:Q"],
        )
        .properties(height=280)
    )
    st.altair_chart(chart, width="stretch")


def figure_rows(rows: list[dict], first: str) -> list[dict]:
    return [
        {
            first: r.get("unit") or r["name"],
            "Tiếp nhận": r["received"],
            "Có kết quả": r["finished"],
            "Đã trả": r["returned"],
            "Đang giải quyết": r["in_progress"],
            "Quá hạn": r["overdue"],
            "Đúng hạn (%)": _pct(r["on_time_rate"]),
            "TG trung bình (giờ)": None if r["avg_processing_hours"] is None else round(r["avg_processing_hours"], 1),
            "Số hóa (%)": _pct(r["digitization_rate"]),
            "Trực tuyến (%)": _pct(r["online_rate"]),
            "Hài lòng (%)": _pct(r["satisfaction"]),
        }
        for r in rows
    ]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def ranking_rows(rows: list[dict]) -> list[dict]:
    return [
        {"Hạng": r["rank"], "Điểm": None if r["score"] is None else round(r["score"], 1), **f}
        for r, f in zip(rows, figure_rows(rows, "Phường/xã"), strict=True)
    ]


def warning_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            "Mức": w["level_label"],
            "Mã hồ sơ": w["code"],
            "Thủ tục": w["procedure"],
            "Người nộp": w["applicant"],
            "Đơn vị": w["unit"],
            "Phòng": w["department"],
            "Cán bộ đang giữ": w["assignee"],
            "Trạng thái": w["status"],
            "Hẹn trả": w["due_at"],
            "Còn lại": f"{number(w['working_hours_left'])} giờ làm việc"
            if w["level"] == "near_due"
            else f"quá {w['days_overdue']} ngày",
        }
        for w in rows
    ]


def monitor_panel(kind: str, title: str) -> None:
    st.subheader(title)
    stats = ioc.monitor(me, kind, unit_id, start, end)
    if stats is None:
        st.info("Chưa có dữ liệu.", icon=":material/hourglass_empty:")
        return
    table(monitor_rows(stats), key=f"ioc__{kind}", filename=f"{kind}_{start}_{end}")


def river_panel() -> None:
    stations = ioc.stations(me)
    rows = [
        {
            "Trạm": s["name"],
            "Sông": s["river"],
            "Mực nước (m)": s["level_m"],
            "Báo động": s["alert_label"],
            "Xu hướng": s["trend_label"],
            "Mưa 24 giờ (mm)": None if s["rain_24h_mm"] is None else round(s["rain_24h_mm"], 1),
            "Loại mưa": s["rain_category"],
            "Số đo cuối": s["last_at"],
            "Mất số liệu": "Có" if s["stale"] else "",
        }
        for s in stations
    ]
    for s in stations:
        if s["alert"] >= 2:
            st.error(
                f"{s['name']} ({s['river']}): {s['alert_label']} — {number(s['level_m'], 2)} m", icon=":material/flood:"
            )
        if s["stale"]:
            st.warning(
                f"{s['name']}: không nhận được số đo quá {s['stale_after_minutes']} phút.",
                icon=":material/sensors_off:",
            )
    table(rows, key="ioc__rivers", filename="muc_nuoc")
    st.page_link("pages/ioc_rivers.py", label="Biểu đồ từng trạm, nhập số đo, mức báo động", icon=":material/water:")


overview, warning_tab, details, ranking_tab, monitors, river_tab, camera_tab = st.tabs(
    ["Tổng quan", "Cảnh báo sớm", "Chi tiết", "Xếp hạng", "Hàng đợi & phản ánh", "Mực nước", "Camera"]
)
with overview:
    tiles(data["summary"])
    day_chart(data["by_day"])
    table(
        [
            {
                "Ngày": d["day"],
                "Tiếp nhận": d["received"],
                "Có kết quả": d["finished"],
                "Trong đó trễ hạn": d["finished_late"],
                "Trả kết quả": d["returned"],
            }
            for d in data["by_day"]
        ],
        key="ioc__by_day",
        filename=f"theo_ngay_{start}_{end}",
    )
with warning_tab:
    rows = ioc.warnings(me, unit_id)
    st.caption(DEFINITIONS["near_due"][1] + " " + DEFINITIONS["overdue"][1])
    table(
        warning_rows(rows),
        key="ioc__warnings",
        filename="canh_bao_som",
        empty="Không có hồ sơ quá hạn hay sắp đến hạn.",
    )
with details:
    for key, title in (
        ("procedure", "Theo thủ tục"),
        ("department", "Theo phòng chuyên môn"),
        ("officer", "Theo cán bộ"),
    ):
        st.subheader(title)
        table(
            figure_rows(data[f"by_{key}"], title.removeprefix("Theo ").capitalize()),
            key=f"ioc__{key}",
            filename=f"{key}_{start}_{end}",
        )
with ranking_tab:
    if data["ranking"] is None:
        st.info("Bảng xếp hạng 94 phường, xã, đặc khu dành cho lãnh đạo thành phố.", icon=":material/leaderboard:")
    else:
        st.caption(DEFINITIONS["score"][1])
        table(ranking_rows(data["ranking"]), key="ioc__ranking", filename=f"xep_hang_{start}_{end}")
with monitors:
    monitor_panel("queue", "Hàng đợi lấy số")
    monitor_panel("feedback", "Phản ánh, kiến nghị")
with river_tab:
    river_panel()
with camera_tab:
    cams = ioc.camera_list(me, unit_id)
    table(
        [
            {
                "Camera": c["name"],
                "Vị trí": c["location"],
                "Đơn vị": c["unit"],
                "Trạng thái": c["status_label"],
                "Luồng": c["stream_url"],
            }
            for c in cams
        ],
        key="ioc__cameras",
        filename="camera",
        empty="Chưa có camera nào được khai báo.",
    )
