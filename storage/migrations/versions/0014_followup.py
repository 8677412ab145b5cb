"""staff follow-up: contact search, public results, staff e-mail, reminders and the mail outbox

Revision ID: 0014_followup
Revises: 0013_council
Create Date: 2026-12-02 15:00:00

``petitions.contact_norm`` (the petitioner's name folded for search, filled here for the rows
that exist), ``petitions.public_at``/``public_text`` (the public results page),
``staff_accounts.email``, ``staff_reminders`` (each reminder once) and ``mail_outbox``
(mail with retries).
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0014_followup"
down_revision: str | None = "0013_council"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fold(name: str) -> str:
    """The same folding as ``storage.petitions.fold_name`` (copied: migrations stay fixed)."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())[:200]


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("contact_norm", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("public_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("public_text", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, contact_name FROM petitions WHERE contact_name IS NOT NULL")
    ).all()
    for row_id, name in rows:
        bind.execute(
            sa.text("UPDATE petitions SET contact_norm = :norm WHERE id = :id"),
            {"norm": _fold(name), "id": row_id},
        )

    op.create_table(
        "staff_reminders",
        sa.Column("id", ID, nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("petition_id", ID, nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_staff_reminders_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_staff_reminders_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_reminders")),
        sa.UniqueConstraint("key", name=op.f("uq_staff_reminders_key")),
    )
    op.create_index(
        op.f("ix_staff_reminders_petition_id"), "staff_reminders", ["petition_id"], unique=False
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("cc", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_mail_outbox_commune_id_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(
        "ix_mail_outbox_status_next", "mail_outbox", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_status_next", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index(op.f("ix_staff_reminders_petition_id"), table_name="staff_reminders")
    op.drop_table("staff_reminders")
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("petitions") as batch:
        batch.drop_column("public_text")
        batch.drop_column("public_at")
        batch.drop_column("contact_norm")
