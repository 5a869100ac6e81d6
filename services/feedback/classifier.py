"""Offline classification of citizen feedback: category, urgent flag and a confidence, for Vietnamese typed with or
without diacritics.

Keyword rules (on ASCII-folded text) are blended with a scikit-learn model on character n-grams of the folded text.
The model is trained from the labelled examples in the repository plus the examples staff confirmed in triage; it is
cached per process and retrained when the confirmed examples change, so every app instance converges on the same
model from the database.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline
from sqlalchemy import Connection, func, select

from db.schema import feedback_examples
from services.core.text import ascii_fold

EXAMPLES_FILE = Path(__file__).parent / "data" / "feedback_examples.jsonl"

CATEGORIES = {
    "moi_truong": "Môi trường, vệ sinh",
    "trat_tu_do_thi": "Trật tự đô thị, vỉa hè, quảng cáo",
    "giao_thong_ha_tang": "Giao thông, hạ tầng, chiếu sáng, thoát nước",
    "an_ninh_trat_tu": "An ninh, trật tự, tiếng ồn",
    "dat_dai_xay_dung": "Đất đai, xây dựng",
    "thu_tuc_hanh_chinh": "Thủ tục hành chính, thái độ cán bộ",
    "y_te_giao_duc": "Y tế, giáo dục",
    "khac": "Khác",
}

# Below this confidence a person confirms the category before the item is routed.
TRIAGE_THRESHOLD = 0.5
KEYWORD_WEIGHT = 0.45

# Folded phrases, matched as whole words. Folding merges some words (sập/sắp → "sap"), so phrases stay specific.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "moi_truong": (
        "rac",
        "rac thai",
        "thu gom",
        "bai rac",
        "thung rac",
        "mui hoi",
        "hoi thoi",
        "boc mui",
        "o nhiem",
        "nuoc thai",
        "xa thai",
        "chat thai",
        "dot rac",
        "khoi den",
        "bui min",
        "do trom",
        "xa ban",
        "ve sinh moi truong",
        "moi truong",
        "ca chet",
        "ruoi muoi",
        "dau mo thai",
        "hoa chat",
    ),
    "trat_tu_do_thi": (
        "lan chiem via he",
        "via he",
        "hang rong",
        "ban hang rong",
        "quang cao",
        "rao vat",
        "bang ron",
        "bien hieu",
        "bang hieu",
        "cho tam",
        "mai che",
        "bay ban",
        "bay hang",
        "lan chiem long duong",
        "my quan do thi",
        "trat tu do thi",
        "dung rap",
        "ke ban ghe",
        "cheo keo",
    ),
    "giao_thong_ha_tang": (
        "den duong",
        "den chieu sang",
        "chieu sang",
        "o ga",
        "mat duong",
        "sut lun",
        "ho ga",
        "nap ho ga",
        "cong thoat nuoc",
        "thoat nuoc",
        "ngap",
        "ngap sau",
        "ngap ung",
        "den tin hieu",
        "den giao thong",
        "go giam toc",
        "bien bao",
        "nao vet",
        "tru den",
        "tru dien",
        "cay xanh",
        "bat goc",
        "duong be tong",
        "ha tang",
        "giao thong",
        "lan can",
        "rao chan",
        "tham lai",
    ),
    "an_ninh_trat_tu": (
        "karaoke",
        "tieng on",
        "on ao",
        "nhac lon",
        "mo nhac",
        "loa keo keo",
        "dua xe",
        "net po",
        "trom",
        "trom cap",
        "cuop",
        "cuop giat",
        "ma tuy",
        "danh nhau",
        "gay roi",
        "danh bac",
        "vay nang lai",
        "bao hanh",
        "nua dem",
        "den khuya",
        "xuyen dem",
        "say ruou",
        "an ninh",
        "chay nha",
        "dam chay",
        "chua chay",
        "tuan tra",
    ),
    "dat_dai_xay_dung": (
        "xay dung",
        "xay nha",
        "khong phep",
        "giay phep xay dung",
        "cap phep",
        "lan chiem dat",
        "dat cong",
        "tranh chap",
        "ranh gioi",
        "quy hoach",
        "phan lo",
        "ban nen",
        "san lap",
        "giai phong mat bang",
        "boi thuong",
        "den bu",
        "dao mong",
        "so do",
        "su dung dat",
        "dat nong nghiep",
        "cong trinh",
        "sat lo",
        "cuong che",
    ),
    "thu_tuc_hanh_chinh": (
        "ho so",
        "thu tuc",
        "can bo",
        "cong chuc",
        "mot cua",
        "hach dich",
        "thai do",
        "tre hen",
        "qua hen",
        "giay to",
        "chung thuc",
        "khai sinh",
        "ket hon",
        "dich vu cong",
        "le phi",
        "vneid",
        "dinh danh",
        "lay so",
        "so thu tu",
        "nhung nhieu",
        "boi duong",
        "tiep nhan",
        "duong day nong",
        "hanh chinh cong",
    ),
    "y_te_giao_duc": (
        "tram y te",
        "y te",
        "benh vien",
        "bac si",
        "benh nhan",
        "sot xuat huyet",
        "dich benh",
        "o dich",
        "tay chan mieng",
        "tiem chung",
        "ngo doc",
        "thuoc",
        "phong kham",
        "bao hiem y te",
        "truong hoc",
        "hoc sinh",
        "giao vien",
        "mam non",
        "mau giao",
        "lop hoc",
        "phong hoc",
        "hoc them",
        "day them",
        "ban tru",
        "tieu hoc",
    ),
    "khac": (
        "song dien thoai",
        "tien dien",
        "cat dien",
        "mat dien",
        "mat nuoc",
        "nuoc sach",
        "internet",
        "nha mang",
        "tro cap",
        "ho ngheo",
        "cam on",
        "the thao",
        "le hoi",
        "cau lac bo",
        "kho khan",
    ),
}

URGENT_KEYWORDS: tuple[str, ...] = (
    "khan cap",
    "cap cuu",
    "can gap",
    "xu ly gap",
    "can thiep gap",
    "gap rut",
    "ngay lap tuc",
    "nguy hiem",
    "de doa tinh mang",
    "tinh mang",
    "tu vong",
    "nguy co sap",
    "sap do",
    "sap de",
    "chay nha",
    "dam chay",
    "chua chay",
    "hoa hoan",
    "boc chay",
    "chay lon",
    "chay no",
    "phat no",
    "nuoc lu",
    "mua lu",
    "lu lut",
    "lu quet",
    "ngap sau",
    "nuoc dang len",
    "sat lo",
    "vui lap",
    "di doi",
    "mac ket",
    "cuu ho",
    "cuu nan",
    "ngo doc",
    "sot xuat huyet",
    "dich benh",
    "o dich",
    "dap dich",
    "bung phat",
    "tay chan mieng",
    "dien giat",
    "dut day dien",
    "ro ri hoa chat",
    "ro ri khi",
    "ro ri gas",
    "kho tho",
    "bao hanh",
    "bi thuong",
    "duoi nuoc",
    "bao lon",
)

_LOCK = threading.Lock()
_CACHE: dict[tuple[int, int], Classifier] = {}


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    urgent: bool


@dataclass(frozen=True)
class Classification:
    category: str
    urgent: bool
    confidence: float

    @property
    def needs_triage(self) -> bool:
        return self.confidence < TRIAGE_THRESHOLD

    def as_dict(self) -> dict:
        return {"category": self.category, "urgent": self.urgent, "confidence": round(self.confidence, 3)}


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: 'Rác thải ùn ứ' and 'rac thai un u' become the same string."""
    return re.sub(r"[^a-z0-9]+", " ", ascii_fold(text or "").lower()).strip()


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")


