"""Alembic environment: runs on the connection handed over by storage.db.Database.upgrade.

Stand-alone use (``alembic`` on the command line) is not needed: ``python -m bot db upgrade`` is
the supported entry point, and it passes an open connection in ``config.attributes``.
"""

from alembic import context

from storage.models import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with: python -m bot db upgrade")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
