"""The safety net over the feedback classifier: rules that no model can outvote for emergencies (violence or weapons,
fire, explosion or gas, collapse, flooding with people at risk, electrocution, drowning, a person missing, injured or
dead). A match forces "urgent" and same-day handling.

Rules run on the ASCII-folded text (see feedback_classifier.fold), so they hold with and without diacritics. Folding
merges words (cháy/chạy → "chay", sập/sắp → "sap", súng/bổ sung → "sung", đâm/đậm → "dam", bảo hành/bạo hành →
"bao hanh"), so every rule is a phrase whose folded form is unambiguous in feedback, not a single short word.
Measured by bench/feedback_classifier.py on services/data/feedback_emergencies.jsonl (emergencies and near misses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from services.catalog.procedures import calendar_for_unit
from services.core.text import ascii_fold
from services.core.working_time import Deadline, due_at

KINDS = {
    "violence": "Bạo lực, vũ khí",
    "fire": "Cháy",
    "explosion": "Cháy nổ, rò rỉ khí gas, hóa chất",
    "collapse": "Sập đổ, sạt lở",
    "flood": "Lũ, ngập có người gặp nguy hiểm",
    "electric": "Điện giật, dây điện đứt",
    "drowning": "Đuối nước",
    "person": "Người mất tích, bị thương, tử vong",
    "generic": "Khẩn cấp, đe dọa tính mạng",
}

# Folded phrases, matched as whole words.
RULES: dict[str, tuple[str, ...]] = {
    "violence": (
        "danh nhau",
        "hon chien",
        "au da",
        "xo xat",
        "hanh hung",
        "danh dap",
        "danh hoi dong",
        "danh nguoi",
        "bi danh dap",
        "danh trong thuong",
        "dam chem",
        "dam nhau",
        "dam nguoi",
        "bi dam",
        "chem nhau",
        "chem nguoi",
        "bi chem",
        "cam dao",
        "rut dao",
        "vung dao",
        "mang dao",
        "dung dao",
        "dao kiem",
        "dao phay",
        "ma tau",
        "cam kiem",
        "vung kiem",
        "hung khi",
        "vu khi",
        "gay goc",
        "cam gay",
        "tuyp sat",
        "no sung",
        "ban sung",
        "tieng sung",
        "cam sung",
        "mang sung",
        "rut sung",
        "sung ngan",
        "sung hoi",
        "sung tu che",
        "cuop",
        "an cuop",
        "cuop giat",
        "giet",
        "giet nguoi",
        "bat coc",
        "bat trom tre",
        "bat giu trai phep",
        "tan cong",
        "doa giet",
        "bao luc",
        "bao hanh tre",
        "bi bao hanh",
        "bao hanh vo",
        "bao luc gia dinh",
        "tu sat",
        "dinh tu tu",
        "doa tu tu",
        "nhay cau",
        "treo co",
        "dinh nhay",
        "dot nha",
        "phong hoa",
        "tat axit",
        "tat a xit",
    ),
    "fire": (
        "chay nha",
        "nha chay",
        "nha bi chay",
        "dam chay",
        "vu chay",
        "boc chay",
        "chay lon",
        "chay du doi",
        "chay ngun ngut",
        "chay lan sang",
        "chay lan ra",
        "lua chay",
        "ngon lua",
        "lua boc",
        "lua dang",
        "lua lan",
        "bien lua",
        "hoa hoan",
        "chay rung",
        "chay kho",
        "chay nha xuong",
        "nha dang chay",
        "xe dang boc chay",
        "chay chung cu",
        "chay cua hang",
        "chay quan",
        "chay tiem",
        "chay tru dien",
        "khoi lua",
        "khoi den mu mit",
        "khoi boc",
        "bi ket trong dam chay",
    ),
    "explosion": (
        "phat no",
        "vu no",
        "tieng no",
        "no tung",
        "no lon",
        "no binh",
        "binh gas no",
        "no gas",
        "no bom",
        "no min",
        "bom min",
        "qua bom",
        "bom chua no",
        "dan chua no",
        "vat lieu no",
        "chat no",
        "thuoc no",
        "ro ri gas",
        "ro gas",
        "xi gas",
        "mui gas",
        "ro ri khi",
        "khi doc",
        "ro ri hoa chat",
        "tran hoa chat",
        "hoa chat tran",
        "xe bon",
        "chay no",
    ),
    "collapse": (
        "sap nha",
        "nha sap",
        "nha bi sap",
        "sap do",
        "do sap",
        "bi sap",
        "sap tran",
        "tran nha sap",
        "sap cau",
        "cau sap",
        "sap tuong",
        "tuong sap",
        "sap mai",
        "sap gian giao",
        "gian giao do",
        "gian giao sap",
        "sup do",
        "sap ham",
        "ham sap",
        "de len nguoi",
        "de trung nguoi",
        "de chet",
        "vui lap",
        "sat lo",
        "dat da do xuong",
        "nguy co sap",
        "do sup",
        "ket trong dong do nat",
    ),
    "flood": (
        "lu quet",
        "nuoc lu",
        "lu lut",
        "lu dang len",
        "nuoc dang len nhanh",
        "nuoc len nhanh",
        "nuoc cuon",
        "bi cuon troi",
        "cuon troi",
        "nuoc xiet",
        "ngap den mai",
        "ngap toi mai",
        "ngap noc nha",
        "ngap qua dau",
        "ngap den co",
        "bi co lap",
        "co lap",
        "tren mai nha",
        "leo len mai",
        "troi mat",
        "vo de",
        "vo dap",
        "xa lu",
    ),
    "electric": (
        "dien giat",
        "giat dien",
        "bi giat",
        "dut day dien",
        "day dien dut",
        "day dien bi dut",
        "day dien roi",
        "day dien rot",
        "day dien sa",
        "day dien cham",
        "ro dien",
        "ro ri dien",
        "dien ro",
        "chap dien",
        "tia lua dien",
        "dien cao the",
        "tru dien do",
        "tru dien nga",
        "tru dien nghieng sap",
        "tram bien ap no",
    ),
    "drowning": (
        "duoi nuoc",
        "chet duoi",
        "chet chim",
        "chim xuong",
        "lat thuyen",
        "lat ghe",
        "up thuyen",
        "lat thung chai",
        "troi ra bien",
        "song cuon",
        "bi song danh",
        "vung xoay",
        "roi xuong song",
        "roi xuong ho",
        "roi xuong bien",
        "roi xuong gieng",
        "nga xuong song",
        "nga xuong ho",
        "te xuong song",
        "te xuong ho",
        "te xuong gieng",
    ),
    "person": (
        "mat tich",
        "di lac",
        "bi lac",
        "lac mat",
        "khong ve nha",
        "mat lien lac",
        "bi thuong",
        "chan thuong",
        "chay mau",
        "mau chay",
        "bat tinh",
        "ngat xiu",
        "nguoi nga",
        "nguoi bi nan",
        "nan nhan",
        "tu vong",
        "nguoi chet",
        "chet nguoi",
        "thi the",
        "xac nguoi",
        "xac chet",
        "dot quy",
        "co giat",
        "kho tho",
        "ngung tho",
        "ngo doc",
        "nang nguy kich",
        "nguy kich",
        "nguoi gia nam",
        "nam bat dong",
        "tai nan lien hoan",
        "vua xay ra tai nan",
        "tai nan nghiem trong",
        "tong xe",
    ),
    "generic": (
        "khan cap",
        "cap cuu",
        "cuu voi",
        "cuu toi",
        "cuu ho",
        "cuu nan",
        "cuu nguoi",
        "mac ket",
        "ket ben trong",
        "ket trong nha",
        "bi ket trong",
        "nguy hiem den tinh mang",
        "nguy hiem tinh mang",
        "de doa tinh mang",
        "nguy hiem chet nguoi",
        "nguy co tu vong",
        "goi 113",
        "goi 114",
        "goi 115",
    ),
}

# Flood words that are an emergency only with a person at risk in the same message.
FLOOD_WORDS = ("ngap sau", "ngap nang", "ngap vao nha", "ngap trong nha", "ngap lut", "nuoc dang", "nuoc tran vao")
AT_RISK_WORDS = (
    "nguoi gia",
    "nam liet",
    "tre so sinh",
    "nguoi benh",
    "nguoi khuyet tat",
    "ba bau",
    "khong ra duoc",
    "khong di duoc",
    "khong thoat",
    "ket lai",
    "keu cuu",
    "can so tan",
    "di doi gap",
    "so tan",
)


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", ascii_fold(text or "").lower()).strip()


def _pattern(phrases) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")


_RULE_PATTERNS = {kind: _pattern(phrases) for kind, phrases in RULES.items()}
_FLOOD = _pattern(FLOOD_WORDS)
_AT_RISK = _pattern(AT_RISK_WORDS)


@dataclass(frozen=True)
class Emergency:
    kinds: tuple[str, ...]
    phrases: tuple[str, ...]

    @property
    def label(self) -> str:
        return ", ".join(KINDS[kind] for kind in self.kinds)


def detect(text: str) -> Emergency | None:
    """The emergency kinds the text mentions and the phrases that matched, or None."""
    folded = _fold(text).replace("dien thoai", "dienthoai")  # a phone (điện thoại) is never about electricity
    kinds, phrases = [], []
    for kind, pattern in _RULE_PATTERNS.items():
        found = pattern.findall(folded)
        if found:
            kinds.append(kind)
            phrases += found
    if "flood" not in kinds and _FLOOD.search(folded) and _AT_RISK.search(folded):
        kinds.append("flood")
        phrases += _FLOOD.findall(folded) + _AT_RISK.findall(folded)
    return Emergency(tuple(kinds), tuple(phrases)) if kinds else None


def is_emergency(text: str) -> bool:
    return detect(text) is not None


# Same-day handling: due at today's close on the unit's calendar, with no afternoon cutoff; received after close or
# on a day off, at the next working day's close. Still never later than the 1-working-day limit of Decision
# 960/QĐ-UBND for urgent items. Life-threatening cases also get the 113/114/115 hotlines on the citizen's page.
EMERGENCY_DEADLINE = Deadline("same_day", 0)


def emergency_due(conn: Connection, *, unit_id: int, start: datetime) -> datetime:
    return due_at(calendar_for_unit(conn, unit_id), EMERGENCY_DEADLINE, start)
