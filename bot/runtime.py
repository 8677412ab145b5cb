"""Everything a running bot holds, built once from Settings: database, knowledge, engine, worker.

Both the CLI and the web application build a ``Runtime``; tests build one on a temporary database
with a fake clock. Channel adapters register their senders, health checks and periodic jobs here.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.delivery import DeliveryWorker, InlineSender, Sender
from handlers import build_registry
from handlers.context import WEB_CHANNEL, Services
from handlers.engine import Engine
from handlers.petitions.followup import close_unrated
from handlers.router import Registry
from knowledge import KnowledgeBase, Matcher, load_knowledge
from knowledge.profile import CommuneProfile, load_profile
from storage import inbound
from storage import retention as retention_store
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)

PeriodicJob = Callable[[], Awaitable[Any]]
INBOUND_RETENTION = dt.timedelta(days=14)


@dataclass
class Runtime:
    """The bot's long-lived parts."""

    settings: Settings
    db: Database
    services: Services
    registry: Registry
    engine: Engine
    worker: DeliveryWorker
    # name -> async () -> "ok" | "degraded" | "off": shown by /healthz
    health_checks: dict[str, Callable[[], Awaitable[str]]] = field(default_factory=dict)
    # (interval in seconds, name, job): maintenance run by the app while it serves
    periodic: list[tuple[float, str, PeriodicJob]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    # The content and the clock live in ``services`` (the handlers' view); these read through.
    @property
    def profile(self) -> CommuneProfile:
        return self.services.profile

    @property
    def kb(self) -> KnowledgeBase:
        return self.services.kb

    @property
    def matcher(self) -> Matcher:
        return self.services.matcher

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.services.clock

    def add_sender(self, sender: Sender) -> None:
        """Let the delivery worker send this channel's outbox rows."""
        self.worker.senders[sender.channel] = sender

    def add_periodic(self, interval: float, name: str, job: PeriodicJob) -> None:
        """Run ``job`` every ``interval`` seconds; a job of the same name is replaced, so wiring
        the app twice on one runtime (tests, a restart of the app) never runs it twice."""
        self.periodic[:] = [p for p in self.periodic if p[1] != name]
        self.periodic.append((interval, name, job))

    async def close(self) -> None:
        await self.db.dispose()


def load_content(settings: Settings) -> tuple[CommuneProfile, KnowledgeBase, Matcher]:
    """The commune profile, the knowledge base and its matcher (raises on invalid data)."""
    profile = load_profile(settings.commune_profile)
    kb = load_knowledge(profile, settings.knowledge_dir)
    return profile, kb, Matcher(kb)


async def build_runtime(
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime] = utcnow,
    migrate: bool = True,
    content: tuple[CommuneProfile, KnowledgeBase, Matcher] | None = None,
    worker_options: dict[str, Any] | None = None,
) -> Runtime:
    """Open the database (migrating it), load the content and wire the engine and worker."""
    profile, kb, matcher = content or load_content(settings)
    db = Database(settings.database_url)
    if migrate:
        await db.upgrade()
    services = Services(profile=profile, kb=kb, matcher=matcher, clock=clock)
    registry = build_registry()
    senders: dict[str, Sender] = {WEB_CHANNEL: InlineSender(WEB_CHANNEL)}
    worker = DeliveryWorker(db, senders, clock=clock, **(worker_options or {}))
    engine = Engine(db, services, registry, on_commit=worker.wake)
    await engine.setup()
    runtime = Runtime(
        settings=settings,
        db=db,
        services=services,
        registry=registry,
        engine=engine,
        worker=worker,
    )
    runtime.add_periodic(60, "expire-flows", engine.expire_flows)
    runtime.add_periodic(3600, "prune-inbound-events", lambda: prune_inbound_events(db, clock))
    retention = dt.timedelta(days=settings.personal_data_retention_days)
    runtime.add_periodic(
        3600,
        "erase-expired-contacts",
        lambda: erase_expired_contacts(db, profile.id, clock, retention),
    )
    runtime.add_periodic(
        600,
        "close-unrated-petitions",
        functools.partial(close_unrated, db, services, on_commit=worker.wake),
    )
    return runtime


async def erase_expired_contacts(
    db: Database, commune_id: str, clock: Callable[[], dt.datetime], retention: dt.timedelta
) -> retention_store.RetentionResult:
    """Erase petitioners' contact details a retention period after their petition ended."""
    async with db.write() as session:
        result = await retention_store.erase_expired_contacts(
            session, commune_id, clock(), retention
        )
    if result.petitions or result.citizens:
        log.info(
            "Đã tự động xóa thông tin liên hệ: %s kiến nghị, %s người",
            result.petitions,
            result.citizens,
        )
    return result


async def prune_inbound_events(db: Database, clock: Callable[[], dt.datetime]) -> int:
    """Forget delivery ids older than any platform's redelivery window (Zalo retries ~12 h)."""
    async with db.write() as session:
        return await inbound.prune_inbound(session, clock() - INBOUND_RETENTION)
