"""Pictures for the image tests, built byte by byte so that making them costs no memory."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int) -> bytes:
    """A side × side black-and-white PNG of a few hundred KB that decodes to side² bytes (15,000: 225 MB)."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + 1 bit per pixel
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row * 500) for _ in range(side // 500))
    body += compressor.compress(row * (side % 500)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 8), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (16.0, 3.0, 0.0), 3: "E", 4: (108.0, 15.0, 0.0)}  # GPSInfo: Đà Nẵng
    exif[0x010F] = "Máy ảnh của người gửi"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
