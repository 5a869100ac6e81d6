"""Delivery log of notifications (Nhật ký gửi thông báo): filter by status, channel and event; see each attempt;
resend a failed message."""

import pandas as pd
import streamlit as st

from components.ui import act, actor, fetch
from services.core.clock import format_datetime
from services.notify import outbox as notify_outbox
from services.notify.templates import EVENT_LABELS

st.title("Nhật ký gửi thông báo")
me = actor()

counts = fetch(notify_outbox.delivery_counts, me, default={}) or {}
columns = st.columns(len(notify_outbox.STATUS_LABELS))
for column, (status, label) in zip(columns, notify_outbox.STATUS_LABELS.items(), strict=True):
    column.metric(label, counts.get(status, 0))

first, second, third, fourth = st.columns(4)
status = first.selectbox(
    "Tình trạng",
    ["", *notify_outbox.STATUS_LABELS],
    format_func=lambda s: notify_outbox.STATUS_LABELS.get(s, "Tất cả"),
    key="notify__status",
)
channel = second.selectbox(
    "Kênh", ["", *notify_outbox.CHANNELS], format_func=lambda c: notify_outbox.CHANNELS.get(c, "Tất cả"),
    key="notify__channel",
)  # fmt: skip
event = third.selectbox(
    "Sự kiện", ["", *EVENT_LABELS], format_func=lambda e: EVENT_LABELS.get(e, "Tất cả"), key="notify__event"
)
search = fourth.text_input("Mã hồ sơ hoặc người nhận", key="notify__search", max_chars=60)

rows = fetch(notify_outbox.delivery_log, me, status=status, channel=channel, event=event, search=search, default=None)
if rows is None:
    st.stop()
if not rows:
    st.info("Không có thông báo nào khớp bộ lọc.", icon=":material/mail:")
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                "#": r["id"],
                "Tạo lúc": format_datetime(r["created_at"]),
                "Sự kiện": EVENT_LABELS.get(r["event"], r["event"]),
                "Kênh": notify_outbox.CHANNELS.get(r["channel"], r["channel"]),
                "Người nhận": notify_outbox.mask(r["recipient"]),
                "Mã": r["code"],
                "Tình trạng": notify_outbox.STATUS_LABELS.get(r["status"], r["status"]),
                "Số lần thử": r["attempts"],
                "Gửi lúc": format_datetime(r["sent_at"]),
                "Lỗi gần nhất": r["last_error"][:120],
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

by_id = {r["id"]: r for r in rows}
chosen = st.selectbox(
    "Xem chi tiết",
    list(by_id),
    format_func=lambda i: f"#{i} – {by_id[i]['code']} – {EVENT_LABELS.get(by_id[i]['event'], by_id[i]['event'])}",
    key="notify__chosen",
)
row = by_id[chosen]
if row["subject"]:
    st.text(f"Tiêu đề: {row['subject']}")
    st.code(row["body"], language=None)
attempts = fetch(notify_outbox.attempts_of, me, outbox_id=chosen, default=[]) or []
if attempts:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Lúc": format_datetime(a["at"]),
                    "Bộ gửi": a["worker"],
                    "Kết quả": {"sent": "Đã gửi", "error": "Lỗi", "skipped": "Bỏ qua"}.get(a["outcome"], a["outcome"]),
                    "Lỗi": a["error"],
                    "Thời gian (ms)": a["duration_ms"],
                }
                for a in attempts
            ]
        ),
        hide_index=True,
        width="stretch",
    )
if row["status"] in ("failed", "sent", "skipped") and st.button("Gửi lại", key="notify__resend"):
    act(notify_outbox.resend, me, outbox_id=chosen, done=f"Đã đưa thông báo #{chosen} vào hàng đợi gửi lại.")
