"""The communes a deployment serves."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Commune
from storage.upsert import insert_ignore


async def ensure_commune(session: AsyncSession, commune_id: str, name: str) -> None:
    """Create the commune row if it is missing; keep its name up to date."""
    await insert_ignore(session, Commune, {"id": commune_id, "name": name}, ["id"])
    commune = await session.get(Commune, commune_id)
    if commune is not None and commune.name != name:
        commune.name = name
