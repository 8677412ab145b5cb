"""API tokens expire

Revision ID: 0009_security
Revises: 0008_handoff
Create Date: 2026-12-02 15:00:00

A staff API token now has an expiry (``STAFF_API_TOKEN_DAYS``, 90 days by default). Tokens made
before this revision get 90 days from the upgrade, so no integration stops at once.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0009_security"
down_revision: str | None = "0008_handoff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRACE = dt.timedelta(days=90)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", UTCDateTime(timezone=True)))
    op.execute(
        tokens.update()
        .where(tokens.c.expires_at.is_(None))
        .values(expires_at=dt.datetime.now(dt.UTC) + GRACE)
    )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
