"""operations center (issue 9): river stations and readings, cameras, the trial lessons log, KPI indexes.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KPI_UNIT = sa.text("coalesce(processing_unit_id, receiving_unit_id)")


def upgrade() -> None:
    op.create_table(
        "river_stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("river", sa.String(length=120), nullable=False),
        sa.Column("alert_1_m", sa.Float(), nullable=True),
        sa.Column("alert_2_m", sa.Float(), nullable=True),
        sa.Column("alert_3_m", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("stale_after_minutes", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_river_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_river_stations_code")),
    )
    op.create_table(
        "river_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level_m", sa.Float(), nullable=False),
        sa.Column("rain_mm", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["river_stations.id"], name=op.f("fk_river_readings_station_id_river_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_river_readings")),
        sa.UniqueConstraint("station_id", "at", name="uq_river_readings_station_at"),
    )
    op.create_index("ix_river_readings_at", "river_readings", ["at"])
    op.create_table(
        "cameras",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("stream_url", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_cameras_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cameras")),
    )
    op.create_index("ix_cameras_unit_id", "cameras", ["unit_id"])
    op.create_table(
        "trial_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scenario", sa.String(length=40), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_trial_lessons_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial_lessons")),
    )
    op.create_index("ix_trial_lessons_unit_day", "trial_lessons", ["unit_id", "day"])
    _create_kpi_indexes()


def _create_kpi_indexes() -> None:
    """What the KPI page filters on: a unit's dossiers received / finished / returned in a period, and the open ones."""
    op.create_index("ix_dossiers_kpi_unit_received", "dossiers", [KPI_UNIT, sa.text("received_at")])
    op.create_index("ix_dossiers_kpi_unit_finished", "dossiers", [KPI_UNIT, sa.text("finished_at")])
    op.create_index("ix_dossiers_kpi_unit_returned", "dossiers", [KPI_UNIT, sa.text("returned_at")])
    op.create_index(
        "ix_dossiers_kpi_unit_open",
        "dossiers",
        [KPI_UNIT, sa.text("due_at")],
        postgresql_where=sa.text("finished_at IS NULL"),
        sqlite_where=sa.text("finished_at IS NULL"),
    )
    op.create_index("ix_dossiers_kpi_finished", "dossiers", ["finished_at"])
    op.create_index("ix_dossiers_kpi_returned", "dossiers", ["returned_at"])
    op.create_index("ix_dossier_files_dossier_kind", "dossier_files", ["dossier_id", "kind"])


def downgrade() -> None:
    for name in ("ix_dossier_files_dossier_kind",):
        op.drop_index(name, table_name="dossier_files")
    for name in (
        "ix_dossiers_kpi_returned",
        "ix_dossiers_kpi_finished",
        "ix_dossiers_kpi_unit_open",
        "ix_dossiers_kpi_unit_returned",
        "ix_dossiers_kpi_unit_finished",
        "ix_dossiers_kpi_unit_received",
    ):
        op.drop_index(name, table_name="dossiers")
    op.drop_index("ix_trial_lessons_unit_day", table_name="trial_lessons")
    op.drop_table("trial_lessons")
    op.drop_index("ix_cameras_unit_id", table_name="cameras")
    op.drop_table("cameras")
    op.drop_index("ix_river_readings_at", table_name="river_readings")
    op.drop_table("river_readings")
    op.drop_table("river_stations")
