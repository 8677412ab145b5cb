"""Zalo reach: ZNS notices after the window, villages and announcement opt-outs, announcements

Revision ID: 0015_zalo
Revises: 0014_followup
Create Date: 2026-12-02 14:52:18

``zns_notices`` records each petition notice sent by ZNS (and its delivery receipt);
``identity_prefs`` the village a chat user named and their announcement opt-out;
``announcements`` / ``announcement_deliveries`` what staff sent to which villages, one row per
recipient (UNIQUE, so a resumed fan-out never sends twice).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0015_zalo"
down_revision: str | None = "0014_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("villages", sa.JSON(), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("fanned_out_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_announcements_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_accounts.id"],
            name=op.f("fk_announcements_created_by_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_table(
        "identity_prefs",
        sa.Column(
            "identity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("village", sa.String(length=40), nullable=True),
        sa.Column("announcements_off", sa.Boolean(), nullable=False),
        sa.Column("zalo_tag", sa.String(length=60), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_identity_prefs_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
            name=op.f("fk_identity_prefs_identity_id_channel_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity_id", name=op.f("pk_identity_prefs")),
    )
    with op.batch_alter_table("identity_prefs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_prefs_village"), ["village"], unique=False)

    op.create_table(
        "announcement_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "announcement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "identity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column(
            "outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_deliveries_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
            name=op.f("fk_announcement_deliveries_identity_id_channel_identities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_announcement_deliveries_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_deliveries")),
        sa.UniqueConstraint(
            "announcement_id",
            "identity_id",
            name=op.f("uq_announcement_deliveries_announcement_id_identity_id"),
        ),
    )
    with op.batch_alter_table("announcement_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_announcement_deliveries_status", ["announcement_id", "status"], unique=False
        )

    op.create_table(
        "zns_notices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column(
            "petition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("tracking_id", sa.String(length=48), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("zalo_msg_id", sa.String(length=64), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_zns_notices_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_zns_notices_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_zns_notices_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zns_notices")),
        sa.UniqueConstraint("outbox_id", name=op.f("uq_zns_notices_outbox_id")),
        sa.UniqueConstraint("tracking_id", name=op.f("uq_zns_notices_tracking_id")),
    )
    with op.batch_alter_table("zns_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zns_notices_petition_id"), ["petition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("zns_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zns_notices_petition_id"))

    op.drop_table("zns_notices")
    with op.batch_alter_table("announcement_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_announcement_deliveries_status")

    op.drop_table("announcement_deliveries")
    with op.batch_alter_table("identity_prefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_prefs_village"))

    op.drop_table("identity_prefs")
    op.drop_table("announcements")
