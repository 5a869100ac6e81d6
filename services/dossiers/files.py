"""Scans and results attached to a dossier: stored in the FileStore, listed in `dossier_files`, and removed from
the store again when the transaction that recorded them rolls back (so a failed save leaves no file behind)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, event, insert, select

from db.schema import dossier_files
from services.core.errors import NotFound, ValidationError
from services.core.files import CheckedFile, FileStore, new_storage_key
from services.core.roles import Actor

KIND_LABELS = {"scan": "Bản quét hồ sơ", "result": "Kết quả giải quyết"}


def attach_files(
    conn: Connection,
    actor: Actor,
    store: FileStore | None,
    *,
    dossier_id: int,
    prefix: str,
    checked: Sequence[CheckedFile],
    kind: str,
    at: datetime,
) -> list[str]:
    """Puts each checked file in the store and records it; returns the storage keys."""
    if not checked:
        return []
    if store is None:
        raise ValueError("a FileStore is needed to attach files")
    keys: list[str] = []
    _delete_on_rollback(conn, store, keys)
    for item in checked:
        key = new_storage_key(prefix, item)
        _put(store, key, item)
        keys.append(key)
        conn.execute(insert(dossier_files).values(_row(actor, dossier_id, item, key, kind, at)))
    return keys


def _put(store: FileStore, key: str, item: CheckedFile) -> None:
    try:
        store.put(key, item.data, item.content_type)
    except Exception as exc:
        raise ValidationError(
            f"Không lưu được tệp “{item.filename}” vào kho lưu trữ. Hồ sơ chưa được lưu; vui lòng thử lại."
        ) from exc


def _row(actor: Actor, dossier_id: int, item: CheckedFile, key: str, kind: str, at: datetime) -> dict:
    return dict(
        dossier_id=dossier_id,
        kind=kind,
        filename=item.filename,
        content_type=item.content_type,
        size=item.size,
        sha256=item.sha256,
        storage_key=key,
        uploaded_at=at,
        uploaded_by=actor.username,
    )


def _delete_on_rollback(conn: Connection, store: FileStore, keys: list[str]) -> None:
    """Files are written before the commit; if the transaction then fails anywhere, take them back out."""

    def on_rollback(_conn) -> None:
        for key in keys:
            store.delete(key)
        keys.clear()

    def on_commit(_conn) -> None:
        keys.clear()

    event.listen(conn, "rollback", on_rollback, once=True)
    event.listen(conn, "commit", on_commit, once=True)


def list_files(conn: Connection, dossier_id: int, *, kind: str | None = None) -> list[dict]:
    query = select(dossier_files).where(dossier_files.c.dossier_id == dossier_id).order_by(dossier_files.c.id)
    if kind:
        query = query.where(dossier_files.c.kind == kind)
    return [dict(row._mapping) for row in conn.execute(query)]


def file_row(conn: Connection, file_id: int) -> dict:
    row = conn.execute(select(dossier_files).where(dossier_files.c.id == file_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy tệp.")
    return dict(row._mapping)
