"""The service index of Decision 766/QĐ-TTg (23/06/2022) — "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng
phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường
điện tử" — in one place: every group and sub-indicator with its formula, points and source, and the computation of
each one this app holds the data for, by unit and for the whole city, over any period.

Sources, cited on every sub-indicator below:
- [QĐ766] the decision itself (thuviennhadat.vn/vbpl/quyet-dinh-766-qd-ttg-2022-...-518821.html): five groups,
  100 points — 18 / 20 / 22 / 22 / 18.
- [TÓM TẮT] public summaries of its appendix (vietjack.me/phap-luat/quyet-dinh-766-qd-ttg-2271.html,
  baocaotaichinh.vn …-126270): the satisfaction group's three rates and their formulas; "satisfaction in receiving
  and handling procedures" is worth at most 6 of the 18 points; procedures updated and published on time 4 of the
  18 transparency points; dossiers handled on time up to 20 points.
- [MÔ TẢ KT] the national portal's technical description of each formula ("Mô tả công thức tính chỉ số 766", as
  reproduced by provincial dashboards on GitHub): numerators, denominators and the thresholds at which full points
  are reached (online dossiers 50 %, digitization 80 %, satisfaction 90 %).
Points not confirmed by [QĐ766] or [TÓM TẮT] are marked `points_confirmed=False` and shown as sample values.

A sub-indicator whose data only national systems hold is shown as "không tính được tại đây" with the reason — never
as 0 and never as full points. The score is the sum of the sub-indicators' points that could be computed; the page
also shows how many of the 100 points that covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from services.core.roles import ADMIN, CITY_LEADER, Actor
from services.ioc import kpi

NOT_COMPUTABLE = "không tính được tại đây"
CHANGED_ON = date(2026, 12, 2)
CHANGE_NOTE = (
    "Từ ngày 02/12/2026 điểm theo Quyết định 766/QĐ-TTg được tính theo từng chỉ số thành phần của phụ lục (thay cho "
    "“Điểm ước tính” cũ gồm bốn tỷ lệ). Đồng thời: (1) mức độ hài lòng chỉ lấy từ đánh giá do chính công dân gửi "
    "trên trang tra cứu (mã QR giấy hẹn) — đánh giá do cán bộ nhập trước đây không còn được tính; (2) kết quả chỉ "
    "được tính là kết quả điện tử khi tệp PDF có chữ ký số hợp lệ — các kết quả tải lên trước ngày này chưa được "
    "kiểm tra chữ ký nên không được tính; (3) quầy một cửa không còn chọn được kênh “trực tuyến”, nên tỷ lệ hồ sơ "
    "trực tuyến là 0 % cho đến khi có chức năng nộp hồ sơ trực tuyến. Số liệu của các kỳ trước ngày này vì vậy "
    "thấp hơn số đã báo cáo trước đây."
)

QD766 = "QĐ 766/QĐ-TTg, Phụ lục"
SUMMARY = "QĐ 766/QĐ-TTg, Phụ lục (theo tóm tắt công khai)"
TECHNICAL = "Mô tả công thức tính chỉ số 766 của Cổng DVCQG (hướng dẫn kỹ thuật)"


@dataclass(frozen=True)
class Group:
    key: str
    number: int
    name: str
    points: int


@dataclass(frozen=True)
class SubIndicator:
    code: str
    group: str
    name: str
    definition: str
    points: float
    points_confirmed: bool
    source: str
    full_at: float = 1.0  # the rate at which full points are reached; below it, points = rate / full_at × points
    numerator: str | None = None  # the count names of the figures; None: not computable here
    denominator: str | None = None
    why_not: str = ""
    graded: bool = True  # False: followed by the decision but worth no points


GROUPS = (
    Group("transparency", 1, "Công khai, minh bạch", 18),
    Group("progress", 2, "Tiến độ, kết quả giải quyết", 20),
    Group("online", 3, "Cung cấp dịch vụ trực tuyến", 22),
    Group("digitization", 4, "Số hóa hồ sơ", 22),
    Group("satisfaction", 5, "Mức độ hài lòng", 18),
)

NATIONAL_CATALOGUE = (
    "Cần dữ liệu Cơ sở dữ liệu quốc gia về thủ tục hành chính (quyết định công bố, ngày công khai, nội dung thủ "
    "tục) do Văn phòng Chính phủ và UBND thành phố quản lý; ứng dụng này không lưu."
)
NATIONAL_PORTAL = "Cần dữ liệu đồng bộ hồ sơ trên Cổng Dịch vụ công quốc gia; ứng dụng này chưa kết nối với Cổng."
NO_PAYMENTS = "Ứng dụng chưa ghi nhận giao dịch thanh toán phí, lệ phí (trực tuyến hay tại quầy)."

# fmt: off
INDICATORS = (
    SubIndicator(
        "1.1", "transparency", "Tỷ lệ TTHC công bố đúng hạn",
        "Số TTHC công bố đúng hạn / tổng số TTHC đã công bố trong kỳ.",
        6, False, QD766 + "; " + TECHNICAL, why_not=NATIONAL_CATALOGUE,
    ),
    SubIndicator(
        "1.2", "transparency", "Tỷ lệ TTHC được cập nhật, công khai đúng hạn",
        "Số TTHC công khai đúng hạn trên CSDL quốc gia về TTHC / tổng số TTHC phải cập nhật, công khai trong kỳ.",
        4, True, SUMMARY, why_not=NATIONAL_CATALOGUE,
    ),
    SubIndicator(
        "1.3", "transparency", "Tỷ lệ TTHC công khai đầy đủ nội dung",
        "Số TTHC có đủ các bộ phận tạo thành (khoản 2 Điều 8 Nghị định 63/2010/NĐ-CP) / tổng số TTHC đã công khai.",
        2, False, QD766 + "; " + TECHNICAL, why_not=NATIONAL_CATALOGUE,
    ),
    SubIndicator(
        "1.4", "transparency", "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
        "Số hồ sơ đã đồng bộ có ngày tiếp nhận trong kỳ / tổng số hồ sơ tiếp nhận trong kỳ.",
        6, False, QD766 + "; " + TECHNICAL, why_not=NATIONAL_PORTAL,
    ),
    SubIndicator(
        "2.1", "progress", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
        "Hồ sơ đã và đang xử lý đúng hạn trong kỳ / tổng số hồ sơ tiếp nhận, xử lý trong kỳ (có kết quả trong kỳ "
        "hoặc đang giải quyết cuối kỳ). Trễ hạn: có kết quả sau hẹn trả, đang giải quyết đã quá hạn, yêu cầu bổ "
        "sung từ lần thứ hai, hoặc đã có phiếu xin lỗi hẹn lại. Điểm = tỷ lệ × 20.",
        20, True, SUMMARY + "; " + TECHNICAL, numerator="on_time", denominator="processed",
    ),
    SubIndicator(
        "2.2", "progress", "Thời gian giải quyết trung bình",
        "Tổng thời gian giải quyết (trừ thời gian chờ công dân bổ sung) / số hồ sơ có kết quả trong kỳ, tính bằng "
        "giờ. Chỉ số theo dõi, không tính điểm.",
        0, False, TECHNICAL, numerator="processing_hours", denominator="finished", graded=False,
    ),
    SubIndicator(
        "3.1", "online", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
        "Số TTHC có dịch vụ công trực tuyến một phần hoặc toàn trình / tổng số TTHC thuộc thẩm quyền. Chỉ số theo "
        "dõi trong nhóm (điểm của nhóm tính theo hồ sơ trực tuyến và thanh toán trực tuyến).",
        0, False, TECHNICAL, why_not=NATIONAL_CATALOGUE, graded=False,
    ),
    SubIndicator(
        "3.3", "online", "Tỷ lệ hồ sơ nộp trực tuyến",
        "Hồ sơ tiếp nhận trực tuyến (kênh 2) trong kỳ / tổng số hồ sơ tiếp nhận trong kỳ; đạt điểm tối đa khi "
        "≥ 50 %, dưới đó điểm = tỷ lệ × điểm tối đa / 50 %. Kênh 2 chỉ do chức năng nộp trực tuyến ghi nhận; khi "
        "chưa có chức năng này tỷ lệ là 0 %.",
        12, False, TECHNICAL, full_at=0.5, numerator="online", denominator="received",
    ),
    SubIndicator(
        "3.5", "online", "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
        "Số TTHC có phí, lệ phí được tích hợp thanh toán trực tuyến trên Cổng DVCQG / số TTHC có phí, lệ phí; đạt "
        "điểm tối đa khi ≥ 80 %.",
        2, False, TECHNICAL, full_at=0.8, why_not=NATIONAL_PORTAL,
    ),
    SubIndicator(
        "3.5b", "online", "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến",
        "Số TTHC có phát sinh giao dịch thanh toán trực tuyến / số TTHC có phí, lệ phí.",
        2, False, TECHNICAL, why_not=NO_PAYMENTS,
    ),
    SubIndicator(
        "3.6", "online", "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "Số hồ sơ được thanh toán trực tuyến trong kỳ / số hồ sơ của các TTHC có phí, lệ phí.",
        6, False, TECHNICAL, why_not=NO_PAYMENTS,
    ),
    SubIndicator(
        "4.1", "digitization", "Tỷ lệ hồ sơ có cấp kết quả giải quyết điện tử",
        "Hồ sơ có kết quả trong kỳ mà kết quả là tệp PDF có chữ ký số hợp lệ của cơ quan (kiểm tra khi tải lên, "
        "chứng thư do tổ chức được đơn vị tin cậy cấp) / số hồ sơ có kết quả trong kỳ. Bản quét không ký số không "
        "tính. Điểm = tỷ lệ × điểm tối đa.",
        6, False, QD766 + "; " + TECHNICAL, numerator="electronic_result", denominator="finished",
    ),
    SubIndicator(
        "4.2", "digitization", "Tỷ lệ hồ sơ thực hiện số hóa hồ sơ",
        "Hồ sơ có kết quả trong kỳ vừa được quét thành phần hồ sơ đầu vào vừa có kết quả điện tử ký số / số hồ sơ "
        "có kết quả trong kỳ; đạt điểm tối đa khi ≥ 80 %, dưới đó điểm = tỷ lệ × điểm tối đa / 80 %.",
        4, False, QD766 + "; " + TECHNICAL, full_at=0.8, numerator="digitized", denominator="finished",
    ),
    SubIndicator(
        "4.2b", "digitization", "Cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
        "Đơn vị có cung cấp chứng thực bản sao điện tử từ bản chính.",
        2, False, TECHNICAL, why_not="Ứng dụng chưa cấp bản sao điện tử có chứng thực (chỉ lưu bản quét).",
    ),
    SubIndicator(
        "4.3", "digitization", "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
        "Số hồ sơ có thành phần sử dụng lại giấy tờ điện tử đã số hóa / tổng số hồ sơ tiếp nhận trong kỳ.",
        2, False, TECHNICAL, full_at=0.8,
        why_not="Ứng dụng không đánh dấu thành phần hồ sơ lấy lại từ kho dữ liệu số hóa đã có.",
    ),
    SubIndicator(
        "4.4", "digitization", "Tỷ lệ hồ sơ số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng",
        "Số hồ sơ số hóa được đồng bộ vào kho dữ liệu cá nhân, tổ chức trên Cổng DVCQG / tổng số hồ sơ tiếp nhận.",
        4, False, TECHNICAL, why_not=NATIONAL_PORTAL,
    ),
    SubIndicator(
        "4.5a", "digitization", "Tỷ lệ TTHC có kết nối, chia sẻ dữ liệu dân cư",
        "Số TTHC có kết nối, khai thác Cơ sở dữ liệu quốc gia về dân cư / số TTHC có đối tượng là công dân.",
        2, False, TECHNICAL, why_not="Ứng dụng chưa kết nối Cơ sở dữ liệu quốc gia về dân cư.",
    ),
    SubIndicator(
        "4.5b", "digitization", "Tỷ lệ hồ sơ sử dụng thông tin từ Cơ sở dữ liệu quốc gia về dân cư",
        "Số hồ sơ có thông tin lấy từ CSDL dân cư hoặc tài khoản xác thực VNeID / tổng số hồ sơ.",
        2, False, TECHNICAL,
        why_not="Ứng dụng chỉ ghi việc hỗ trợ tạo, kích hoạt VNeID, không ghi hồ sơ có lấy dữ liệu từ CSDL dân cư.",
    ),
    SubIndicator(
        "5.2", "satisfaction", "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn",
        "Số phản ánh, kiến nghị xử lý đúng hoặc trước hạn (đã trả lời đúng hạn, hoặc đang xử lý chưa quá hạn cuối "
        "kỳ) / tổng số phản ánh, kiến nghị thuộc thẩm quyền tiếp nhận trong kỳ. Điểm = tỷ lệ × điểm tối đa.",
        6, False, SUMMARY, numerator="feedback_on_time", denominator="feedback_total",
    ),
    SubIndicator(
        "5.3", "satisfaction", "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
        "(Tổng số phản ánh, kiến nghị − số bị người gửi đánh giá “không hài lòng” hoặc xử lý quá hạn) / tổng số "
        "phản ánh, kiến nghị thuộc thẩm quyền tiếp nhận trong kỳ. Điểm = tỷ lệ × điểm tối đa.",
        6, False, SUMMARY, numerator="feedback_good", denominator="feedback_total",
    ),
    SubIndicator(
        "5.4", "satisfaction", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
        "100 % − (tỷ lệ hồ sơ giải quyết quá hạn + tỷ lệ hồ sơ có kết quả trong kỳ bị chính công dân đánh giá "
        "“không hài lòng”); đạt điểm tối đa (6) khi ≥ 90 %, dưới đó điểm = tỷ lệ × 6 / 90 %. Chưa tính phản ánh "
        "về hồ sơ cụ thể (phản ánh chưa gắn với mã hồ sơ).",
        6, True, SUMMARY + "; " + TECHNICAL, full_at=0.9, numerator="satisfaction_rate", denominator="processed",
    ),
)
# fmt: on
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


# --- pure: figures in, points out -----------------------------------------------------------------------------


def inputs(counts: dict, feedback_counts: dict) -> dict:
    """The numerators and denominators every computable sub-indicator reads, from kpi's grouped counts."""
    figures = kpi.derive(counts)
    bad = feedback_counts.get("feedback_bad", 0)
    total = feedback_counts.get("feedback_total", 0)
    return {
        "processed": figures["processed"],
        "on_time": figures["processed"] - figures["late"],
        "finished": figures["finished"],
        "processing_hours": figures["processing_seconds"] / 3600,
        "received": figures["received"],
        "online": figures["online"],
        "electronic_result": figures["electronic_result"],
        "digitized": figures["digitized"],
        "feedback_total": total,
        "feedback_on_time": feedback_counts.get("feedback_on_time", 0),
        "feedback_good": total - bad,
        "satisfaction_rate": figures["satisfaction"],
    }


