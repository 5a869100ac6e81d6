"""Stored files no row points to: left by a crash between storing a file and committing its row.

Any table with a `storage_key` column refers to stored files; a local file older than the grace period that none of
them names is an orphan. The grace period keeps files of transactions still in flight.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Connection, select

from db.metadata import metadata


def referenced_keys(conn: Connection) -> set[str]:
    keys: set[str] = set()
    for table in metadata.sorted_tables:
        if "storage_key" in table.c:
            keys.update(conn.scalars(select(table.c.storage_key)))
    return keys


def orphans(root: Path, referenced: set[str], *, older_than_seconds: float, now: float | None = None) -> list[Path]:
    root = Path(root)
    if not root.is_dir():
        return []
    cutoff = (now or time.time()) - older_than_seconds
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.relative_to(root).as_posix() not in referenced and path.stat().st_mtime < cutoff:
            found.append(path)
    return found


def remove(root: Path, paths: list[Path]) -> None:
    """Deletes the files, then the folders they leave empty (a dossier code's folder is never reused half-full)."""
    for path in paths:
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != Path(root) and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
