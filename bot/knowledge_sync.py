"""Every process answers with the entries saved on the dashboard, within seconds, no restart.

Each process polls one cheap number (``storage.kb_entries.version``: the newest change's id)
every few seconds. When it moved, the stored rows are read, handed to the knowledge loader as
data (``knowledge`` reads no database), merged over the bundled and ``KNOWLEDGE_DIR`` entries,
and a new matcher is built — off the event loop — then both are swapped into ``Services`` in one
step, so a message is matched and answered against one knowledge base. The process that saved
an entry starts the rebuild at once (``refresh_soon``) without making the editor wait for the
model's training; saves that arrive during a rebuild are taken by one more, not one each.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence

from handlers.context import Services
from handlers.council import sessions as council_sessions
from knowledge import KnowledgeBase, Matcher
from knowledge.commune import Event
from knowledge.stored_entries import StoredEntry, merge_stored
from knowledge.yamlio import Issue
from storage import kb_entries
from storage.db import Database

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


class KnowledgeSync:
    """Keeps this process's knowledge base and matcher in step with the database."""

    def __init__(self, db: Database, services: Services, base: KnowledgeBase) -> None:
        self.db = db
        self.services = services
        self.base = base  # bundled + KNOWLEDGE_DIR: what stored entries are checked against
        self.version = -1
        self.issues: list[Issue] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self.sessions: tuple[Event, ...] | None = None  # the council's, once staff stored any

    async def stored(self) -> tuple[int, list[StoredEntry]]:
        """The version and the stored entries, read in one transaction."""
        commune = self.services.commune_id
        async with self.db.read() as session:
            version = await kb_entries.version(session, commune)
            rows = await kb_entries.entries(session, commune)
        return version, [StoredEntry(r.entry_id, dict(r.fields or {}), r.disabled) for r in rows]

    async def poll(self) -> bool:
        """Rebuild if the stored entries changed; True when this process now answers anew."""
        commune = self.services.commune_id
        async with self.db.read() as session:
            version = await kb_entries.version(session, commune)
            sessions = await council_sessions.schedule(
                session, self.base.profile, self.services.texts
            )
        if sessions != self.sessions:
            self.sessions = sessions
            services = self.services
            services.kb, services.matcher = self._with_sessions(services.kb, services.matcher)
        if version == self.version:
            return False
        return await self.refresh()

    def _with_sessions(self, kb: KnowledgeBase, matcher: Matcher) -> tuple[KnowledgeBase, Matcher]:
        """The dashboard's sessions are the schedule the chat tells ({council_sessions}).
        Copies, not edits: the knowledge base and matcher in use stay as they were."""
        if self.sessions is None or kb.profile.council_sessions == self.sessions:
            return kb, matcher
        kb = copy.copy(kb)
        kb.profile = dataclasses.replace(kb.profile, council_sessions=self.sessions)
        kb.forget_values()
        matcher = copy.copy(matcher)
        matcher.kb = kb
        return kb, matcher

    def refresh_soon(self) -> None:
        """Rebuild in the background now (a save in this process); coalesces with one running."""
        self._again = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._rebuild_pending())

    async def _rebuild_pending(self) -> None:
        while self._again:
            self._again = False
            try:
                await self.refresh()
            except Exception:  # the poller retries; a save must never be lost to a log line
                log.exception("nạp lại cơ sở tri thức lỗi; sẽ thử lại ở lần kiểm tra sau")

    async def settled(self) -> None:
        """Wait for a rebuild started by ``refresh_soon`` (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def refresh(self) -> bool:
        """Read, merge, build and swap (serialised: one rebuild at a time per process)."""
        async with self._lock:
            version, rows = await self.stored()
            if version == self.version:
                return False
            if not rows and self.services.kb is self.base:
                self.version = version
                return False
            today = self.services.clock().date()
            kb, matcher, issues = await asyncio.to_thread(self._build, rows, today)
            kb, matcher = self._with_sessions(kb, matcher)
            self.services.kb, self.services.matcher = kb, matcher
            self.version = version
            self.issues = issues
        errors = [i for i in issues if i.level == "error"]
        if errors:
            # Ids only: an entry's text is staff-written, but the log is no place for content.
            ids = ", ".join(sorted({i.path.rsplit("/", 1)[-1] for i in errors}))
            log.warning("mục tri thức trong cơ sở dữ liệu bị bỏ qua vì có lỗi: %s", ids)
        log.info("đã nạp lại cơ sở tri thức: %d mục (phiên bản %d)", len(kb), version)
        return True

    def _build(
        self, rows: Sequence[StoredEntry], today: dt.date
    ) -> tuple[KnowledgeBase, Matcher, list[Issue]]:
        kb, issues = merge_stored(self.base, rows, today)
        return kb, Matcher(kb), issues
