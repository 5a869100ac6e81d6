"""A dossier: its facts and deadline, scans, timeline, notes, site appraisals, supplements, the actions open to this
user, and the printed forms (control slip, supplement request, apology, refusal)."""

import importlib.util

import pandas as pd
import streamlit as st

from components.dossier_actions import ACTION_FORMS, FLASH_KEY, deferred_pdf, file_store
from components.ui import actor, call, failed, fetch
from services.core.clock import format_date, format_datetime
from services.processing import actions as processing
from services.processing import dossier_view
from services.processing import forms as processing_forms
from services.processing.worklist import URGENCY_LABELS, format_remaining

PDF_VIEWER = importlib.util.find_spec("streamlit_pdf") is not None
URGENCY_ICONS = {"overdue": ":red", "near": ":orange", "paused": ":blue", "ok": ":green"}

me = actor()
st.title("Hồ sơ")

if "ma" in st.query_params and st.query_params["ma"] != st.session_state.get("dossier__opened_code"):
    st.session_state["dossier__opened_code"] = st.query_params["ma"]
    st.session_state["dossier__code"] = st.query_params["ma"]
    st.session_state.pop("dossier__id", None)

with st.form("dossier__open_form"):
    code = st.text_input("Mã hồ sơ", key="dossier__code", placeholder="VD: NGUHANHSON-260621-0001")
    if st.form_submit_button("Mở hồ sơ"):
        found = fetch(dossier_view.find_dossier_id, me, code=code)
        if found is not None:
            st.session_state["dossier__id"] = found
            st.query_params["ma"] = code.strip().upper()
            st.session_state["dossier__opened_code"] = code.strip().upper()

if "dossier__id" not in st.session_state and st.session_state.get("dossier__opened_code"):
    found = fetch(dossier_view.find_dossier_id, me, code=st.session_state["dossier__opened_code"])
    if found is not None:
        st.session_state["dossier__id"] = found

dossier_id = st.session_state.get("dossier__id")
if dossier_id is None:
    st.info("Nhập mã hồ sơ hoặc mở hồ sơ từ danh sách hồ sơ cần xử lý.", icon=":material/info:")
    st.stop()

view = fetch(dossier_view.dossier_view, me, dossier_id=dossier_id)
if view is None:
    st.stop()
dossier, names = view["dossier"], view["names"]

if FLASH_KEY in st.session_state:
    st.success(st.session_state.pop(FLASH_KEY), icon=":material/check_circle:")

st.subheader(f"{dossier['code']} — {names['procedure']}")
left, middle, right = st.columns(3)
left.markdown(f"**Người nộp:** {dossier['applicant_name']}  \n**Trạng thái:** {view['status_label']}")
middle.markdown(
    f"**Tiếp nhận:** {format_datetime(dossier['received_at'])}  \n**Hẹn trả:** {format_datetime(dossier['due_at'])}"
)
right.markdown(
    f"**Phòng xử lý:** {names['department'] or '—'}  \n**Chuyên viên:** {names['assignee'] or 'Chưa phân công'}"
)
if view["timing"]:
    urgency = view["timing"]["urgency"]
    st.markdown(
        f"{URGENCY_ICONS[urgency]}-badge[{URGENCY_LABELS[urgency]}] "
        f"Thời gian làm việc còn lại: **{format_remaining(view['timing']['remaining_seconds'])}**"
    )
if dossier["counted_late"]:
    st.warning(
        "Hồ sơ tính là trễ hạn trong Bộ chỉ số (bổ sung lần thứ hai hoặc đã xin lỗi, hẹn lại).",
        icon=":material/warning:",
    )
if dossier["paused_seconds"]:
    st.caption(f"Đã tạm dừng chờ bổ sung {format_remaining(dossier['paused_seconds'])} làm việc.")

tabs = st.tabs(["Thao tác", "Tệp hồ sơ", "Tiến trình", "Thẩm định thực địa", "Bổ sung, xin lỗi", "Ghi chú"])

with tabs[0]:
    if not view["actions"]:
        st.caption("Không có thao tác nào dành cho bạn ở trạng thái hiện tại của hồ sơ.")
    for action in view["actions"]:
        ACTION_FORMS[action](me, view)
    deferred_pdf(
        "Phiếu kiểm soát quá trình giải quyết (PDF)",
        processing_forms.control_slip_pdf,
        me,
        dossier_id=dossier["id"],
        file_name=f"phieu-kiem-soat-{dossier['code']}.pdf",
        key="dossier__control_slip",
    )
    if dossier["status"] == "rejected":
        deferred_pdf(
            "Văn bản từ chối giải quyết (PDF)",
            processing_forms.refusal_pdf,
            me,
            dossier_id=dossier["id"],
            file_name=f"tu-choi-{dossier['code']}.pdf",
            key="dossier__refusal",
        )

