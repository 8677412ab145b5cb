"""Everything a running bot holds, built once from Settings: database, content, engine, worker.

Both the CLI and the web application build a ``Runtime``; tests build one on a temporary database
with a fake clock. The channels (``bot.channels.setup``) fill in their typed fields: the adapter,
its sender, health check, periodic jobs and attachment fetcher.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from bot import secret_keys
from bot.admission import Admission
from bot.config import Settings
from bot.content import Content, load_content
from bot.delivery import DeliveryWorker, InlineSender, Sender
from bot.ingest import IngestQueue
from bot.knowledge_sync import POLL_SECONDS, KnowledgeSync
from handlers import announcements, build_registry
from handlers.capabilities import Capabilities
from handlers.context import Services
from handlers.engine import Engine
from handlers.handoff.timers import forget_old_messages, remind_unanswered
from handlers.registry import Registry
from handlers.texts import Texts
from handlers.workflow.retention import erase_expired_contacts
from handlers.workflow.timers import close_unrated
from knowledge import KnowledgeBase, Matcher
from knowledge.profile import CommuneProfile
from storage import inbound, ingest
from storage.db import REQUEST_POOL_TIMEOUT, Database
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel
    from bot.channels.zalo import ZaloChannel
    from bot.channels.zalo_bot import ZaloBotChannel

log = logging.getLogger(__name__)

PeriodicJob = Callable[[], Awaitable[Any]]
HealthCheck = Callable[[], Awaitable[str]]  # "ok" | "degraded" | "off"
AttachmentFetcher = Callable[[str], Awaitable[tuple[bytes, str]]]  # ref -> (bytes, mime type)
INBOUND_RETENTION = dt.timedelta(days=14)
SERVICE_POOL = 3  # connections of the service pool (health, delivery, senders)
INGEST_CONCURRENCY = 2  # stored events processed at once per process (see config)
WEB_CHANNEL = "web"
# The web chat page: replies in the HTTP response, pushes fetched by the page; photos are
# uploaded to /api/chat/upload (bot.webchat_media).
WEB = Capabilities(inline_replies=True, accepts_media=True)


class Periodic(NamedTuple):
    """A maintenance job the app runs while it serves."""

    interval: float  # seconds
    name: str
    job: PeriodicJob


@dataclass
class Runtime:
    """The bot's long-lived parts."""

    settings: Settings
    db: Database
    services: Services
    registry: Registry
    engine: Engine
    worker: DeliveryWorker
    # webhook events stored at once and processed afterwards (bot.ingest)
    ingest: IngestQueue
    # how many web-chat messages may be in the engine at once (503 beyond; bot.admission)
    admission: Admission
    # a pool of its own for /healthz, the delivery worker and the senders: never starved
    service_db: Database
    # name -> check, shown by /healthz
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)
    # name -> more about a channel for /healthz (e.g. the Zalo OA probe), no personal data
    health_details: dict[str, Callable[[], dict[str, Any]]] = field(default_factory=dict)
    periodic: list[Periodic] = field(default_factory=list)
    # channel -> how the dashboard downloads a photo or file a citizen sent through it
    attachment_fetchers: dict[str, AttachmentFetcher] = field(default_factory=dict)
    telegram: TelegramChannel | None = None
    zalo: ZaloChannel | None = None
    zalo_bot: ZaloBotChannel | None = None
    # the entries saved on the dashboard, polled and merged into services.kb / matcher
    knowledge: KnowledgeSync | None = None

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
    def texts(self) -> Texts:
        return self.services.texts

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.services.clock

    def add_sender(self, sender: Sender) -> None:
        """Let the delivery worker send this channel's outbox rows."""
        self.worker.senders[sender.channel] = sender

    def add_channel(self, sender: Sender, capabilities: Capabilities) -> None:
        """A channel's sender, and what it can show (for messages pushed to it later)."""
        self.add_sender(sender)
        self.services.capabilities[sender.channel] = capabilities

    def add_periodic(self, interval: float, name: str, job: PeriodicJob) -> None:
        """Run ``job`` every ``interval`` seconds; a job of the same name is replaced, so wiring
        the app twice on one runtime (tests, a restart of the app) never runs it twice."""
        self.periodic[:] = [p for p in self.periodic if p.name != name]
        self.periodic.append(Periodic(interval, name, job))

    async def close(self) -> None:
        if self.knowledge is not None:
            self.knowledge.stop()
        await self.ingest.close()
        await self.db.dispose()
        await self.service_db.dispose()


