"""The "Thông báo theo thôn" pages: compose an announcement, see who it reached.

Composing one (members who may act on petitions) stores it and queues it for every chat user of
the chosen villages who has not opted out (``handlers.announcements``); the page of one
announcement counts delivered / waiting / failed / not reached and refreshes itself while rows
are still waiting.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.integers import parse_id
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.pages import PREFIX, error_page, redirect, render
from handlers import announcements
from handlers.announcements import InvalidAnnouncement
from storage.models import Announcement

NOT_FOUND = "Không có thông báo này."


async def _list_context(request: web.Request) -> dict:
    runtime = config(request).runtime
    async with runtime.db.read() as session:
        rows = (
            (
                await session.execute(
                    select(Announcement)
                    .where(Announcement.commune_id == runtime.profile.id)
                    .order_by(Announcement.id.desc())
                    .limit(50)
                )
            )
            .scalars()
            .all()
        )
        items = [(a, await announcements.progress(session, a.id)) for a in rows]
    return {
        "items": items,
        "villages": runtime.profile.villages,
        "draft": {"text": "", "villages": []},
        "error": "",
        "max_text": announcements.MAX_TEXT,
    }


def _village_names(runtime, ids: list[str]) -> str:
    if not ids:
        return "Tất cả các thôn"
    return ", ".join(v.name for v in (runtime.profile.village(i) for i in ids) if v)


@page("act")
async def list_page(request: web.Request) -> web.StreamResponse:
    ctx = await _list_context(request)
    ctx["names"] = lambda ids: _village_names(config(request).runtime, ids)
    return render(request, "announcements.html", ctx)


@page("act")
async def create(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    form = request["form"]
    user = request["staff_user"]
    text = str(form.get("text", ""))
    chosen = [str(v) for v in form.getall("village", []) if str(v) != "all"]
    try:
        announcement_id = await announcements.create(
            runtime.db,
            runtime.services,
            text=text,
            villages=chosen,
            staff_id=user.id,
            staff_label=user.username,
        )
    except InvalidAnnouncement as err:
        ctx = await _list_context(request)
        ctx["names"] = lambda ids: _village_names(runtime, ids)
        ctx.update(draft={"text": text[:5000], "villages": chosen}, error=str(err))
        return render(request, "announcements.html", ctx, status=400)
    await announcements.fan_out(runtime.db, runtime.services, announcement_id)
    runtime.worker.wake()
    return redirect(f"{PREFIX}/announcements/{announcement_id}")


@page("act")
async def detail(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    wanted = parse_id(request.match_info["announcement_id"])
    found = None
    if wanted is not None:
        async with runtime.db.read() as session:
            found = await session.get(Announcement, wanted)
            if found is not None and found.commune_id == runtime.profile.id:
                progress = await announcements.progress(session, found.id)
            else:
                found = None
    if found is None:
        return error_page(request, 404, "Không tìm thấy", NOT_FOUND)
    return render(
        request,
        "announcement.html",
        {"a": found, "p": progress, "villages": _village_names(runtime, found.villages)},
    )
