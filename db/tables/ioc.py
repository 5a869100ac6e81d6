"""Operations center (IOC): river stations and readings, cameras, the trial lessons log, and the KPI indexes."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

from db.metadata import metadata
from db.tables.dossiers import dossier_files, dossiers
from db.types import UTCDateTime

river_stations = Table(
    "river_stations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),  # ASCII slug of the name, used by sensors and CSVs
    Column("name", String(120), nullable=False),
    Column("river", String(120), nullable=False, default=""),
    Column("alert_1_m", Float, nullable=True),  # NULL: not known, never 0
    Column("alert_2_m", Float, nullable=True),
    Column("alert_3_m", Float, nullable=True),
    Column("evidence", Text, nullable=False, default=""),
    Column("stale_after_minutes", Integer, nullable=False, default=60),
    Column("token_hash", String(64), nullable=True),  # sha256 of the sensor's token; NULL: pushing is off
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)

river_readings = Table(
    "river_readings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("station_id", ForeignKey("river_stations.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("level_m", Float, nullable=False),
    Column("rain_mm", Float, nullable=True),  # rain since the previous reading
    Column("source", String(16), nullable=False, default="csv"),  # csv | cli | sensor | demo
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("station_id", "at", name="uq_river_readings_station_at"),
)

cameras = Table(
    "cameras",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("location", String(300), nullable=False, default=""),
    Column("unit_id", ForeignKey("units.id"), nullable=True, index=True),
    Column("stream_url", String(500), nullable=False, default=""),
    Column("status", String(16), nullable=False, default="online"),  # online | offline | maintenance
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)

trial_lessons = Table(
    "trial_lessons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", ForeignKey("units.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("scenario", String(40), nullable=False),  # a procedure code of the trial, or "chung"
    Column("problem", Text, nullable=False),
    Column("proposal", Text, nullable=False, default=""),
    Column("owner", String(160), nullable=False, default=""),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_trial_lessons_unit_day", "unit_id", "day"),
)

# The KPI queries group a unit's dossiers by the unit that processes them (the receiving unit until dispatched).
KPI_UNIT = func.coalesce(dossiers.c.processing_unit_id, dossiers.c.receiving_unit_id)

Index("ix_dossiers_kpi_unit_received", KPI_UNIT, dossiers.c.received_at)
Index("ix_dossiers_kpi_unit_finished", KPI_UNIT, dossiers.c.finished_at)
Index("ix_dossiers_kpi_unit_returned", KPI_UNIT, dossiers.c.returned_at)
Index(
    "ix_dossiers_kpi_unit_open",
    KPI_UNIT,
    dossiers.c.due_at,
    postgresql_where=text("finished_at IS NULL"),
    sqlite_where=text("finished_at IS NULL"),
)
Index("ix_dossiers_kpi_finished", dossiers.c.finished_at)
Index("ix_dossiers_kpi_returned", dossiers.c.returned_at)
Index("ix_dossier_files_dossier_kind", dossier_files.c.dossier_id, dossier_files.c.kind)
Index("ix_river_readings_at", river_readings.c.at)
