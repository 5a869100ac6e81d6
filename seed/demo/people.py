"""Invented citizens for the demo: names with diacritics, CCCD numbers whose digits agree with birth year and sex
(DOMAIN.md §7: province 048 Đà Nẵng, digit 4 = century and sex, digits 5–6 = year), phones and addresses."""

from __future__ import annotations

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Ngô"]
MIDDLE = {"male": ["Văn", "Minh", "Quốc", "Đức", "Công"], "female": ["Thị", "Ngọc", "Thu", "Mỹ", "Kim"]}
GIVEN = {
    "male": ["An", "Bình", "Cường", "Dũng", "Hải", "Khoa", "Long", "Nam", "Phúc", "Tâm", "Thắng", "Vinh"],
    "female": ["Anh", "Bích", "Chi", "Dung", "Hạnh", "Hoa", "Lan", "Mai", "Ngân", "Oanh", "Thảo", "Trang"],
}
ADDRESS = "Phường {unit}, TP Đà Nẵng"


def citizen(index: int, *, sex: str = "male", born: int = 1990, unit_name: str = "Ngũ Hành Sơn") -> dict:
    """The same index always gives the same person, so a second seed finds who the first one made."""
    century_digit = (0 if born < 2000 else 2) + (0 if sex == "male" else 1)
    cccd = f"048{century_digit}{born % 100:02d}{700000 + index:06d}"
    name = f"{_pick(SURNAMES, index)} {_pick(MIDDLE[sex], index // 3)} {_pick(GIVEN[sex], index // 2)}"
    return {
        "full_name": name,
        "cccd": cccd,
        "birth_date": f"{1 + index % 28:02d}/{1 + index % 12:02d}/{born}",
        "phone": f"09{(index * 7919) % 100_000_000:08d}",
        "address": ADDRESS.format(unit=unit_name),
    }


def _pick(items: list[str], index: int) -> str:
    return items[index % len(items)]