with tabs[1]:
    files = {f["id"]: f for f in view["files"]}
    if view["documents"]:
        st.markdown("**Thành phần hồ sơ**")
        for doc in view["documents"]:
            st.markdown(f"- {doc['name']} ({'bản chính' if doc['original'] else 'bản sao'}, {doc['copies']} bản)")
    if not files:
        st.caption("Chưa có tệp nào.")
    else:
        chosen = st.selectbox(
            "Xem tệp",
            list(files),
            format_func=lambda i: (
                f"{files[i]['filename']} · {files[i]['kind']} · {format_datetime(files[i]['uploaded_at'])}"
            ),
            key="dossier__file",
        )
        content = fetch(dossier_view.file_content, me, file_store(), file_id=chosen)
        if content:
            if content["content_type"].startswith("image/"):
                st.image(content["data"], caption=content["filename"])
            elif PDF_VIEWER:
                st.pdf(content["data"], key=f"dossier__pdf_{chosen}")
            st.download_button(
                "Tải tệp",
                content["data"],
                file_name=content["filename"],
                mime=content["content_type"],
                key=f"dossier__download_{chosen}",
                on_click="ignore",
            )

with tabs[2]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Thời điểm": format_datetime(e["at"]),
                    "Bước": e["label"],
                    "Người thực hiện": e["by"],
                    "Chuyển cho": e["to_user"],
                    "Ghi chú": e["note"],
                }
                for e in view["events"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )

with tabs[3]:
    if not view["appraisals"]:
        st.caption("Chưa có biên bản thẩm định thực địa.")
    for appraisal in view["appraisals"]:
        with st.container(border=True):
            st.markdown(
                f"**Ngày {format_date(appraisal['appraised_on'])}** — "
                f"{processing.APPRAISAL_CONCLUSIONS[appraisal['conclusion']]} (lập bởi {appraisal['username']})"
            )
            st.markdown(f"**Thành phần:** {appraisal['participants']}")
            st.markdown(f"**Kết quả kiểm tra:** {appraisal['findings']}")
            if appraisal["conclusion_note"]:
                st.markdown(f"**Ý kiến kết luận:** {appraisal['conclusion_note']}")
            for file_id in appraisal["photo_ids"]:
                photo = fetch(dossier_view.file_content, me, file_store(), file_id=file_id)
                if photo:
                    st.image(photo["data"], caption=photo["filename"], width=320)

with tabs[4]:
    for request in view["supplements"]:
        with st.container(border=True):
            state = (
                f"đã nhận {format_datetime(request['received_at'])}, tạm dừng "
                f"{format_remaining(request['paused_seconds'] or 0)}, hẹn mới {format_datetime(request['due_after'])}"
                if request["received_at"]
                else "đang chờ công dân bổ sung"
            )
            st.markdown(
                f"**Yêu cầu bổ sung lần {request['seq']}** — {format_datetime(request['requested_at'])}, {state}"
            )
            for item in request["items"]:
                st.markdown(f"- {item}")
            deferred_pdf(
                "Phiếu yêu cầu bổ sung (PDF)",
                processing_forms.supplement_request_pdf,
                me,
                dossier_id=dossier["id"],
                request_id=request["id"],
                file_name=f"yeu-cau-bo-sung-{dossier['code']}-{request['seq']}.pdf",
                key=f"dossier__supplement_pdf_{request['id']}",
            )
    for apology in view["apologies"]:
        with st.container(border=True):
            st.markdown(
                f"**Xin lỗi, hẹn lại** — từ {format_datetime(apology['old_due_at'])} sang "
                f"{format_datetime(apology['new_due_at'])}. Lý do: {apology['reason']}"
            )
            deferred_pdf(
                "Phiếu xin lỗi và hẹn lại (PDF)",
                processing_forms.apology_pdf,
                me,
                dossier_id=dossier["id"],
                apology_id=apology["id"],
                file_name=f"xin-loi-{dossier['code']}-{apology['id']}.pdf",
                key=f"dossier__apology_pdf_{apology['id']}",
            )
    if not view["supplements"] and not view["apologies"]:
        st.caption("Chưa có yêu cầu bổ sung hay phiếu xin lỗi.")

with tabs[5]:
    for event in view["events"]:
        if event["action"] == "note":
            st.markdown(f"**{event['by']}** · {format_datetime(event['at'])}  \n{event['note']}")
    with st.form("dossier__note_form", clear_on_submit=True):
        text = st.text_area("Ghi chú mới", key="dossier__note")
        if st.form_submit_button("Lưu ghi chú"):
            if not failed(call(processing.add_note, me, dossier_id=dossier["id"], text=text)):
                st.session_state[FLASH_KEY] = "Đã lưu ghi chú."
                st.rerun()
