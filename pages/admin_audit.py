"""The audit log: who did what, when (leaders see their unit; city roles everything)."""

import pandas as pd
import streamlit as st

from components.ui import actor, fetch
from services.core import audit
from services.core.clock import format_datetime

st.title("Nhật ký hệ thống")
rows = fetch(audit.recent, actor(), limit=500, default=[])
st.dataframe(
    pd.DataFrame(
        [
            {
                "Thời điểm": format_datetime(r["at"]),
                "Tài khoản": r["username"],
                "Thao tác": r["action"],
                "Đối tượng": r["entity"],
                "Mã": r["entity_id"],
                "Chi tiết": r["detail"],
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)
