"""Reading a QR code from a photo (a webcam shot or an uploaded picture) with zxing-cpp, size-bounded."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, UnidentifiedImageError

from services.core.errors import ValidationError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 12-megapixel phone photo fits; a decompression bomb does not


def decode_qr(data: bytes) -> str:
    """The text of the first QR code in the image, or a Vietnamese message saying why none was read."""
    if not data:
        raise ValidationError("Chưa có ảnh: chụp hoặc tải lên ảnh mã QR trên thẻ CCCD.")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f"Ảnh lớn quá {MAX_BYTES // (1024 * 1024)} MB; vui lòng chụp lại với độ phân giải thấp hơn."
        )
    image = _open(data)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    texts = [b.text for b in found if b.valid and b.text]
    if not texts:
        raise ValidationError(
            "Không đọc được mã QR trong ảnh: đặt mã QR ở giữa khung hình, đủ sáng, không lóa, rồi chụp lại."
        )
    return texts[0]


def _open(data: bytes) -> Image.Image:
    """Decoded and re-encoded in memory as greyscale pixels: nothing of the file itself goes further."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("Ảnh có độ phân giải quá lớn; vui lòng chụp lại.")
            return probe.convert("L")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError("Tệp tải lên không phải ảnh đọc được (JPEG hoặc PNG).") from None
