"""The dossier page's action forms: one form per action open to the user.

Each submit button runs its service in an on_click callback bound to the dossier version the page displayed, so a
person acting on a stale page is told the dossier changed, instead of the click landing on the new state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

import streamlit as st

from components.runtime import engine, settings
from components.ui import call, failed, fetch
from db.engine import read
from services.core.clock import LOCAL_TZ, local, local_today
from services.core.files import store_from_settings
from services.processing import actions as processing

FLASH_KEY = "dossier__flash"


def file_store():
    return store_from_settings(settings())


def uploads(files) -> list[tuple[str, bytes]]:
    return [(f.name, f.getvalue()) for f in files or []]


def act(message: str, service: Callable, *args, **kwargs) -> None:
    """Runs in a callback: the Vietnamese error shows at the top of the page, a success as the page's flash."""
    if not failed(call(service, *args, **kwargs)):
        st.session_state[FLASH_KEY] = message


def value(key: str):
    return st.session_state.get(key)


def deferred_pdf(label: str, service: Callable, *args, file_name: str, key: str, **kwargs) -> None:
    """The PDF is built only when the button is clicked (on Streamlit's download thread, no rerun)."""

    def build() -> bytes:
        with read(engine()) as conn:
            return service(conn, *args, **kwargs)

    st.download_button(
        label,
        build,
        file_name=file_name,
        mime="application/pdf",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def assign_form(me, view: dict) -> None:
    dossier = view["dossier"]
    shown = (me, dossier["id"], dossier["version"])
    if not processing.is_department_head(me, dossier):
        st.button("Nhận xử lý hồ sơ này", key="dossier__take", type="primary", on_click=_take, args=shown)
        return
    staff = {
        r["id"]: r["full_name"] for r in fetch(processing.department_staff, me, dossier_id=dossier["id"], default=[])
    }
    with st.form("dossier__assign_form"):
        st.markdown("**Phân công chuyên viên**" + (" (giao lại)" if dossier["assignee_id"] else ""))
        st.selectbox("Chuyên viên xử lý", list(staff), format_func=staff.get, key="dossier__assignee")
        st.text_input("Ghi chú phân công", key="dossier__assign_note")
        st.form_submit_button("Phân công", type="primary", on_click=_assign, args=shown)


def _take(me, dossier_id: int, version: int) -> None:
    act("Bạn đã nhận xử lý hồ sơ.", processing.assign, me, dossier_id=dossier_id, assignee_id=me.user_id,
        expected_version=version)  # fmt: skip


def _assign(me, dossier_id: int, version: int) -> None:
    act(
        "Đã phân công chuyên viên xử lý.",
        processing.assign,
        me,
        dossier_id=dossier_id,
        assignee_id=value("dossier__assignee"),
        expected_version=version,
        note=value("dossier__assign_note") or "",
    )


def start_form(me, view: dict) -> None:
    dossier = view["dossier"]
    st.button("Bắt đầu xử lý", key="dossier__start", on_click=_start, args=(me, dossier["id"], dossier["version"]))


def _start(me, dossier_id: int, version: int) -> None:
    act("Đã bắt đầu xử lý hồ sơ.", processing.start, me, dossier_id=dossier_id, expected_version=version)


def appraisal_form(me, view: dict) -> None:
    dossier = view["dossier"]
    with st.form("dossier__appraisal_form"):
        st.markdown("**Biên bản thẩm định thực địa**")
        st.date_input("Ngày thẩm định", value=local_today(), format="DD/MM/YYYY", key="dossier__appraisal_day")
        st.text_area("Thành phần tham gia", key="dossier__appraisal_participants")
        st.text_area("Kết quả kiểm tra thực địa", key="dossier__appraisal_findings")
        st.selectbox(
            "Kết luận",
            list(processing.APPRAISAL_CONCLUSIONS),
            format_func=processing.APPRAISAL_CONCLUSIONS.get,
            key="dossier__appraisal_conclusion",
        )
        st.text_area("Ý kiến kết luận", key="dossier__appraisal_note")
        st.file_uploader(
            "Ảnh hiện trạng (JPEG, PNG)", type=["jpg", "jpeg", "png"], accept_multiple_files=True, key="dossier__photos"
        )
        st.form_submit_button(
            "Lưu biên bản", type="primary", on_click=_appraise, args=(me, dossier["id"], dossier["version"])
        )


def _appraise(me, dossier_id: int, version: int) -> None:
    act(
        "Đã lưu biên bản thẩm định thực địa.",
        processing.record_site_appraisal,
        me,
        file_store(),
        dossier_id=dossier_id,
        expected_version=version,
        appraised_on=value("dossier__appraisal_day"),
        participants=value("dossier__appraisal_participants") or "",
        findings=value("dossier__appraisal_findings") or "",
        conclusion=value("dossier__appraisal_conclusion"),
        conclusion_note=value("dossier__appraisal_note") or "",
        photos=uploads(value("dossier__photos")),
    )


def supplement_form(me, view: dict) -> None:
    dossier = view["dossier"]
    with st.form("dossier__supplement_form"):
        st.markdown("**Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ**")
        if dossier["supplement_count"] >= 1:
            st.warning(
                "Hồ sơ đã yêu cầu bổ sung một lần. Yêu cầu lần nữa sẽ tính hồ sơ là trễ hạn trong Bộ chỉ số.",
                icon=":material/warning:",
            )
        st.text_area("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ, liệt kê đầy đủ một lần)", key="dossier__items")
        st.text_input("Ghi chú cho công dân", key="dossier__supplement_note")
        st.form_submit_button(
            "Gửi yêu cầu bổ sung (tạm dừng tính thời hạn)",
            type="primary",
            on_click=_request_supplement,
            args=(me, dossier["id"], dossier["version"]),
        )


def _request_supplement(me, dossier_id: int, version: int) -> None:
    act(
        "Đã lập phiếu yêu cầu bổ sung; thời hạn giải quyết tạm dừng.",
        processing.request_supplement,
        me,
        dossier_id=dossier_id,
        expected_version=version,
        items=(value("dossier__items") or "").splitlines(),
        note=value("dossier__supplement_note") or "",
    )


def receive_supplement_form(me, view: dict) -> None:
    dossier = view["dossier"]
    with st.form("dossier__receive_supplement_form"):
        st.markdown("**Nhận hồ sơ bổ sung tại bộ phận một cửa**")
        pending = next((s for s in reversed(view["supplements"]) if s["received_at"] is None), None)
        for item in pending["items"] if pending else []:
            st.markdown(f"- {item}")
        st.file_uploader(
            "Bản quét giấy tờ bổ sung (PDF, JPEG, PNG)",
            type=["pdf", "jpg", "jpeg", "png"],
            accept_multiple_files=True,
            key="dossier__supplement_scans",
        )
        st.text_input("Ghi chú", key="dossier__receive_note")
        st.form_submit_button(
            "Đã nhận đủ giấy tờ bổ sung",
            type="primary",
            on_click=_receive_supplement,
            args=(me, dossier["id"], dossier["version"]),
        )


def _receive_supplement(me, dossier_id: int, version: int) -> None:
    act(
        "Đã nhận hồ sơ bổ sung; thời hạn tiếp tục, ngày hẹn trả được lùi tương ứng.",
        processing.receive_supplement,
        me,
        file_store(),
        dossier_id=dossier_id,
        expected_version=version,
        note=value("dossier__receive_note") or "",
        scans=uploads(value("dossier__supplement_scans")),
    )


def apology_form(me, view: dict) -> None:
    dossier = view["dossier"]
    with st.form("dossier__apology_form"):
        st.markdown("**Phiếu xin lỗi và hẹn lại ngày trả kết quả**")
        st.text_area("Lý do chậm trả kết quả", key="dossier__apology_reason")
        st.date_input(
            "Ngày hẹn mới", value=local(dossier["due_at"]).date(), format="DD/MM/YYYY", key="dossier__apology_day"
        )
        st.time_input("Giờ hẹn mới", value=time(16, 0), key="dossier__apology_time")
        st.form_submit_button(
            "Lập phiếu xin lỗi", type="primary", on_click=_apologize, args=(me, dossier["id"], dossier["version"])
        )


def _apologize(me, dossier_id: int, version: int) -> None:
    day, hour = value("dossier__apology_day"), value("dossier__apology_time")
    act(
        "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        processing.apologize,
        me,
        dossier_id=dossier_id,
        expected_version=version,
        reason=value("dossier__apology_reason") or "",
        new_due_at=datetime.combine(day, hour, tzinfo=LOCAL_TZ) if day and hour else None,
    )


def complete_form(me, view: dict) -> None:
    dossier = view["dossier"]
    with st.form("dossier__complete_form"):
        st.markdown("**Kết quả giải quyết**")
        st.file_uploader(
            "Bản quét kết quả đã ký (PDF, JPEG, PNG)",
            type=["pdf", "jpg", "jpeg", "png"],
            accept_multiple_files=True,
            key="dossier__results",
        )
        st.checkbox("Kết quả có bản điện tử (ký số)", key="dossier__electronic")
        st.text_input("Ghi chú", key="dossier__complete_note")
        st.form_submit_button(
            "Chuyển kết quả về bộ phận một cửa",
            type="primary",
            on_click=_complete,
            args=(me, dossier["id"], dossier["version"]),
        )


def _complete(me, dossier_id: int, version: int) -> None:
    act(
        "Đã chuyển kết quả về bộ phận một cửa để trả cho công dân.",
        processing.complete,
        me,
        file_store(),
        dossier_id=dossier_id,
        expected_version=version,
        results=uploads(value("dossier__results")),
        electronic=bool(value("dossier__electronic")),
        note=value("dossier__complete_note") or "",
    )


def reject_form(me, view: dict) -> None:
    dossier = view["dossier"]
    with st.form("dossier__reject_form"):
        st.markdown("**Từ chối giải quyết**")
        st.text_area("Lý do từ chối (ghi vào văn bản trả công dân)", key="dossier__reject_reason")
        st.file_uploader(
            "Văn bản từ chối đã ký (không bắt buộc)",
            type=["pdf", "jpg", "jpeg", "png"],
            accept_multiple_files=True,
            key="dossier__reject_letters",
        )
        st.form_submit_button("Từ chối giải quyết", on_click=_reject, args=(me, dossier["id"], dossier["version"]))


def _reject(me, dossier_id: int, version: int) -> None:
    act(
        "Đã từ chối giải quyết; văn bản từ chối được trả tại bộ phận một cửa.",
        processing.reject,
        me,
        file_store(),
        dossier_id=dossier_id,
        expected_version=version,
        reason=value("dossier__reject_reason") or "",
        letters=uploads(value("dossier__reject_letters")),
    )


ACTION_FORMS = {
    "assign": assign_form,
    "start": start_form,
    "site_appraisal": appraisal_form,
    "request_supplement": supplement_form,
    "receive_supplement": receive_supplement_form,
    "apologize": apology_form,
    "complete": complete_form,
    "reject": reject_form,
}
