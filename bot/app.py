"""The aiohttp application: web chat, health, channel webhooks, staff dashboard, background work.

One process serves HTTP and runs the delivery worker and maintenance jobs in the same event loop;
run several processes against one PostgreSQL to scale out. On shutdown (SIGTERM) aiohttp stops
accepting requests and waits for those in flight; then the cleanup contexts stop the worker after
its current batch and close the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot import files, public, staff, webchat
from bot.admission import Saturated, busy
from bot.channels import setup as channels
from bot.channels.logs import install_log_guards
from bot.ingest import Busy
from bot.keys import RUNTIME
from bot.runtime import Runtime

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.content_type == "text/html":
        response.headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
    if request.secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


@web.middleware
async def overload(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Saturated — no engine slot, the webhook writer's backlog full, or no pooled connection
    within the short pool timeout: 503 with Retry-After at once, never a 500. So is a database
    connection lost under a request (the server restarted; connections are pinged only after
    sitting idle): the transaction was rolled back, nothing was stored, and the client — a
    platform redelivering its webhook, the web chat resending its message id — tries again."""
    try:
        return await handler(request)
    except (Saturated, Busy, PoolTimeout):
        return busy()
    except DBAPIError as err:
        if not err.connection_invalidated:
            raise
        log.warning("Mất kết nối cơ sở dữ liệu giữa một yêu cầu; đã trả 503 để gửi lại")
        return busy()


async def healthz(request: web.Request) -> web.Response:
    """200 while the database answers (through the service pool, so a saturated request pool
    cannot make it fail); channel states are reported alongside."""
    runtime = request.app[RUNTIME]
    if not await runtime.service_db.ping():
        return web.json_response({"status": "unavailable", "database": "down"}, status=503)
    states = {"web": "ok"}
    for name, check in runtime.health_checks.items():
        try:
            states[name] = await check()
        except Exception:  # a broken check must not take the health endpoint down
            states[name] = "degraded"
    body: dict = {"status": "ok", "database": "ok", "channels": states}
    details = {name: describe() for name, describe in runtime.health_details.items()}
    if details:
        body["details"] = details
    return web.json_response(body)


async def _periodic(interval: float, name: str, job, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("việc định kỳ '%s' lỗi", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def background(app: web.Application) -> AsyncIterator[None]:
    """The delivery worker and the periodic jobs, stopped gracefully at shutdown."""
    runtime = app[RUNTIME]
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(runtime.worker.run(stop), name="delivery"),
        asyncio.create_task(runtime.ingest.run(stop), name="ingest"),
    ]
    for p in runtime.periodic:
        tasks.append(asyncio.create_task(_periodic(p.interval, p.name, p.job, stop), name=p.name))
    yield
    stop.set()
    runtime.worker.wake()
    runtime.ingest.wake()
    done, pending = await asyncio.wait(tasks, timeout=30)
    for task in pending:
        task.cancel()
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            log.error("tác vụ nền '%s' dừng vì lỗi: %r", task.get_name(), task.exception())


def create_app(runtime: Runtime, *, run_background: bool = True) -> web.Application:
    """The whole HTTP surface; ``run_background=False`` lets tests drive the worker by hand."""
    install_log_guards()
    # A request line up to 64 KiB: a pasted 10,000-character search reaches the handler and is
    # answered with a clear message, not refused by the parser with a logged traceback.
    app = web.Application(
        middlewares=[security_headers, overload],
        client_max_size=1024**2,
        handler_args={"max_line_size": 65536},
    )
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    webchat.setup(app)
    files.setup(app)
    public.setup(app)
    channels.setup(app, runtime)
    staff.setup(app, runtime)
    if run_background:
        app.cleanup_ctx.append(background)
    return app