def evaluate(indicator: SubIndicator, values: dict) -> dict:
    """One sub-indicator's rate and points; `points` None with a reason when it cannot be computed."""
    row = {**indicator.__dict__, "computable": indicator.numerator is not None, "rate": None, "points_earned": None}
    if indicator.numerator is None:
        return {**row, "status": NOT_COMPUTABLE, "reason": indicator.why_not}
    denominator = values[indicator.denominator]
    if not denominator:
        return {**row, "status": "không có số liệu trong kỳ", "reason": "Không có hồ sơ, phản ánh nào để tính."}
    value = values[indicator.numerator]
    rate = value if indicator.numerator.endswith("_rate") else value / denominator
    row |= {"rate": rate, "numerator_value": values.get(indicator.numerator), "denominator_value": denominator}
    if not indicator.graded:
        return {**row, "status": "theo dõi, không tính điểm", "reason": ""}
    return {**row, "points_earned": points(rate, indicator), "status": "", "reason": ""}


def points(rate: float, indicator: SubIndicator) -> float:
    return round(min(rate / indicator.full_at, 1.0) * indicator.points, 2)


def score_of(rows: list[dict]) -> dict:
    """The score is the sum of the points earned; `reachable` the points of the sub-indicators that were scored."""
    scored = [row for row in rows if row["points_earned"] is not None]
    if not scored:
        return {"score": None, "reachable": 0, "costliest": None}
    costliest = max(scored, key=lambda row: (row["points"] - row["points_earned"], row["points"]))
    return {
        "score": round(sum(row["points_earned"] for row in scored), 2),
        "reachable": sum(row["points"] for row in scored),
        "costliest": costliest if costliest["points"] > costliest["points_earned"] else None,
    }


