"""queue tickets (issue 7): service groups, counters, issuing hours, priorities, tickets, calls.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_settings",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("fairness_minutes", sa.Integer(), nullable=False),
        sa.Column("max_active_per_phone", sa.Integer(), nullable=False),
        sa.Column("max_active_per_browser", sa.Integer(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_settings_unit_id_units"),
        sa.PrimaryKeyConstraint("unit_id", name="pk_queue_settings"),
    )
    op.create_table(
        "queue_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(2), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_groups_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_groups"),
        sa.UniqueConstraint("unit_id", "letter", name="uq_queue_groups_unit_letter"),
    )
    op.create_index("ix_queue_groups_unit_id", "queue_groups", ["unit_id"])
    op.create_table(
        "queue_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_counters_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_counters"),
        sa.UniqueConstraint("unit_id", "number", name="uq_queue_counters_unit_number"),
    )
    op.create_index("ix_queue_counters_unit_id", "queue_counters", ["unit_id"])
    op.create_table(
        "queue_counter_groups",
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counter_id"],
            ["queue_counters.id"],
            name="fk_queue_counter_groups_counter_id_queue_counters",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["queue_groups.id"], name="fk_queue_counter_groups_group_id_queue_groups", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("counter_id", "group_id", name="pk_queue_counter_groups"),
    )
    op.create_table(
        "queue_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.String(5), nullable=False),
        sa.Column("ends", sa.String(5), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_hours_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_hours"),
    )
    op.create_index("ix_queue_hours_unit_id", "queue_hours", ["unit_id"])
    op.create_table(
        "queue_priorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_priorities_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_priorities"),
    )
    op.create_index("ix_queue_priorities_unit_id", "queue_priorities", ["unit_id"])
    op.create_table(
        "queue_day_counters",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["queue_groups.id"], name="fk_queue_day_counters_group_id_queue_groups"),
        sa.PrimaryKeyConstraint("group_id", "day", name="pk_queue_day_counters"),
    )
    op.create_table(
        "queue_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("origin_group_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("token", sa.String(40), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("browser_id", sa.String(64), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("priority_name", sa.String(160), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("issued_hour", sa.Integer(), nullable=False),
        sa.Column("queued_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("called_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("call_count", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("started_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("wait_seconds", sa.Integer(), nullable=True),
        sa.Column("service_seconds", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_tickets_unit_id_units"),
        sa.ForeignKeyConstraint(["group_id"], ["queue_groups.id"], name="fk_queue_tickets_group_id_queue_groups"),
        sa.ForeignKeyConstraint(
            ["origin_group_id"], ["queue_groups.id"], name="fk_queue_tickets_origin_group_id_queue_groups"
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"], ["queue_priorities.id"], name="fk_queue_tickets_priority_id_queue_priorities"
        ),
        sa.ForeignKeyConstraint(["counter_id"], ["queue_counters.id"], name="fk_queue_tickets_counter_id_queue_counters"),
        sa.ForeignKeyConstraint(["clerk_id"], ["users.id"], name="fk_queue_tickets_clerk_id_users"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name="fk_queue_tickets_dossier_id_dossiers"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_tickets"),
        sa.UniqueConstraint("origin_group_id", "day", "number", name="uq_queue_tickets_group_day_number"),
        sa.UniqueConstraint("token", name="uq_queue_tickets_token"),
    )
    op.create_index("ix_queue_tickets_unit_day_status", "queue_tickets", ["unit_id", "day", "status"])
    op.create_index("ix_queue_tickets_counter_status", "queue_tickets", ["counter_id", "status"])
    op.create_table(
        "queue_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("counter_number", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_queue_calls_unit_id_units"),
        sa.ForeignKeyConstraint(["ticket_id"], ["queue_tickets.id"], name="fk_queue_calls_ticket_id_queue_tickets"),
        sa.ForeignKeyConstraint(["counter_id"], ["queue_counters.id"], name="fk_queue_calls_counter_id_queue_counters"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_calls"),
    )
    op.create_index("ix_queue_calls_unit_id", "queue_calls", ["unit_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_queue_calls_unit_id", table_name="queue_calls")
    op.drop_table("queue_calls")
    op.drop_index("ix_queue_tickets_counter_status", table_name="queue_tickets")
    op.drop_index("ix_queue_tickets_unit_day_status", table_name="queue_tickets")
    op.drop_table("queue_tickets")
    op.drop_table("queue_day_counters")
    op.drop_index("ix_queue_priorities_unit_id", table_name="queue_priorities")
    op.drop_table("queue_priorities")
    op.drop_index("ix_queue_hours_unit_id", table_name="queue_hours")
    op.drop_table("queue_hours")
    op.drop_table("queue_counter_groups")
    op.drop_index("ix_queue_counters_unit_id", table_name="queue_counters")
    op.drop_table("queue_counters")
    op.drop_index("ix_queue_groups_unit_id", table_name="queue_groups")
    op.drop_table("queue_groups")
    op.drop_table("queue_settings")
