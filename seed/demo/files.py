"""Where the demo stores the result files it attaches: the configured store (data/files for `make run`; the test
process's own folder in tests), and a small real PDF standing for a scanned signed result."""

from __future__ import annotations

from functools import cache

from fpdf import FPDF

from config import load_settings
from services.core.files import FileStore, store_from_settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def demo_store() -> FileStore:
    return store_from_settings(load_settings())


@cache
def result_pdf() -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=14)
    pdf.cell(text="Bản quét kết quả (dữ liệu mẫu)")
    return bytes(pdf.output())
