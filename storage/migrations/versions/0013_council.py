"""the council cycle: sessions, meetings, and the petition's summary, session, meeting, group

Revision ID: 0013_council
Revises: 0011_ingest
Create Date: 2026-12-02 15:00:00

Sessions (kỳ họp) and the meetings that feed them (TXCT, citizen reception, thematic) get their
tables; a petition gains the staff summary reports use, the session it is compiled for, the
meeting it was raised at, its group of identical opinions, how an answer settled it and who
answered it on the spot.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0013_council"
down_revision: str | None = "0011_ingest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "council_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("from_profile", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_council_sessions_commune_id_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_sessions")),
        sa.UniqueConstraint(
            "commune_id", "term", "number", name=op.f("uq_council_sessions_commune_id_term_number")
        ),
    )
    op.create_table(
        "council_meetings",
        sa.Column("id", ID, nullable=False),
        sa.Column("commune_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("villages", sa.JSON(), nullable=False),
        sa.Column("delegates", sa.JSON(), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("session_id", ID, nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_by_staff_id", ID, nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_council_meetings_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_meetings_session_id_council_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_council_meetings_created_by_staff_id_staff_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_meetings")),
        sa.UniqueConstraint(
            "commune_id",
            "idempotency_key",
            name=op.f("uq_council_meetings_commune_id_idempotency_key"),
        ),
    )
    op.create_index(
        op.f("ix_council_meetings_session_id"), "council_meetings", ["session_id"], unique=False
    )
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch.add_column(sa.Column("session_id", ID, nullable=True))
        batch.add_column(sa.Column("meeting_id", ID, nullable=True))
        batch.add_column(sa.Column("group_id", ID, nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("spot_answered_by", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            op.f("fk_petitions_session_id_council_sessions"),
            "council_sessions",
            ["session_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_petitions_meeting_id_council_meetings"),
            "council_meetings",
            ["meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            op.f("fk_petitions_group_id_petitions"),
            "petitions",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_petitions_session_id"), ["session_id"], unique=False)
        batch.create_index(op.f("ix_petitions_meeting_id"), ["meeting_id"], unique=False)
        batch.create_index(op.f("ix_petitions_group_id"), ["group_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.drop_index(op.f("ix_petitions_group_id"))
        batch.drop_index(op.f("ix_petitions_meeting_id"))
        batch.drop_index(op.f("ix_petitions_session_id"))
        batch.drop_constraint(op.f("fk_petitions_group_id_petitions"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_petitions_meeting_id_council_meetings"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_petitions_session_id_council_sessions"), type_="foreignkey")
        for name in ("spot_answered_by", "resolution", "group_id", "meeting_id", "session_id"):
            batch.drop_column(name)
        batch.drop_column("summary")
    op.drop_index(op.f("ix_council_meetings_session_id"), table_name="council_meetings")
    op.drop_table("council_meetings")
    op.drop_table("council_sessions")