def assess(counts: dict, feedback_counts: dict) -> dict:
    values = inputs(counts, feedback_counts)
    rows = [evaluate(indicator, values) for indicator in INDICATORS]
    groups = [
        {
            **group.__dict__,
            "indicators": [row for row in rows if row["group"] == group.key],
            "earned": _sum_or_none(row["points_earned"] for row in rows if row["group"] == group.key),
        }
        for group in GROUPS
    ]
    return {"groups": groups, "indicators": rows, **score_of(rows)}


def _sum_or_none(values) -> float | None:
    present = [value for value in values if value is not None]
    return round(sum(present), 2) if present else None


# --- the services -----------------------------------------------------------------------------------------------


def report(
    conn: Connection, actor: Actor, *, unit_id: int | None, start: date, end: date, at: datetime | None = None
) -> dict:
    """The index of one unit (or the whole city, unit_id None) over a period of local dates."""
    kpi.require_scope(actor, unit_id)
    w = kpi.window(start, end, at)
    result = assess(kpi.dossier_counts(conn, unit_id, w), kpi.feedback_counts(conn, unit_id, w))
    return {**result, "asof": w.asof, "note": CHANGE_NOTE}


def ranking(conn: Connection, actor: Actor, *, start: date, end: date, at: datetime | None = None) -> list[dict]:
    """The 94 units ranked by the same score as `report`; units with nothing to score come last, unranked."""
    actor.require(CITY_LEADER, ADMIN)
    w = kpi.window(start, end, at)
    dossier_counts = kpi.unit_counts(conn, w)
    feedback_counts = kpi.feedback_unit_counts(conn, w)
    rows = []
    for unit in kpi.active_units(conn):
        result = assess(dossier_counts.get(unit["unit_id"], {}), feedback_counts.get(unit["unit_id"], {}))
        earned = {row["code"]: row["points_earned"] for row in result["indicators"]}
        costliest = result["costliest"]
        rows.append(
            {
                **unit,
                "score": result["score"],
                "reachable": result["reachable"],
                "earned": earned,
                "costliest": f"{costliest['code']} {costliest['name']}" if costliest else "",
                "processed": inputs(dossier_counts.get(unit["unit_id"], {}), {})["processed"],
            }
        )
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["processed"], r["unit"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["score"] is not None else None
    return rows
