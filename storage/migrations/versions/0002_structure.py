"""offered buttons in the conversation row

Revision ID: 0002_structure
Revises: 0001
Create Date: 2026-12-02 09:00:00

The buttons recently offered to each chat user (``handlers.offered_buttons``) are kept with
their conversation, so a tapped or typed label is mapped back without reading the outbox.
Existing rows start with an empty record.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_structure"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_states") as batch:
        batch.add_column(
            sa.Column("offered", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_states") as batch:
        batch.drop_column("offered")
