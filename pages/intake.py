"""Counter intake: pick the procedure, enter the applicant(s), tick the documents, attach scans, print the receipt."""

import streamlit as st

from components.cccd_scan import cccd_scan
from components.runtime import settings
from components.ui import actor, call, failed, fetch
from services.catalog import procedures as catalog
from services.core import units
from services.core.clock import format_datetime
from services.core.files import store_from_settings
from services.core.working_time import DEADLINE_KINDS
from services.dossiers import counter_forms as legal_counter_forms
from services.dossiers import intake, receipts
from services.queue import tickets as queue

st.title("Tiếp nhận hồ sơ")
me = actor()
generation = st.session_state.setdefault("intake__generation", 0)


def key(name: str) -> str:
    """Form keys carry a generation number so a saved form starts empty again (uploads included)."""
    return f"intake__{name}_{generation}"


def deadline_text(kind: str, amount: int) -> str:
    return (
        "Trong ngày (nhận sau 15:00: ngày làm việc tiếp theo)"
        if kind == "same_day"
        else f"{amount} {DEADLINE_KINDS[kind].lower()}"
    )


def prefill(prefix: str) -> None:
    cccd = st.session_state.get(key(f"{prefix}_lookup"), "")
    found = fetch(intake.find_applicant, me, cccd)
    if found is None:
        st.session_state[f"intake__{prefix}_lookup_note"] = "Chưa có trong hệ thống: nhập mới."
        st.session_state[key(f"{prefix}_cccd")] = cccd.strip()
        return
    for field in ("full_name", "cccd", "phone", "address", "email"):
        st.session_state[key(f"{prefix}_{field}")] = found[field] or ""
    birth = found["birth_date"]
    st.session_state[key(f"{prefix}_birth_date")] = birth.strftime("%d/%m/%Y") if birth else ""
    st.session_state[f"intake__{prefix}_lookup_note"] = f"Đã điền thông tin của {found['full_name']}."


def person_lookup(prefix: str, label: str) -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input(f"Tìm {label.lower()} theo số CCCD", key=key(f"{prefix}_lookup"), max_chars=12)
    right.button("Tìm", key=key(f"{prefix}_lookup_button"), on_click=prefill, args=(prefix,))
    note = st.session_state.pop(f"intake__{prefix}_lookup_note", "")
    if note:
        st.caption(note)


def person_fields(prefix: str, *, email: bool) -> dict:
    first, second, third = st.columns(3)
    data = {
        "full_name": first.text_input("Họ và tên", key=key(f"{prefix}_full_name")),
        "cccd": second.text_input("Số CCCD (12 số)", key=key(f"{prefix}_cccd"), max_chars=12),
        "birth_date": third.text_input("Ngày sinh (dd/mm/yyyy)", key=key(f"{prefix}_birth_date")),
    }
    first, second = st.columns([1, 2])
    data["phone"] = first.text_input("Điện thoại", key=key(f"{prefix}_phone"))
    data["address"] = second.text_input("Địa chỉ", key=key(f"{prefix}_address"))
    if email:
        data["email"] = st.text_input("Thư điện tử (không bắt buộc)", key=key(f"{prefix}_email"))
    return data


def show_last_receipt() -> None:
    last = st.session_state.get("intake__last")
    if not last:
        return
    with st.container(border=True):
        st.success(
            f"Đã tiếp nhận hồ sơ **{last['code']}** – {last['procedure']}. Hẹn trả kết quả: **{last['due']}**.",
            icon=":material/check_circle:",
        )
        for warning in last.get("warnings", ()):
            st.warning(warning, icon=":material/warning:")
        data = fetch(
            receipts.receipt_pdf,
            me,
            dossier_id=last["dossier_id"],
            public_base_url=settings().public_base_url,
            token_secret=settings().token_secret,
        )
        if data:
            st.download_button(
                "Tải giấy tiếp nhận và hẹn trả (PDF)",
                data,
                file_name=f"giay-hen-{last['code']}.pdf",
                mime="application/pdf",
                icon=":material/print:",
                key="intake__receipt_download",
            )


show_last_receipt()
if st.session_state.get("intake__ticket_id"):
    st.caption("Hồ sơ lưu tiếp theo sẽ được gắn với số thứ tự đang phục vụ tại quầy.")
