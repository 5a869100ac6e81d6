"""One-use tokens of the public forms (/lay-so, /gop-y): a double click or a resent POST gets the first result.

The form carries a random token; the POST claims it by inserting its row. A second POST with the same token waits
for the first one's transaction (the primary key), then reads what it produced instead of doing the work again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.schema import form_tokens

KEEP = timedelta(days=1)
TOKEN_LENGTH = 32


def new_token() -> str:
    return secrets.token_urlsafe(24)


def well_formed(token: str) -> bool:
    return bool(token) and len(token) <= TOKEN_LENGTH * 2 and token.replace("-", "").replace("_", "").isalnum()


def claim(conn: Connection, *, scope: str, token: str, at: datetime) -> str | None:
    """None when this POST is the first with the token (go on, then `remember`); else the first POST's result."""
    conn.execute(delete(form_tokens).where(form_tokens.c.created_at < at - KEEP))
    try:
        with conn.begin_nested():
            conn.execute(insert(form_tokens).values(token=token, scope=scope, result="", created_at=at))
    except IntegrityError:
        earlier = select(form_tokens.c.result).where(form_tokens.c.token == token, form_tokens.c.scope == scope)
        return conn.scalar(earlier) or ""
    return None


def remember(conn: Connection, *, token: str, result: str) -> None:
    conn.execute(update(form_tokens).where(form_tokens.c.token == token).values(result=result[:200]))
