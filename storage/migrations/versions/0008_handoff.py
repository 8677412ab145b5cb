"""live hand-off conversations, knowledge entries edited on the dashboard

Revision ID: 0008_handoff
Revises: 0003_files
Create Date: 2026-12-02 12:00:00

A citizen who asks for a person gets a conversation staff answer from the dashboard
(``handoff_conversations``, ``handoff_messages``); the digital team's own knowledge entries and
the audit trail of every change to them live in ``kb_entries`` and ``kb_entry_changes``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0008_handoff"
down_revision: str | None = "0003_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=60), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_kb_entries_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_accounts.id"],
            name=op.f("fk_kb_entries_updated_by_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_entries")),
        sa.UniqueConstraint(
            "commune_id", "entry_id", name=op.f("uq_kb_entries_commune_id_entry_id")
        ),
    )
    op.create_index(op.f("ix_kb_entries_entry_id"), "kb_entries", ["entry_id"], unique=False)

    op.create_table(
        "kb_entry_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("staff_label", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_kb_entry_changes_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_kb_entry_changes_staff_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_entry_changes")),
    )
    op.create_index(
        op.f("ix_kb_entry_changes_entry_id"), "kb_entry_changes", ["entry_id"], unique=False
    )
    op.create_index(
        "ix_kb_entry_changes_version", "kb_entry_changes", ["commune_id", "id"], unique=False
    )

    op.create_table(
        "handoff_conversations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column(
            "identity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "assignee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("assigned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_citizen_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_staff_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("waiting_since", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=16), nullable=True),
        sa.Column(
            "closed_by_staff_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "petition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["staff_accounts.id"],
            name=op.f("fk_handoff_conversations_assignee_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_handoff_conversations_closed_by_staff_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_handoff_conversations_commune_id_communes"),
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
            name=op.f("fk_handoff_conversations_identity_id_channel_identities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_handoff_conversations_petition_id_petitions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_conversations")),
    )
    op.create_index(
        op.f("ix_handoff_conversations_identity_id"),
        "handoff_conversations",
        ["identity_id"],
        unique=False,
    )
    op.create_index(
        "ix_handoff_conversations_inbox",
        "handoff_conversations",
        ["commune_id", "status", "opened_at"],
        unique=False,
    )

    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["handoff_conversations.id"],
            name=op.f("fk_handoff_messages_conversation_id_handoff_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_handoff_messages_staff_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
    )
    op.create_index(
        op.f("ix_handoff_messages_conversation_id"),
        "handoff_messages",
        ["conversation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_handoff_messages_conversation_id"), table_name="handoff_messages")

    op.drop_table("handoff_messages")
    op.drop_index("ix_handoff_conversations_inbox", table_name="handoff_conversations")
    op.drop_index(op.f("ix_handoff_conversations_identity_id"), table_name="handoff_conversations")

    op.drop_table("handoff_conversations")
    op.drop_index("ix_kb_entry_changes_version", table_name="kb_entry_changes")
    op.drop_index(op.f("ix_kb_entry_changes_entry_id"), table_name="kb_entry_changes")

    op.drop_table("kb_entry_changes")
    op.drop_index(op.f("ix_kb_entries_entry_id"), table_name="kb_entries")

    op.drop_table("kb_entries")