_CATEGORY_PATTERNS = {category: _phrase_pattern(phrases) for category, phrases in KEYWORDS.items()}
_URGENT_PATTERN = _phrase_pattern(URGENT_KEYWORDS)


def keyword_scores(folded: str) -> dict[str, int]:
    return {category: len(pattern.findall(folded)) for category, pattern in _CATEGORY_PATTERNS.items()}


def has_urgent_words(folded: str) -> bool:
    return bool(_URGENT_PATTERN.search(folded))


def load_examples(path: Path = EXAMPLES_FILE) -> list[Example]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [Example(row["text"], row["category"], bool(row["urgent"])) for row in rows]


class Classifier:
    """Logistic-loss linear models (SGD, trained in well under a second) on character n-grams, for the category
    and for urgent or not, blended with the keyword rules."""

    def __init__(self, examples: list[Example]):
        texts = [fold(example.text) for example in examples]
        self.category_model = _pipeline().fit(texts, [example.category for example in examples])
        urgent_labels = [example.urgent for example in examples]
        self.urgent_model = _pipeline().fit(texts, urgent_labels) if len(set(urgent_labels)) == 2 else None

    def classify(self, text: str) -> Classification:
        folded = fold(text)
        if not folded:
            return Classification("khac", False, 0.0)
        blended = self._blended_probabilities(folded)
        category = max(blended, key=blended.get)
        return Classification(category, self._is_urgent(folded), float(blended[category]))

    def _blended_probabilities(self, folded: str) -> dict[str, float]:
        probabilities = dict.fromkeys(CATEGORIES, 0.0)
        for label, p in zip(self.category_model.classes_, self.category_model.predict_proba([folded])[0], strict=True):
            probabilities[label] = float(p)
        hits = keyword_scores(folded)
        total_hits = sum(hits.values())
        if not total_hits:
            return probabilities
        return {
            category: (1 - KEYWORD_WEIGHT) * probabilities[category] + KEYWORD_WEIGHT * hits[category] / total_hits
            for category in CATEGORIES
        }

    def _is_urgent(self, folded: str) -> bool:
        if has_urgent_words(folded):
            return True
        if self.urgent_model is None:
            return False
        return bool(self.urgent_model.predict_proba([folded])[0][list(self.urgent_model.classes_).index(True)] >= 0.5)


def _pipeline() -> Pipeline:
    return Pipeline(
        [
            ("ngrams", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
            ("model", SGDClassifier(loss="log_loss", alpha=1e-4, class_weight="balanced", random_state=0)),
        ]
    )


def train(examples: list[Example]) -> Classifier:
    return Classifier(examples)


def confirmed_examples(conn: Connection) -> list[Example]:
    rows = conn.execute(select(feedback_examples).order_by(feedback_examples.c.id))
    return [Example(row.text, row.category, row.urgent) for row in rows]


def current_classifier(conn: Connection) -> Classifier:
    """The model every instance would build from the same data: cached per process by (count, last id)."""
    count, last_id = conn.execute(select(func.count(), func.coalesce(func.max(feedback_examples.c.id), 0))).one()
    key = (int(count), int(last_id))
    with _LOCK:
        if key not in _CACHE:
            classifier = train(load_examples() + confirmed_examples(conn))
            _CACHE.clear()
            _CACHE[key] = classifier
        return _CACHE[key]


def classify(conn: Connection, text: str) -> Classification:
    return current_classifier(conn).classify(text)