procedures = {p["code"]: p for p in fetch(catalog.list_procedures, default=[])}
code = st.selectbox(
    "Thủ tục hành chính",
    list(procedures),
    index=None,
    format_func=lambda c: f"{procedures[c]['name']} ({procedures[c]['sector']})",
    placeholder="Gõ tên thủ tục để tìm…",
    key="intake__procedure",
)
if code is None:
    st.info("Chọn thủ tục để hiện biểu mẫu tiếp nhận theo thủ tục đó.", icon=":material/search:")
    st.stop()

procedure = procedures[code]
st.caption(
    f"Thời hạn: {deadline_text(procedure['deadline_kind'], procedure['deadline_amount'])} · "
    f"{catalog.MODES[procedure['mode']]} · Lệ phí: {procedure['fee']:,} đồng".replace(",", ".")
    + (" · *giá trị mẫu, đơn vị cần rà soát*" if procedure["is_sample"] else "")
)
two_parties = procedure["parties"] >= 2
person_lookup("a", "Người nộp")
if two_parties:
    person_lookup("b", "Bên còn lại")
cccd_scan(key, {"a": "Người nộp", "b": "Bên còn lại"} if two_parties else {"a": "Người nộp"})

with st.form(key("form")):
    st.subheader("Người nộp hồ sơ")
    applicant = person_fields("a", email=True)
    second_party = None
    if two_parties:
        st.subheader("Bên còn lại")
        second_party = person_fields("b", email=False)

    st.subheader("Thành phần hồ sơ")
    documents = []
    for index, item in enumerate(procedure["documents"]):
        kind = "Bản chính" if item["original"] else "Bản sao"
        ticked = st.checkbox(f"{item['name']} — {kind}, {item['copies']} bản", value=True, key=key(f"doc_{index}"))
        documents.append({**item, "received": ticked})
    extra = st.text_area("Giấy tờ khác đã nhận (mỗi dòng một giấy tờ)", key=key("extra_documents"), height=68)
    documents += [{"name": line, "original": False, "copies": 1} for line in extra.splitlines() if line.strip()]

    verification = False
    if procedure["verification_deadline_kind"]:
        amount = procedure["verification_deadline_amount"]
        verification = st.checkbox(
            f"Cần xác minh (thời hạn {deadline_text(procedure['verification_deadline_kind'], amount)})",
            key=key("verification"),
        )
    land_unit_id = None
    if procedure["mode"] == "any_point":
        unit_names = {u["id"]: u["name"] for u in fetch(units.list_units, default=[])}
        land_unit_id = st.selectbox(
            "Phường/xã nơi có đất", list(unit_names), index=None, format_func=unit_names.get, key=key("land_unit")
        )
    first, second = st.columns(2)
    vneid = first.radio(
        "Hỗ trợ VNeID tại quầy",
        list(intake.VNEID_SUPPORT),
        format_func=intake.VNEID_SUPPORT.get,
        horizontal=True,
        key=key("vneid"),
    )
    channel = second.selectbox(
        "Kênh nộp", list(intake.COUNTER_CHANNELS), format_func=intake.COUNTER_CHANNELS.get, key=key("channel")
    )
    scans = st.file_uploader(
        "Bản quét hồ sơ (PDF, JPEG, PNG; tối đa 20 MB mỗi tệp, 50 MB mỗi hồ sơ)",
        type=["pdf", "jpg", "jpeg", "png"],
        accept_multiple_files=True,
        key=key("scans"),
    )
    notes = st.text_area("Ghi chú", key=key("notes"), height=68)
    notify_consent = st.checkbox(
        "Công dân đồng ý nhận thông báo về hồ sơ qua thư điện tử và tin nhắn (theo thư điện tử, điện thoại đã ghi)",
        key=key("notify_consent"),
    )
    submitted = st.form_submit_button("Tiếp nhận và in giấy hẹn", type="primary", icon=":material/save:")

