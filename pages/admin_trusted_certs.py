"""Trusted certificates: the roots a signed result's certificate must chain to for the result to count as electronic
(Decision 766, sub-indicators 4.1 and 4.2). Admins keep city-wide roots (the government CA's root is one); a ward's
leader adds roots for their own ward."""

import streamlit as st

from components.tables import table
from components.ui import act, actor, fetch
from services.core import units
from services.core.clock import format_datetime
from services.dossiers import signed_results

me = actor()
st.title("Chứng thư số tin cậy")
st.caption(
    "Kết quả giải quyết chỉ được tính là kết quả điện tử khi tệp PDF có chữ ký số hợp lệ, với chứng thư của người "
    "ký do một tổ chức trong danh sách này cấp (kiểm tra bằng pyHanko khi tải lên, không kết nối mạng)."
)
if me.city_wide:
    names = {u["id"]: u["name"] for u in fetch(units.list_units, default=[])}
    scope = st.selectbox(
        "Phạm vi",
        [None, *sorted(names, key=names.get)],
        format_func=lambda i: "Toàn thành phố" if i is None else names[i],
        key="certs__scope",
    )
else:
    scope = me.unit_id

rows = fetch(signed_results.list_certificates, me, unit_id=scope, default=[])
table(
    [
        {
            "Tên": r["name"],
            "Áp dụng": r["scope"],
            "Chủ thể": r["subject"],
            "Hết hạn": format_datetime(r["not_after"]),
            "SHA-256": r["fingerprint"],
            "Người thêm": r["added_by"],
        }
        for r in rows
    ],
    key="certs__list",
    filename="chung_thu_tin_cay",
    empty="Chưa có chứng thư tin cậy nào: chưa kết quả nào được công nhận là kết quả điện tử.",
)

with st.form("certs__add", clear_on_submit=True):
    st.subheader("Thêm chứng thư gốc")
    name = st.text_input("Tên gợi nhớ", placeholder="VD: CA gốc Chính phủ (Ban Cơ yếu Chính phủ)", key="certs__name")
    upload = st.file_uploader("Tệp chứng thư (.cer, .crt, .pem)", type=["cer", "crt", "pem", "der"], key="certs__file")
    submitted = st.form_submit_button("Thêm vào danh sách tin cậy", type="primary", icon=":material/add_moderator:")
if submitted:
    act(
        signed_results.add_certificate,
        me,
        unit_id=scope,
        name=name,
        data=upload.getvalue() if upload else b"",
        done="Đã thêm chứng thư vào danh sách tin cậy.",
    )

removable = {r["id"]: r for r in rows if me.city_wide or r["unit_id"] == me.unit_id}
if removable:
    with st.form("certs__remove"):
        chosen = st.selectbox(
            "Bỏ tin cậy chứng thư", list(removable), format_func=lambda i: removable[i]["name"], key="certs__pick"
        )
        if st.form_submit_button("Bỏ khỏi danh sách", icon=":material/remove_moderator:"):
            act(
                signed_results.remove_certificate,
                me,
                certificate_id=chosen,
                done="Đã bỏ chứng thư khỏi danh sách tin cậy.",
            )
