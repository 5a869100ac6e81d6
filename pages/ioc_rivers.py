"""River levels: each station's chart against its alert levels, readings imported from CSV, thresholds and tokens."""

import altair as alt
import pandas as pd
import streamlit as st

from components import ioc
from components.tables import number, table
from components.ui import actor, call, failed
from services.core.clock import format_datetime
from services.core.roles import ADMIN
from services.ioc import rivers

me = actor()
st.title("Mực nước sông và lượng mưa")
stations = ioc.stations(me)
if not stations:
    st.info("Chưa có trạm đo. Quản trị viên chạy `python manage.py seed-stations` để nạp danh sách trạm.")
    st.stop()
by_id = {s["station_id"]: s for s in stations}


def threshold_rules(station: dict) -> list:
    levels = [(f"Báo động {roman}", station[f"alert_{n}_m"]) for n, roman in ((1, "I"), (2, "II"), (3, "III"))]
    frame = pd.DataFrame([{"Mức": name, "m": value} for name, value in levels if value is not None])
    if frame.empty:
        return []
    colors = alt.Scale(domain=["Báo động I", "Báo động II", "Báo động III"], range=["#f2c200", "#f08000", "#d00000"])
    return [alt.Chart(frame).mark_rule(strokeDash=[6, 4]).encode(y="m:Q", color=alt.Color("Mức:N", scale=colors))]


def station_chart(station: dict, series: list[dict]) -> None:
    if not series:
        st.caption("Chưa có số đo trong 72 giờ qua.")
        return
    frame = pd.DataFrame(series).rename(columns={"at": "Thời điểm", "level_m": "Mực nước (m)"})
    frame["Thời điểm"] = (
        pd.to_datetime(frame["Thời điểm"], utc=True).dt.tz_convert("Asia/Ho_Chi_Minh").dt.tz_localize(None)
    )
    line = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("Thời điểm:T", axis=alt.Axis(format="%H:%M %d/%m", title=None)),
            y=alt.Y("Mực nước (m):Q", scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("Thời điểm:T", format="%H:%M %d/%m/%Y"), "Mực nước (m):Q"],
        )
    )
    st.altair_chart(alt.layer(line, *threshold_rules(station)).properties(height=300), width="stretch")


st.subheader("Tình hình hiện tại")
chosen = st.selectbox(
    "Trạm", list(by_id), format_func=lambda i: f"{by_id[i]['name']} — sông {by_id[i]['river']}", key="rivers__station"
)
station = by_id[chosen]
cols = st.columns(4)
cols[0].metric("Mực nước", "—" if station["level_m"] is None else f"{number(station['level_m'], 2)} m")
cols[1].metric(
    "Báo động", station["alert_label"], help="Mức báo động cao nhất đã đạt; mức chưa có số liệu chính thức bỏ qua."
)
cols[2].metric("Xu hướng 1 giờ", station["trend_label"], help="Lên/xuống khi thay đổi từ 5 cm so với một giờ trước.")
cols[3].metric(
    "Mưa 24 giờ",
    station["rain_category"],
    help="Mưa nhỏ < 16 mm, mưa vừa 16–50 mm, mưa to 51–100 mm, mưa rất to > 100 mm (tổng 24 giờ qua).",
)
if station["stale"]:
    st.warning(
        f"Mất số liệu: không có số đo trong {station['stale_after_minutes']} phút qua "
        f"(số đo cuối: {format_datetime(station['last_at']) or 'chưa có'}).",
        icon=":material/sensors_off:",
    )
station_chart(station, ioc.series(me, chosen))

table(
    [
        {
            "Trạm": s["name"],
            "Sông": s["river"],
            "Báo động I (m)": s["alert_1_m"],
            "Báo động II (m)": s["alert_2_m"],
            "Báo động III (m)": s["alert_3_m"],
            "Mực nước (m)": s["level_m"],
            "Tình trạng": s["alert_label"],
            "Số đo cuối": s["last_at"],
            "Mất số liệu": "Có" if s["stale"] else "",
        }
        for s in stations
    ],
    key="rivers__stations",
    filename="tram_do",
)

st.subheader("Nhập số đo từ tệp CSV")
st.caption(
    "Tệp CSV UTF-8, dòng đầu `station,time,level_m,rain_mm`: tên hoặc mã trạm, thời điểm (giờ Việt Nam, "
    "vd. 30/10/2025 14:00), mực nước (m), lượng mưa từ lần đo trước (mm, có thể bỏ trống). Dòng hợp lệ được nhập, "
    "dòng lỗi được liệt kê để sửa."
)
with st.form("rivers__import", clear_on_submit=True):
    upload = st.file_uploader("Tệp số đo", type=["csv"], key="rivers__file")
    if st.form_submit_button("Nhập", type="primary", icon=":material/upload:"):
        if upload is None:
            st.error("Hãy chọn tệp CSV.")
        else:
            report = call(rivers.import_readings, me, content=upload.getvalue(), source="csv")
            if not failed(report):
                ioc.clear()
                st.success(f"Đã nhập {report.accepted} số đo; {len(report.errors)} dòng lỗi.")
                if report.errors:
                    table(
                        [{"Dòng": e.line, "Lỗi": e.message} for e in report.errors],
                        key="rivers__errors",
                        filename="loi_nhap_so_do",
                    )

if me.has(ADMIN):
    st.subheader("Mức báo động và cảm biến (quản trị)")
    with st.form("rivers__thresholds"):
        st.caption(f"Trạm {station['name']}: bỏ trống mức chưa có số liệu chính thức (không nhập 0).")
        inputs = st.columns(4)
        levels = [
            inputs[n - 1].number_input(
                f"Báo động {roman} (m)",
                value=station[f"alert_{n}_m"],
                step=0.1,
                format="%.2f",
                key=f"rivers__alert_{n}",
            )
            for n, roman in ((1, "I"), (2, "II"), (3, "III"))
        ]
        stale = inputs[3].number_input(
            "Mất số liệu sau (phút)", min_value=5, value=station["stale_after_minutes"], key="rivers__stale"
        )
        if st.form_submit_button("Lưu", type="primary"):
            saved = call(
                rivers.update_station,
                me,
                station_id=chosen,
                alert_1_m=levels[0],
                alert_2_m=levels[1],
                alert_3_m=levels[2],
                stale_after_minutes=int(stale),
            )
            if not failed(saved):
                ioc.clear()
                st.success("Đã lưu mức báo động.")
    st.caption(
        "Cảm biến gửi `POST /api/readings` với `Authorization: Bearer <token>` và JSON "
        '`{"station": "' + station["code"] + '", "readings": [{"time": "...", "level_m": 2.1, "rain_mm": 0.4}]}`.'
    )
    if st.button("Cấp token mới cho cảm biến của trạm", key="rivers__token", icon=":material/key:"):
        token = call(rivers.issue_token, me, station_id=chosen)
        if not failed(token):
            st.code(token, language=None)
            st.warning("Token chỉ hiện một lần; token cũ của trạm hết hiệu lực.", icon=":material/warning:")
