"""Stored files: save one, find it by id or by its link token, and wipe one on erasure."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StoredFile

FILE_REF_PREFIX = "file:"  # how a petition attachment points at a stored file: "file:<id>"


async def save_file(
    session: AsyncSession,
    *,
    commune_id: str,
    data: bytes,
    kind: str,
    mime: str,
    name: str,
    source: str,
    now: dt.datetime,
    shared: bool = False,
    sha256: str | None = None,
) -> StoredFile:
    """Store ``data`` (already checked by ``handlers.uploads``) and return the row, flushed."""
    row = StoredFile(
        commune_id=commune_id,
        token=secrets.token_urlsafe(32),
        kind=kind,
        mime=mime,
        name=name[:255],
        size=len(data),
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        source=source[:40],
        shared=shared,
        data=data,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_file(session: AsyncSession, commune_id: str, file_id: int) -> StoredFile | None:
    """A file of this commune that has not been erased."""
    row = await session.get(StoredFile, file_id)
    if row is None or row.commune_id != commune_id or row.erased_at is not None:
        return None
    return row


async def shared_file(session: AsyncSession, token: str) -> StoredFile | None:
    """The file a citizen's link names, if it was meant to be given out and still exists."""
    stmt = select(StoredFile).where(
        StoredFile.token == token, StoredFile.shared.is_(True), StoredFile.erased_at.is_(None)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def erase_files(session: AsyncSession, file_ids: list[int], now: dt.datetime) -> int:
    """Wipe the bytes (and name) of these files; the row stays so references do not dangle."""
    if not file_ids:
        return 0
    result = await session.execute(
        update(StoredFile)
        .where(StoredFile.id.in_(file_ids), StoredFile.erased_at.is_(None))
        .values(data=b"", name="", size=0, erased_at=now)
    )
    return result.rowcount or 0


def file_ref(file_id: int) -> str:
    """The ``ref`` a petition attachment carries for a stored file."""
    return f"{FILE_REF_PREFIX}{file_id}"


def file_id_from_ref(ref: str) -> int | None:
    """The stored file's id in an attachment ``ref``, or None for a platform reference."""
    if not ref.startswith(FILE_REF_PREFIX):
        return None
    rest = ref[len(FILE_REF_PREFIX) :]
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) < 19 else None
