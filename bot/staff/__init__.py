"""The staff dashboard and the staff JSON API under ``/staff``.

Mounted as an aiohttp sub-application so its templates, headers and routes stay apart from the
citizen-facing web chat. Who may open which route is declared on each handler (``auth.page`` /
``api.api_route``) from the one table in ``roles``.
"""

from __future__ import annotations

import datetime as dt
import logging

from aiohttp import web

from bot import mail
from bot.keys import RUNTIME
from bot.runtime import Runtime
from bot.staff import (
    accounts,
    announcements,
    api,
    auth,
    bootstrap,
    bulk,
    bulk_pages,
    council_api,
    council_detail,
    council_pages,
    exports,
    gaps,
    handoff_api,
    handoff_pages,
    intake,
    kb_api,
    kb_pages,
    meeting_entry,
    meeting_upload,
    password_pages,
    petitions,
    reports,
)
from bot.staff.config import CONFIG, StaffConfig
from bot.staff.labels import Labels
from bot.staff.pages import PREFIX, STATIC_DIR, jinja_env, redirect
from storage import staff as staff_repo

log = logging.getLogger(__name__)


def make_config(runtime: Runtime) -> StaffConfig:
    """The dashboard's settings, read from the validated ``Settings`` (STAFF_*)."""
    settings = runtime.settings
    max_failures = settings.staff_login_max_failures
    return StaffConfig(
        runtime=runtime,
        idle=dt.timedelta(minutes=settings.staff_session_idle_minutes),
        absolute=dt.timedelta(hours=settings.staff_session_hours),
        max_failures=max_failures,
        max_failures_per_ip=max_failures * 10,
        max_failures_per_account=max_failures * 20,
        trusted_proxies=settings.staff_trusted_proxies,
        lockout_window=dt.timedelta(minutes=settings.staff_login_window_minutes),
        cookie_secure=settings.staff_cookie_secure,
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
    r.add_get("/password", password_pages.password_get)
    r.add_post("/password", password_pages.password_post)
    r.add_get("/petitions", petitions.inbox)
    r.add_get("/petitions/{code}", petitions.detail)
    r.add_post("/petitions/{code}/action", petitions.act)
    r.add_post("/petitions/{code}/council", council_detail.save)
    r.add_post("/petitions/bulk", bulk_pages.bulk_submit)
    r.add_post("/petitions/{code}/publish", petitions.publish)
    r.add_get("/petitions/{code}/receipt", intake.receipt)
    r.add_get("/petitions/{code}/attachments/{attachment_id}", petitions.attachment)
    r.add_get("/intake", intake.intake_form)
    r.add_post("/intake", intake.intake_submit)
    r.add_get("/reports", reports.reports_page)
    r.add_get("/reports.xlsx", exports.export_xlsx)
    r.add_get("/reports.csv", exports.export_csv)
    r.add_get("/gaps", gaps.gaps_page)
    r.add_get("/accounts", accounts.accounts_page)
    r.add_post("/accounts", accounts.create_account)
    r.add_post("/accounts/{account_id}/deactivate", accounts.deactivate)
    r.add_post("/accounts/{account_id}/activate", accounts.activate)
    r.add_post("/accounts/{account_id}/reset-password", accounts.reset_password)
    r.add_post("/accounts/{account_id}/revoke-sessions", accounts.revoke_sessions)
    r.add_get("/announcements", announcements.list_page)
    r.add_post("/announcements", announcements.create)
    r.add_get("/announcements/{announcement_id}", announcements.detail)
    r.add_post("/accounts/{account_id}/tokens/{token_id}/revoke", accounts.revoke_token)
    r.add_post("/accounts/{account_id}/email", accounts.set_email)
    r.add_get("/handoff", handoff_pages.inbox)
    r.add_get("/handoff/{conversation_id}", handoff_pages.detail)
    r.add_post("/handoff/{conversation_id}/reply", handoff_pages.reply)
    r.add_post("/handoff/{conversation_id}/take", handoff_pages.take)
    r.add_post("/handoff/{conversation_id}/close", handoff_pages.close)
    r.add_post("/handoff/{conversation_id}/petition", handoff_pages.petition)
    r.add_get("/kb", kb_pages.list_page)
    r.add_get("/kb/new", kb_pages.new_page)
    r.add_post("/kb/new", kb_pages.create)
    r.add_get("/kb/{entry_id}", kb_pages.edit_page)
    r.add_post("/kb/{entry_id}", kb_pages.save)
    r.add_post("/kb/{entry_id}/disable", kb_pages.disable)
    r.add_post("/kb/{entry_id}/enable", kb_pages.enable)
    r.add_get("/api/conversations", handoff_api.list_conversations)
    r.add_get("/api/conversations/{conversation_id}", handoff_api.get_conversation)
    r.add_post("/api/conversations/{conversation_id}/messages", handoff_api.post_message)
    r.add_post("/api/conversations/{conversation_id}/close", handoff_api.close_conversation)
    r.add_post("/api/conversations/{conversation_id}/take", handoff_api.take_conversation)
    r.add_post(
        "/api/conversations/{conversation_id}/petition", handoff_api.petition_from_conversation
    )
    r.add_get("/api/kb/entries", kb_api.list_entries)
    r.add_post("/api/kb/entries", kb_api.create_entry)
    r.add_get("/api/kb/entries/{entry_id}", kb_api.get_entry)
    r.add_put("/api/kb/entries/{entry_id}", kb_api.put_entry)
    r.add_get("/api/petitions", api.list_petitions)
    r.add_post("/api/petitions/bulk", bulk.post_bulk)
    r.add_get("/api/petitions/{code}", api.get_petition)
    r.add_post("/api/petitions/{code}/events", api.post_event)
    r.add_get("/sessions", council_pages.sessions_page)
    r.add_post("/sessions", council_pages.create_session)
    r.add_get("/sessions/{session_id}", council_pages.session_page)
    r.add_post("/sessions/{session_id}", council_pages.edit_session)
    r.add_get("/sessions/{session_id}/report.docx", council_pages.session_report)
    r.add_get("/meetings/new", meeting_entry.new_meeting)
    r.add_get("/meetings/suggest", meeting_entry.suggest)
    r.add_get("/meetings/template.xlsx", meeting_upload.template)
    r.add_get("/meetings/upload", meeting_upload.upload_form)
    r.add_post("/meetings/upload", meeting_upload.preview)
    r.add_post("/meetings", meeting_entry.save_grid)
    r.add_get("/meetings/{meeting_id}", council_pages.meeting_page)
    r.add_get("/api/sessions", council_api.list_sessions)
    r.add_post("/api/sessions", council_api.create_session)
    r.add_put("/api/sessions/{session_id}", council_api.update_session)
    r.add_get("/api/sessions/{session_id}/report.docx", council_api.session_report)
    r.add_get("/api/sessions/{session_id}/supervision", council_api.session_supervision)
    r.add_post("/api/meetings", council_api.create_meeting)
    r.add_get("/api/meetings/{meeting_id}", council_api.get_meeting)
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
    jinja_env(staff_app, Labels.of(runtime.texts))
    routes(staff_app)
    # Before the sub-application: its prefix resource also claims "/staff" itself, and the
    # router tries resources in the order they were added.
    app.router.add_get(PREFIX, _to_home)
    app.add_subapp(PREFIX, staff_app)
    app.on_startup.append(_bootstrap)
    _add_housekeeping(runtime)
    mail.schedule(runtime)
