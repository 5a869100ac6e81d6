"""The trial report for the lessons-learned meeting: one section per scenario, queue and feedback figures, and the
lessons log filled in each day; downloadable as Excel and PDF."""

import streamlit as st

from components import ioc
from components.tables import XLSX, table
from components.ui import actor, call, failed
from services.core.clock import local_today
from services.ioc import trial_report

me = actor()
st.title("Báo cáo vận hành thử nghiệm")
left, right = st.columns([2, 3])
with left:
    unit_id = ioc.scope_picker(me, key="trial__unit")
with right:
    period = ioc.period_picker(key="trial__period", default=trial_report.TRIAL_DAYS)
st.caption("Mặc định: ba ngày thử nghiệm 21–23/06/2025 tại phường Ngũ Hành Sơn (giá trị mẫu, chọn lại kỳ khi cần).")
if period is None:
    st.stop()
start, end = period
report = ioc.report(me, unit_id, start, end)
if report is None:
    st.stop()

downloads = st.columns([1, 1, 4])
name = f"bao_cao_thu_nghiem_{start:%Y%m%d}_{end:%Y%m%d}"
downloads[0].download_button(
    "Tải Excel", trial_report.to_xlsx(report), f"{name}.xlsx", XLSX, key="trial__xlsx", icon=":material/download:"
)
downloads[1].download_button(
    "Tải PDF",
    trial_report.to_pdf(report),
    f"{name}.pdf",
    "application/pdf",
    key="trial__pdf",
    icon=":material/picture_as_pdf:",
)

for index, section in enumerate(report["scenarios"], start=1):
    st.subheader(section["title"])
    table(trial_report.scenario_rows(section), key=f"trial__scenario_{index}", filename=f"kich_ban_{index}")

for kind, title in (("queue", "Hàng đợi lấy số"), ("feedback", "Phản ánh, kiến nghị")):
    st.subheader(title)
    rows = trial_report.monitor_rows(report[kind])
    if rows:
        table(rows, key=f"trial__{kind}", filename=kind)
    else:
        st.info("Chưa có dữ liệu.", icon=":material/hourglass_empty:")

st.subheader("Bài học kinh nghiệm")
table(trial_report.lesson_rows(report["lessons"]), key="trial__lessons", filename="bai_hoc", empty="Chưa có ghi nhận.")
if unit_id is None:
    st.caption("Chọn một phường/xã để ghi bài học kinh nghiệm.")
    st.stop()
with st.form("trial__lesson_form", clear_on_submit=True):
    st.markdown("**Ghi nhận trong ngày**")
    cols = st.columns(2)
    day = cols[0].date_input("Ngày", value=local_today(), format="DD/MM/YYYY", key="trial__day")
    scenario = cols[1].selectbox(
        "Kịch bản",
        list(trial_report.LESSON_SCENARIOS),
        format_func=trial_report.LESSON_SCENARIOS.get,
        key="trial__scenario",
    )
    problem = st.text_area("Vấn đề phát sinh", key="trial__problem", max_chars=trial_report.MAX_TEXT)
    proposal = st.text_area("Đề xuất", key="trial__proposal", max_chars=trial_report.MAX_TEXT)
    owner = st.text_input("Người / bộ phận phụ trách", key="trial__owner", max_chars=160)
    if st.form_submit_button("Lưu ghi nhận", type="primary"):
        saved = call(
            trial_report.add_lesson,
            me,
            unit_id=unit_id,
            day=day,
            scenario=scenario,
            problem=problem,
            proposal=proposal,
            owner=owner,
        )
        if not failed(saved):
            ioc.clear()
            st.success("Đã lưu ghi nhận.")
            st.rerun()
