"""Rolling out to the 94 units: bulk staff imports, configuration copied between units, QR posters downloaded."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from db.metadata import metadata
from db.types import UTCDateTime

staff_imports = Table(
    "staff_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=True),  # None: manage.py import-staff
    Column("username", String(64), nullable=False),
    Column("files", Text, nullable=False),  # JSON: [{name, sha256}]
    Column("counts", Text, nullable=False),  # JSON: {"users_created": 1410, ...}
)

config_copies = Table(
    "config_copies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch", String(32), nullable=False, index=True),  # one apply to many units shares a batch
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False),
    Column("source_unit_id", ForeignKey("units.id"), nullable=False),
    Column("target_unit_id", ForeignKey("units.id"), nullable=False, index=True),
    Column("sections", String(200), nullable=False),  # comma-separated, see services.config_copy.SECTIONS
    Column("change_count", Integer, nullable=False),
    Column("changes", Text, nullable=False),  # JSON: [{section, action, item, before, after}]
)

poster_downloads = Table(
    "poster_downloads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("username", String(64), nullable=False),
    Index("ix_poster_downloads_unit_at", "unit_id", "at"),
)
