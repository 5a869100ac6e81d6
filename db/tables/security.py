"""Tables of the safety rails: atomic attempt counters (sign-in, lookups, queue tickets) and one-use form tokens."""

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, Table

from db.metadata import metadata
from db.types import UTCDateTime

# One row per (scope, key), counted with UPDATE … RETURNING so concurrent attempts never read a stale count.
attempt_counters = Table(
    "attempt_counters",
    metadata,
    Column("scope", String(24), nullable=False),
    Column("key", String(160), nullable=False),  # keyed hashes or usernames, never a raw address
    Column("window_start", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("scope", "key"),
)

# A public form carries a random token; the first POST with it claims the row, a repeat gets the first result.
form_tokens = Table(
    "form_tokens",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("scope", String(24), nullable=False),
    Column("result", String(200), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)