if submitted:
    receipt = call(
        intake.receive_dossier,
        me,
        procedure_code=code,
        applicant=applicant,
        second_party=second_party,
        documents=documents,
        files=[(f.name, f.getvalue()) for f in scans or []],
        vneid_support=vneid,
        channel=channel,
        verification=verification,
        land_unit_id=land_unit_id,
        store=store_from_settings(settings()),
        notes=notes,
        notify_consent=notify_consent,
    )
    if not failed(receipt):
        st.session_state["intake__last"] = {
            "dossier_id": receipt.dossier_id,
            "code": receipt.code,
            "procedure": receipt.procedure_name,
            "due": format_datetime(receipt.due_at),
            "warnings": list(receipt.warnings),
        }
        ticket_id = st.session_state.pop("intake__ticket_id", None)
        if ticket_id:
            call(queue.link_ticket_to_dossier, me, ticket_id=ticket_id, dossier_id=receipt.dossier_id)
        st.session_state["intake__generation"] = generation + 1
        st.rerun()

with st.expander("Thiếu giấy tờ: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", icon=":material/playlist_add:"):
    st.caption("Hồ sơ chưa được tiếp nhận, chưa tính thời hạn; ghi đủ mọi giấy tờ còn thiếu hoặc cần sửa một lần.")
    with st.form(key("supplement_form")):
        name = st.text_input("Họ và tên người nộp", key=key("supplement_name"))
        first, second = st.columns(2)
        cccd = first.text_input("Số CCCD (nếu có)", key=key("supplement_cccd"), max_chars=12)
        phone = second.text_input("Điện thoại (nếu có)", key=key("supplement_phone"))
        lines = st.text_area(
            "Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng: tên giấy tờ | việc cần làm)",
            key=key("supplement_items"),
            placeholder="Bản vẽ thiết kế xây dựng | Nộp đủ 2 bản, có chữ ký của người thiết kế",
        )
        asked = st.form_submit_button("Lập phiếu yêu cầu bổ sung", icon=":material/playlist_add:")
    if asked:
        slip_id = call(
            legal_counter_forms.request_counter_supplement,
            me,
            procedure_code=code,
            applicant_name=name,
            applicant_cccd=cccd,
            applicant_phone=phone,
            items=[dict(zip(("name", "action"), line.split("|", 1), strict=False)) for line in lines.splitlines()],
        )
        if not failed(slip_id):
            st.session_state["intake__last_supplement_slip"] = slip_id
    slip_id = st.session_state.get("intake__last_supplement_slip")
    if slip_id:
        data = fetch(legal_counter_forms.counter_supplement_pdf, me, slip_id=slip_id)
        if data:
            st.success("Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.", icon=":material/check:")
            st.download_button(
                "Tải phiếu yêu cầu bổ sung (PDF)",
                data,
                file_name=f"phieu-yeu-cau-bo-sung-{slip_id}.pdf",
                mime="application/pdf",
                key="intake__supplement_download",
            )

with st.expander("Từ chối tiếp nhận (ngoài thẩm quyền hoặc không đủ điều kiện)", icon=":material/block:"):
    with st.form(key("refusal_form")):
        name = st.text_input("Họ và tên người nộp", key=key("refusal_name"))
        first, second = st.columns(2)
        cccd = first.text_input("Số CCCD (nếu có)", key=key("refusal_cccd"), max_chars=12)
        phone = second.text_input("Điện thoại (nếu có)", key=key("refusal_phone"))
        reasons = st.text_area("Lý do từ chối (mỗi dòng một lý do)", key=key("refusal_reasons"))
        refused = st.form_submit_button("Lập phiếu từ chối", icon=":material/block:")
    if refused:
        refusal_id = call(
            intake.refuse_intake,
            me,
            procedure_code=code,
            applicant_name=name,
            applicant_cccd=cccd,
            applicant_phone=phone,
            reasons=reasons.splitlines(),
        )
        if not failed(refusal_id):
            st.session_state["intake__last_refusal"] = refusal_id
    refusal_id = st.session_state.get("intake__last_refusal")
    if refusal_id:
        data = fetch(receipts.refusal_pdf, me, refusal_id=refusal_id)
        if data:
            st.success("Đã lập phiếu từ chối tiếp nhận.", icon=":material/check:")
            st.download_button(
                "Tải phiếu từ chối (PDF)",
                data,
                file_name=f"phieu-tu-choi-{refusal_id}.pdf",
                mime="application/pdf",
                key="intake__refusal_download",
            )