async def build_runtime(
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime] = utcnow,
    migrate: bool = True,
    content: Content | None = None,
    worker_options: dict[str, Any] | None = None,
) -> Runtime:
    """Open the database (migrating it), load the content and wire the engine and worker."""
    content = content or load_content(settings)
    secret_keys.install(settings)
    db = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size // 2,
        pool_timeout=REQUEST_POOL_TIMEOUT,
    )
    service_db = Database(settings.database_url, pool_size=SERVICE_POOL, max_overflow=2)
    if migrate:
        await db.upgrade()
    services = Services(
        profile=content.profile,
        kb=content.kb,
        matcher=content.matcher,
        texts=content.texts,
        clock=clock,
        capabilities={WEB_CHANNEL: WEB},
        public_url=settings.public_url or f"http://{settings.host}:{settings.port}",
        personal_data_retention_days=settings.personal_data_retention_days,
    )
    registry = build_registry()
    senders: dict[str, Sender] = {WEB_CHANNEL: InlineSender(WEB_CHANNEL)}
    worker = DeliveryWorker(service_db, senders, clock=clock, **(worker_options or {}))
    engine = Engine(db, services, registry, on_commit=worker.wake)
    queue = IngestQueue(db, clock=clock, concurrency=INGEST_CONCURRENCY)
    await engine.setup()
    runtime = Runtime(
        settings=settings,
        db=db,
        services=services,
        registry=registry,
        engine=engine,
        worker=worker,
        ingest=queue,
        admission=Admission(settings.max_concurrent_messages),
        service_db=service_db,
    )
    commune = content.profile.id
    runtime.add_periodic(60, "expire-flows", engine.expire_flows)
    runtime.add_periodic(3600, "prune-inbound-events", lambda: prune_inbound_events(db, clock))
    retention = dt.timedelta(days=settings.personal_data_retention_days)
    runtime.add_periodic(
        3600,
        "erase-expired-contacts",
        lambda: erase_expired_contacts(db, commune, clock, retention),
    )
    runtime.add_periodic(
        600,
        "close-unrated-petitions",
        functools.partial(close_unrated, db, services, on_commit=worker.wake),
    )
    runtime.knowledge = KnowledgeSync(db, services, content.kb)
    await runtime.knowledge.refresh()  # the dashboard's entries from the first message on
    runtime.add_periodic(POLL_SECONDS, "knowledge-sync", runtime.knowledge.poll)
    runtime.add_periodic(
        300,
        "handoff-reminders",
        functools.partial(remind_unanswered, db, services, on_commit=worker.wake),
    )
    runtime.add_periodic(
        3600,
        "handoff-retention",
        lambda: forget_old_messages(db, commune, clock, retention),
    )
    runtime.add_periodic(60, "announcements-resume", functools.partial(resume_fan_out, runtime))
    return runtime


async def resume_fan_out(runtime: Runtime) -> None:
    """Finish any announcement fan-out a crash or restart interrupted, then send."""
    if await announcements.resume_all(runtime.db, runtime.services):
        runtime.worker.wake()


async def prune_inbound_events(db: Database, clock: Callable[[], dt.datetime]) -> int:
    """Forget delivery ids older than any platform's redelivery window (Zalo retries ~12 h)."""
    async with db.write() as session:
        await ingest.prune_events(session, clock() - INBOUND_RETENTION)
        return await inbound.prune_inbound(session, clock() - INBOUND_RETENTION)
