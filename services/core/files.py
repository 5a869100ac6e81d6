"""Uploaded files (scans, results, photos): content checks, and a store that is a local folder or Supabase Storage."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from config import Settings
from services.core.errors import ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DOSSIER_BYTES = 50 * 1024 * 1024
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
IMAGE_TYPES = {"image/jpeg", "image/png"}
TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# 40 megapixels: every phone camera's default photo and an A3 scan at 300 dpi fit; a 13,000 × 13,000 "bomb" (169 MP,
# a few hundred KB compressed, gigabytes decoded) does not. Checked from the header, before any pixel is decoded.
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow's own guard: anything larger raises instead of decoding
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def sniff_content_type(data: bytes) -> str | None:
    """The type from the bytes themselves: a renamed executable is not a PDF."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def safe_filename(name: str) -> str:
    """Only the last path part, no control or path characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ]", "_", base, flags=re.UNICODE).strip(" .")
    return (base or "tep")[:120]


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def check_upload(
    filename: str, data: bytes, *, allowed: set[str] = DOCUMENT_TYPES, max_bytes: int = MAX_FILE_BYTES
) -> CheckedFile:
    if ".." in (filename or "") or "/" in (filename or "") or "\\" in (filename or ""):
        raise ValidationError(f"Tên tệp “{safe_filename(filename)}” không hợp lệ (chứa đường dẫn).")
    if not data:
        raise ValidationError(f"Tệp “{safe_filename(filename)}” rỗng.")
    if len(data) > max_bytes:
        raise ValidationError(
            f"Tệp “{safe_filename(filename)}” quá lớn ({len(data) / 1024 / 1024:.1f} MB; "
            f"tối đa {max_bytes // 1024 // 1024} MB)."
        )
    content_type = sniff_content_type(data)
    if content_type not in allowed:
        accepted = ", ".join(TYPE_LABELS[t] for t in sorted(allowed))
        raise ValidationError(f"Tệp “{safe_filename(filename)}” không phải {accepted} (kiểm tra theo nội dung tệp).")
    if content_type in PIL_FORMATS:
        data = reencoded_image(safe_filename(filename), data, content_type)
    return CheckedFile(safe_filename(filename), content_type, data, hashlib.sha256(data).hexdigest())


def reencoded_image(name: str, data: bytes, content_type: str) -> bytes:
    """The one gate for every uploaded image: pixel count from the header first, then decode and re-encode, which
    drops EXIF (GPS position, camera serial) and anything appended after the picture."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[content_type]])  # reads the header only
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(name, f" ({width:,} × {height:,} điểm ảnh)")
            image = ImageOps.exif_transpose(image)
            return _encoded(image, PIL_FORMATS[content_type])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, "") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ValidationError(f"Ảnh “{name}” bị hỏng hoặc không đọc được; vui lòng chụp hoặc quét lại.") from None


def _too_many_pixels(name: str, size: str) -> ValidationError:
    return ValidationError(
        f"Ảnh “{name}” quá lớn{size}; tối đa {MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh. "
        "Vui lòng chụp hoặc quét lại ở độ phân giải thấp hơn."
    )


def _encoded(image: Image.Image, pil_format: str) -> bytes:
    out = io.BytesIO()
    if pil_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    else:
        if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=False)
    return out.getvalue()


def check_uploads(files: list[tuple[str, bytes]], *, allowed: set[str] = DOCUMENT_TYPES) -> list[CheckedFile]:
    checked = [check_upload(name, data, allowed=allowed) for name, data in files]
    total = sum(f.size for f in checked)
    if total > MAX_DOSSIER_BYTES:
        raise ValidationError(
            f"Tổng dung lượng tệp {total / 1024 / 1024:.1f} MB vượt giới hạn {MAX_DOSSIER_BYTES // 1024 // 1024} MB."
        )
    return checked


def new_storage_key(prefix: str, checked: CheckedFile) -> str:
    return f"{prefix}/{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}"


class FileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalFileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValidationError("Khóa lưu trữ không hợp lệ.")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


class SupabaseFileStore:
    """Supabase Storage; building the client makes no network call, so a misconfiguration shows on first use."""

    def __init__(self, url: str, key: str, bucket: str):
        from supabase import create_client

        self.bucket = create_client(url, key).storage.from_(bucket)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.bucket.upload(key, data, file_options={"content-type": content_type, "upsert": "true"})

    def get(self, key: str) -> bytes:
        return self.bucket.download(key)

    def delete(self, key: str) -> None:
        self.bucket.remove([key])


def store_from_settings(settings: Settings) -> FileStore:
    if settings.storage_backend == "supabase":
        return SupabaseFileStore(settings.supabase_url, settings.supabase_key, settings.supabase_bucket)
    return LocalFileStore(settings.storage_dir)
