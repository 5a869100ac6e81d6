"""Shared builders for tests: actors of the demo seed, and small random data."""

from __future__ import annotations

from sqlalchemy import Engine

from db.engine import read
from services.accounts.accounts import load_actor
from services.core.roles import Actor


def actor(engine: Engine, username: str) -> Actor:
    with read(engine) as conn:
        found = load_actor(conn, username)
    assert found is not None, f"demo user {username} missing"
    return found


def _tiny_png() -> bytes:
    """A real 4 × 4 picture: uploads are decoded and re-encoded, so made-up bytes after a PNG signature are refused.
    Saved the way services.files re-encodes, so storing it keeps its bytes."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


TINY_PNG = _tiny_png()
