"""INSERT … ON CONFLICT DO NOTHING on both databases.

A unique key decides who wins when two processes insert the same row; the loser learns it without
an IntegrityError that would abort its PostgreSQL transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

_STATEMENTS: dict[tuple[Any, ...], Any] = {}


async def insert_ignore(
    session: AsyncSession,
    model: type[Any],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> int | None:
    """Insert one row unless the unique key exists; return the new primary key or None."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__
    pk = next(iter(table.primary_key.columns))
    row = dict(values)
    # Column defaults given as Python callables are not applied to a Core insert: fill them.
    for column in table.columns:
        if column.name not in row and column.default is not None and not column.primary_key:
            default = column.default
            if default.is_callable:
                row[column.name] = default.arg(None)
            elif default.is_scalar:
                row[column.name] = default.arg
    key = (dialect, table.name, tuple(conflict_columns), tuple(sorted(row)))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        # Built once per shape, values bound per call: no construction or cache key each time.
        stmt = (
            module.insert(table)
            .values({name: bindparam(name) for name in row})
            .on_conflict_do_nothing(index_elements=list(conflict_columns))
            .returning(pk)
        )
        _STATEMENTS[key] = stmt
    result = await session.execute(stmt, row)
    return result.scalar_one_or_none()
