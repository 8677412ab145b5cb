"""A session's Word document, from the database to .docx bytes — for the dashboard, the staff API
and ``python -m bot report session``.

The data is read in one transaction (the profile's schedule may be stored on first read), the
model built, and the rendering (CPU-bound docxtpl work) run in a thread so the event loop keeps
serving. A commune's own templates live in ``KNOWLEDGE_DIR/documents/`` (bot/documents/README.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import get_args

from bot.documents import RENDERERS, Kind
from handlers.council import reports
from handlers.texts import Texts
from knowledge.profile import CommuneProfile
from storage import council as council_repo
from storage.db import Database

KINDS: tuple[str, ...] = get_args(Kind)
FILE_STEMS = {
    "compilation": "bao-cao-tong-hop",
    "appendix": "phu-luc",
    "results": "bao-cao-ket-qua",
}


def template_dir(knowledge_dir: Path | None) -> Path | None:
    """The commune's own templates folder, when it has one."""
    if knowledge_dir is None:
        return None
    folder = Path(knowledge_dir) / "documents"
    return folder if folder.is_dir() else None


async def session_document(
    db: Database,
    profile: CommuneProfile,
    texts: Texts,
    session_id: int,
    kind: str,
    now: dt.datetime,
    templates: Path | None = None,
) -> tuple[str, bytes] | None:
    """(file name, .docx bytes) of the session's ``kind`` document; None if no such session.

    Raises ``bot.documents.TemplateError`` when the commune's template cannot be used.
    """
    async with db.write() as session:
        target = await council_repo.get_session(session, profile.id, session_id)
        if target is None:
            return None
        data = await reports.load(session, profile, texts, target, now)
        if kind == "compilation":
            model = reports.compilation(profile, texts, data)
        elif kind == "appendix":
            model = reports.appendix(profile, texts, data)
        else:
            model = reports.results(profile, texts, data, now)
        number = target.number
    content = await asyncio.to_thread(RENDERERS[kind], model, templates)  # type: ignore[index]
    return f"{FILE_STEMS[kind]}-ky-hop-{number}.docx", content
