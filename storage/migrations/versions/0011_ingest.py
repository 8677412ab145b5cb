"""webhook events stored before processing (acknowledge at once, process afterwards)

Revision ID: 0011_ingest
Revises: 0009_security
Create Date: 2026-12-02 15:00:00

A webhook stores its event in ``webhook_events`` (UNIQUE on the platform's id) and answers 200;
the ingest worker of any process processes it, in order per citizen, under a lease.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0011_ingest"
down_revision: str | None = "0009_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=160), nullable=False),
        sa.Column("user_key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_webhook_events_commune_id_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint(
            "channel", "external_id", name=op.f("uq_webhook_events_channel_external_id")
        ),
    )
    op.create_index(
        "ix_webhook_events_due", "webhook_events", ["status", "next_attempt_at"], unique=False
    )
    op.create_index(
        "ix_webhook_events_sender", "webhook_events", ["channel", "user_key", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_events_sender", table_name="webhook_events")
    op.drop_index("ix_webhook_events_due", table_name="webhook_events")
    op.drop_table("webhook_events")
