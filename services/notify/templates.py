"""Vietnamese message templates, one per event, shaped per channel: every message names the code, says what
happened, what to do next, gives the status link and (for citizens) the opt-out link. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    title: str  # the e-mail subject / the first words of an SMS
    happened: str
    todo: str


TEMPLATES: dict[str, Template] = {
    "online_submitted": Template(
        "Đã nhận hồ sơ nộp trực tuyến {code}",
        "Hồ sơ “{procedure}” bạn nộp trực tuyến đến {unit} đã được ghi nhận lúc {at}.",
        "Cán bộ một cửa sẽ kiểm tra hồ sơ; bạn sẽ nhận thông báo khi hồ sơ được tiếp nhận hoặc cần bổ sung.",
    ),
    "online_supplement": Template(
        "Hồ sơ trực tuyến {code} cần bổ sung",
        "Cán bộ một cửa của {unit} đề nghị bổ sung: {note}",
        "Mở trang theo dõi và tải lên giấy tờ bổ sung. Hồ sơ chỉ được tính thời hạn giải quyết sau khi được tiếp nhận.",
    ),
    "online_accepted": Template(
        "Hồ sơ {code} đã được tiếp nhận",
        "Hồ sơ trực tuyến {tracking} (“{procedure}”) đã được {unit} tiếp nhận, mã hồ sơ {code}, "
        "tính thời hạn từ {received}. Ngày hẹn trả kết quả: {due}.",
        "Theo dõi tiến độ tại trang trạng thái; bạn sẽ được báo khi có kết quả.",
    ),
    "online_refused": Template(
        "Hồ sơ trực tuyến {code} không được tiếp nhận",
        "{unit} không tiếp nhận hồ sơ “{procedure}”. Lý do: {note}",
        "Bạn có thể nộp lại hồ sơ đầy đủ trực tuyến hoặc đến bộ phận một cửa để được hướng dẫn.",
    ),
    "received": Template(
        "Hồ sơ {code} đã được tiếp nhận",
        "Hồ sơ “{procedure}” đã được tiếp nhận lúc {received}. Ngày hẹn trả kết quả: {due}.",
        "Theo dõi tiến độ tại trang trạng thái; bạn sẽ được báo khi có kết quả.",
    ),
    "supplement_requested": Template(
        "Hồ sơ {code} cần bổ sung",
        "Cơ quan giải quyết đề nghị bổ sung hồ sơ: {note}",
        "Nộp giấy tờ bổ sung tại bộ phận một cửa {unit}; thời hạn giải quyết tạm dừng đến khi bạn bổ sung.",
    ),
    "result_ready": Template(
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ “{procedure}” đã có kết quả giải quyết.",
        "Mang giấy hẹn và CCCD đến bộ phận một cửa {unit} để nhận kết quả (hoặc tải kết quả điện tử nếu có).",
    ),
    "apology": Template(
        "Hồ sơ {code}: xin lỗi và hẹn lại ngày trả kết quả",
        "Cơ quan giải quyết xin lỗi vì hồ sơ chưa thể trả đúng hẹn ({note}). Ngày hẹn mới: {due}.",
        "Bạn không cần làm gì thêm; chúng tôi sẽ báo ngay khi có kết quả.",
    ),
    "postal_sent": Template(
        "Hồ sơ giấy {code} đã gửi qua bưu chính",
        "Hồ sơ giấy của bạn đã được gửi qua bưu chính công ích đến đơn vị xử lý.",
        "Bạn không cần làm gì thêm; theo dõi tiến độ tại trang trạng thái.",
    ),
    "postal_arrived": Template(
        "Hồ sơ giấy {code} đã đến đơn vị xử lý",
        "Hồ sơ giấy của bạn đã đến đơn vị xử lý qua bưu chính công ích.",
        "Bạn không cần làm gì thêm; theo dõi tiến độ tại trang trạng thái.",
    ),
    "result_mailed": Template(
        "Kết quả hồ sơ {code} đã gửi qua bưu chính",
        "Kết quả giải quyết đã được gửi qua bưu chính công ích đến địa chỉ bạn đăng ký.",
        "Giữ điện thoại để bưu tá liên hệ khi giao.",
    ),
    "returned": Template(
        "Đã trả kết quả hồ sơ {code}",
        "Kết quả hồ sơ “{procedure}” đã được trả lúc {at}.",
        "Bạn có thể đánh giá mức độ hài lòng tại trang trạng thái.",
    ),
    "rejected": Template(
        "Hồ sơ {code} không được giải quyết",
        "Cơ quan giải quyết từ chối hồ sơ “{procedure}”. Lý do: {note}",
        "Liên hệ bộ phận một cửa {unit} để nhận lại hồ sơ và được hướng dẫn.",
    ),
    "feedback_answered": Template(
        "Phản ánh {code} đã có trả lời",
        "Cơ quan chức năng đã trả lời phản ánh “{title}” của bạn.",
        "Xem nội dung trả lời và đánh giá mức độ hài lòng tại trang theo dõi.",
    ),
    "queue_soon": Template(
        "Sắp đến lượt số {code}",
        "Còn khoảng 2 số nữa là đến lượt số {code} của bạn tại {unit}.",
        "Vui lòng có mặt gần khu vực quầy và theo dõi màn hình.",
    ),
    "queue_called": Template(
        "Mời số {code} đến quầy {counter}",
        "Số {code} của bạn vừa được mời đến quầy {counter} tại {unit}.",
        "Vui lòng đến quầy ngay; nếu vắng mặt, số có thể bị chuyển xuống sau.",
    ),
    "near_due": Template(
        "Hồ sơ {code} sắp đến hạn",
        "Hồ sơ “{procedure}” (người nộp {applicant}) hẹn trả {due} và đang ở trạng thái “{status}”.",
        "Hoàn thành xử lý trước hạn, hoặc lập phiếu xin lỗi và hẹn lại trước hạn ít nhất 01 ngày làm việc.",
    ),
}
EVENT_LABELS = {
    "online_submitted": "Nhận hồ sơ trực tuyến",
    "online_supplement": "Hồ sơ trực tuyến cần bổ sung",
    "online_accepted": "Tiếp nhận hồ sơ trực tuyến",
    "online_refused": "Từ chối hồ sơ trực tuyến",
    "received": "Tiếp nhận hồ sơ",
    "supplement_requested": "Yêu cầu bổ sung",
    "result_ready": "Có kết quả",
    "apology": "Xin lỗi, hẹn lại",
    "postal_sent": "Hồ sơ giấy gửi bưu chính",
    "postal_arrived": "Hồ sơ giấy đã đến",
    "result_mailed": "Kết quả gửi bưu chính",
    "returned": "Đã trả kết quả",
    "rejected": "Từ chối giải quyết",
    "feedback_answered": "Trả lời phản ánh",
    "queue_soon": "Sắp đến lượt",
    "queue_called": "Mời đến quầy",
    "near_due": "Hồ sơ sắp đến hạn (cán bộ)",
}
SMS_LIMIT = 320


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(event: str, channel: str, payload: dict, *, link: str, optout_link: str = "") -> tuple[str, str]:
    """(subject, body) for one channel; unknown placeholders render empty rather than fail a delivery."""
    template = TEMPLATES[event]
    values = _Blank({key: str(value) for key, value in payload.items()})
    title = template.title.format_map(values)
    happened = template.happened.format_map(values)
    todo = template.todo.format_map(values)
    if channel == "email":
        return title, _email_body(title, happened, todo, link, optout_link)
    if channel == "sms":
        return title, _sms_body(title, happened, link, optout_link)
    return title, "\n".join(part for part in (title, happened, todo, f"Xem: {link}" if link else "") if part)


def _email_body(title: str, happened: str, todo: str, link: str, optout_link: str) -> str:
    lines = ["Kính gửi Quý ông/bà,", "", happened, "", f"Việc cần làm: {todo}"]
    if link:
        lines += ["", f"Xem trạng thái: {link}"]
    lines += ["", "Trung tâm Phục vụ hành chính công phường/xã — Thành phố Đà Nẵng"]
    lines += ["(Thư gửi tự động, vui lòng không trả lời.)"]
    if optout_link:
        lines += ["", f"Không muốn nhận thông báo nữa: {optout_link}"]
    return "\n".join(lines)


def _sms_body(title: str, happened: str, link: str, optout_link: str) -> str:
    tail = " ".join(part for part in (link, f"Tu choi: {optout_link}" if optout_link else "") if part)
    room = SMS_LIMIT - len(tail) - 1
    text = f"{title}. {happened}"
    return f"{text[: max(room, 40)]} {tail}".strip()
