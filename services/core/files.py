"""Uploaded files (scans, results, photos): content checks, and a store that is a local folder or Supabase Storage."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from config import Settings
from services.core.errors import ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DOSSIER_BYTES = 50 * 1024 * 1024
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
IMAGE_TYPES = {"image/jpeg", "image/png"}
TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


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
    return CheckedFile(safe_filename(filename), content_type, data, hashlib.sha256(data).hexdigest())


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
