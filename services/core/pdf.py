"""The look shared by every printed form (receipt, slips, letters, manifests, reports): A4, DejaVu, NFC text.

A form module builds its content with these helpers and returns `finish(doc)` bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import qrcode
from fpdf import FPDF

from services.core.text import nfc

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"


class FormPdf(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"Trang {self.page_no()}/{{nb}}", align="C")


def new_form(*, unit_name: str, title: str, subtitle: str = "") -> FormPdf:
    """A4 page with the national motto on the right and the issuing unit on the left, then the title."""
    doc = FormPdf(format="A4")
    doc.set_margins(18, 15, 18)
    doc.set_auto_page_break(True, margin=18)
    doc.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
    doc.add_page()
    top = doc.get_y()
    half = (doc.w - doc.l_margin - doc.r_margin) / 2
    doc.set_font(FONT, "B", 9)
    doc.multi_cell(
        half - 4,
        5,
        nfc(f"UBND {unit_name}".upper()) + "\nTRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_xy(doc.l_margin + half, top)
    doc.multi_cell(
        half,
        5,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(8)
    doc.set_font(FONT, "B", 14)
    doc.multi_cell(0, 7, nfc(title).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        doc.set_font(FONT, "I", 10)
        doc.multi_cell(0, 6, nfc(subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font(FONT, size=11)
    return doc


def line(doc: FPDF, label: str, value: str = "") -> None:
    """'Label: value' with the label in bold, wrapped to the page width."""
    doc.set_x(doc.l_margin)
    doc.set_font(FONT, "B", 11)
    doc.write(6, nfc(label) + (": " if value != "" else ""))
    doc.set_font(FONT, size=11)
    doc.write(6, nfc(str(value)))
    doc.ln(7)


def paragraph(doc: FPDF, text: str, *, bold: bool = False, size: int = 11) -> None:
    doc.set_x(doc.l_margin)
    doc.set_font(FONT, "B" if bold else "", size)
    doc.multi_cell(0, 6, nfc(text), new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=11)


def table(doc: FPDF, headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float] | None = None):
    doc.set_x(doc.l_margin)
    doc.set_font(FONT, size=9)
    with doc.table(col_widths=widths, text_align="LEFT", line_height=5) as pdf_table:
        header = pdf_table.row()
        for text in headers:
            header.cell(nfc(text))
        for values in rows:
            row = pdf_table.row()
            for value in values:
                row.cell(nfc("" if value is None else str(value)))
    doc.set_font(FONT, size=11)
    doc.ln(3)


def qr_png(data: str, *, box_size: int = 6) -> bytes:
    image = qrcode.make(data, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr(doc: FPDF, data: str, *, size_mm: float = 32, caption: str = "") -> None:
    """A QR code block on the right; the text continues below it."""
    x = doc.w - doc.r_margin - size_mm
    y = doc.get_y()
    if y + size_mm + 10 > doc.h - doc.b_margin:
        doc.add_page()
        y = doc.get_y()
    doc.image(io.BytesIO(qr_png(data)), x=x, y=y, w=size_mm, h=size_mm)
    if caption:
        doc.set_xy(x - 10, y + size_mm)
        doc.set_font(FONT, "I", 8)
        doc.multi_cell(size_mm + 20, 4, nfc(caption), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_font(FONT, size=11)
    doc.set_y(y + size_mm + (6 if caption else 2))


def signatures(doc: FPDF, left: str, right: str, *, left_name: str = "", right_name: str = "") -> None:
    doc.ln(8)
    half = (doc.w - doc.l_margin - doc.r_margin) / 2
    y = doc.get_y()
    for offset, (title, name) in enumerate(((left, left_name), (right, right_name))):
        doc.set_xy(doc.l_margin + offset * half, y)
        doc.set_font(FONT, "B", 10)
        doc.multi_cell(half, 5, nfc(title), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_x(doc.l_margin + offset * half)
        doc.set_font(FONT, "I", 9)
        doc.multi_cell(half, 5, "(Ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
        doc.ln(14)
        doc.set_x(doc.l_margin + offset * half)
        doc.set_font(FONT, size=10)
        doc.multi_cell(half, 5, nfc(name), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=11)


def finish(doc: FPDF) -> bytes:
    return bytes(doc.output())
