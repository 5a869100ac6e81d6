"""Intake: fill a person from the QR code of their CCCD card — scanner text or a photo — after the clerk confirms.

Nothing is saved here: the values go into the intake form's fields, which the clerk still checks and submits.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from services.core.cccd_qr import CardData, parse_card_qr
from services.core.clock import local_today
from services.core.errors import DomainError
from services.core.qr_image import decode_qr

FORM_FIELDS = ("full_name", "cccd", "birth_date", "address")
PHOTO_WAYS = ("Tải ảnh lên", "Chụp bằng webcam")


def cccd_scan(key: Callable[[str], str], targets: dict[str, str]) -> None:
    """`key` names the intake form's fields (key("a_full_name")); `targets` maps a field prefix to its label."""
    with st.container(border=True, key="intake__qr_box"):
        st.markdown("**Quét mã QR trên thẻ CCCD**")
        prefix = next(iter(targets))
        if len(targets) > 1:
            prefix = st.radio("Điền vào", list(targets), format_func=targets.get, horizontal=True, key=key("qr_target"))
        text = st.text_input(
            "Nội dung mã QR (đặt con trỏ vào ô này rồi quét bằng máy quét)",
            key=key("qr_text"),
            max_chars=1000,
        )
        photo = None
        if st.toggle("Chụp hoặc tải ảnh mã QR", key=key("qr_photo_on")):
            # The webcam only on request: the browser then asks for camera permission.
            how = st.radio("Ảnh", PHOTO_WAYS, horizontal=True, key=key("qr_photo_way"), label_visibility="collapsed")
            if how == PHOTO_WAYS[0]:
                photo = st.file_uploader("Ảnh mã QR (JPEG, PNG)", type=["jpg", "jpeg", "png"], key=key("qr_upload"))
            else:
                photo = st.camera_input("Chụp mã QR trên thẻ", key=key("qr_camera"))
        card = _read(text, photo)
        if card is not None:
            _confirm(key, prefix, targets[prefix], card)
        note = st.session_state.pop("intake__qr_note", "")
        if note:
            st.success(note, icon=":material/check:")


def _read(text: str, photo) -> CardData | None:
    try:
        if photo is not None:
            text = decode_qr(photo.getvalue())
        if not text.strip():
            return None
        return parse_card_qr(text, today=local_today())
    except DomainError as exc:
        st.error(exc.message, icon=":material/error:")
        return None


def _confirm(key: Callable[[str], str], prefix: str, label: str, card: CardData) -> None:
    st.caption("Đối chiếu với thẻ trước khi điền; thông tin chỉ được lưu khi bấm “Tiếp nhận” ở biểu mẫu.")
    shown = {
        "Số CCCD": card.cccd,
        "Số CMND cũ": card.old_cmnd or "(không có)",
        "Họ và tên": card.full_name,
        "Ngày sinh": f"{card.birth_date:%d/%m/%Y}",
        "Giới tính": card.sex,
        "Nơi thường trú": card.address,
        "Ngày cấp": f"{card.issued_on:%d/%m/%Y}",
    }
    st.dataframe(pd.DataFrame({"Trường": list(shown), "Giá trị": list(shown.values())}), hide_index=True)
    st.button(
        f"Điền vào mục {label}",
        key=key("qr_fill"),
        type="primary",
        icon=":material/input:",
        on_click=_fill,
        args=(key, prefix, label, card),
    )


def _fill(key: Callable[[str], str], prefix: str, label: str, card: CardData) -> None:
    """Runs before the next run draws the form, so the form's fields show the card's values."""
    values = {
        "full_name": card.full_name,
        "cccd": card.cccd,
        "birth_date": f"{card.birth_date:%d/%m/%Y}",
        "address": card.address,
    }
    for field in FORM_FIELDS:
        st.session_state[key(f"{prefix}_{field}")] = values[field]
    st.session_state[key("qr_text")] = ""
    st.session_state["intake__qr_note"] = f"Đã điền mục {label} từ thẻ CCCD của {card.full_name}; kiểm tra rồi lưu."
