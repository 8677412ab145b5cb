"""The staff dashboard and the staff JSON API under ``/staff``.

Mounted as an aiohttp sub-application so its templates, headers and routes stay apart from the
citizen-facing web chat. Who may open which route is declared on each handler (``auth.page`` /
``api.api_route``) from the one table in ``roles``.
"""

from __future__ import annotations

import datetime as dt
import logging

from aiohttp import web

from bot.keys import RUNTIME
from bot.runtime import Runtime
from bot.staff import (
    accounts,
    api,
    auth,
    bootstrap,
    gaps,
    intake,
    petitions,
    reports,
    throttle,
)
from bot.staff.common import CONFIG, PREFIX, STATIC_DIR, StaffConfig, jinja_env, redirect
from storage import staff as staff_repo

log = logging.getLogger(__name__)

DEFAULTS = {
    "STAFF_SESSION_IDLE_MINUTES": 60,
    "STAFF_SESSION_HOURS": 12,
    "STAFF_LOGIN_MAX_FAILURES": 5,
    "STAFF_LOGIN_WINDOW_MINUTES": 15,
}


def _positive(runtime: Runtime, name: str) -> int:
    default = DEFAULTS[name]
    raw = runtime.settings.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        log.warning("%s='%s' không hợp lệ (cần số nguyên dương); dùng %s", name, raw, default)
        return default
    return value


def _trusted_proxies(runtime: Runtime) -> tuple:
    raw = runtime.settings.get("STAFF_TRUSTED_PROXIES", throttle.DEFAULT_TRUSTED_PROXIES)
    networks, invalid = throttle.parse_networks(raw)
    if invalid:
        log.warning(
            "STAFF_TRUSTED_PROXIES: bỏ qua %s (không phải địa chỉ IP hay dải CIDR)",
            ", ".join(repr(item[:60]) for item in invalid),
        )
    return networks


def make_config(runtime: Runtime) -> StaffConfig:
    max_failures = _positive(runtime, "STAFF_LOGIN_MAX_FAILURES")
    return StaffConfig(
        runtime=runtime,
        idle=dt.timedelta(minutes=_positive(runtime, "STAFF_SESSION_IDLE_MINUTES")),
        absolute=dt.timedelta(hours=_positive(runtime, "STAFF_SESSION_HOURS")),
        max_failures=max_failures,
        max_failures_per_ip=max_failures * 10,
        max_failures_per_account=max_failures * 20,
        trusted_proxies=_trusted_proxies(runtime),
        lockout_window=dt.timedelta(minutes=_positive(runtime, "STAFF_LOGIN_WINDOW_MINUTES")),
        cookie_secure=runtime.settings.staff_cookie_secure,
    )


async def _home(request: web.Request) -> web.StreamResponse:
    return redirect(f"{PREFIX}/petitions", status=302)


async def _to_home(request: web.Request) -> web.StreamResponse:
    return redirect(f"{PREFIX}/", status=302)


def routes(staff_app: web.Application) -> None:
    r = staff_app.router
    r.add_get("/", _home)
    r.add_get("/login", auth.login_get)
    r.add_post("/login", auth.login_post)
    r.add_post("/logout", auth.logout)
    r.add_get("/password", auth.password_get)
    r.add_post("/password", auth.password_post)
    r.add_get("/petitions", petitions.inbox)
    r.add_get("/petitions/{code}", petitions.detail)
    r.add_post("/petitions/{code}/action", petitions.act)
    r.add_get("/petitions/{code}/receipt", intake.receipt)
    r.add_get("/petitions/{code}/attachments/{attachment_id}", petitions.attachment)
    r.add_get("/intake", intake.intake_form)
    r.add_post("/intake", intake.intake_submit)
    r.add_get("/reports", reports.reports_page)
    r.add_get("/reports.xlsx", reports.export_xlsx)
    r.add_get("/reports.csv", reports.export_csv)
    r.add_get("/gaps", gaps.gaps_page)
    r.add_get("/accounts", accounts.accounts_page)
    r.add_post("/accounts", accounts.create_account)
    r.add_post("/accounts/{account_id}/deactivate", accounts.deactivate)
    r.add_post("/accounts/{account_id}/activate", accounts.activate)
    r.add_post("/accounts/{account_id}/reset-password", accounts.reset_password)
    r.add_post("/accounts/{account_id}/revoke-sessions", accounts.revoke_sessions)
    r.add_get("/api/petitions", api.list_petitions)
    r.add_get("/api/petitions/{code}", api.get_petition)
    r.add_post("/api/petitions/{code}/events", api.post_event)
    r.add_static("/static/", STATIC_DIR)


async def _bootstrap(app: web.Application) -> None:
    runtime = app[RUNTIME]
    created = await bootstrap.ensure_first_admin(runtime)
    if created is not None:
        settings = runtime.settings
        base = settings.public_url or f"http://{settings.host}:{settings.port}"
        bootstrap.announce(created[0], created[1], f"{base}{PREFIX}/login")


def _add_housekeeping(runtime: Runtime) -> None:
    async def purge() -> None:
        cutoff = runtime.clock() - dt.timedelta(days=1)
        async with runtime.db.write() as session:
            await staff_repo.purge_sessions(session, cutoff)
            await staff_repo.purge_failures(session, cutoff)

    runtime.add_periodic(3600, "staff-housekeeping", purge)


def setup(app: web.Application, runtime: Runtime) -> None:
    """Mount the dashboard and the API under /staff, and make sure an admin exists at start."""
    staff_app = web.Application()
    staff_app[CONFIG] = make_config(runtime)
    jinja_env(staff_app)
    routes(staff_app)
    app.add_subapp(PREFIX, staff_app)
    app.router.add_get(PREFIX, _to_home)
    app.on_startup.append(_bootstrap)
    _add_housekeeping(runtime)
