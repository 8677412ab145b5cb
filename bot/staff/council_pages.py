"""The council cycle on the dashboard: the sessions list, a session's page (its items, meetings,
documents and supervision) and a meeting's page (what was raised there and what became of it).

The office and admin create and edit sessions; every reader sees them. The documents download
here as in the staff API (generated in a thread).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.staff import supervision
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.council_api import report_response
from bot.staff.pages import PREFIX, error_page, redirect, render
from bot.staff.roles import StaffUser
from handlers.council import reports
from handlers.council import sessions as council_sessions
from handlers.texts.council import CouncilTexts
from handlers.workflow import InvalidChange
from storage import council as council_repo

NOT_FOUND = "Không có kỳ họp này."


def _id(request: web.Request, name: str) -> int | None:
    raw = request.match_info.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


async def _list_context(request: web.Request) -> dict[str, Any]:
    runtime = config(request).runtime
    async with runtime.db.write() as session:
        rows = await council_sessions.sessions(
            session, runtime.profile, runtime.texts, runtime.clock()
        )
        meetings = await council_repo.list_meetings(session, runtime.profile.id)
    kinds = CouncilTexts.of(runtime.texts).meeting_kind
    return {
        "sessions": rows,
        "meetings": meetings[:50],
        "kind_label": kinds.text,
        "error": "",
        "form": None,
    }


@page("view")
async def sessions_page(request: web.Request) -> web.StreamResponse:
    return render(request, "sessions.html", await _list_context(request))


def _session_input(runtime: Any, form: Any) -> council_sessions.SessionInput:
    """The session form's fields, checked (InvalidChange with the Vietnamese problem)."""
    return council_sessions.check_session(
        runtime.texts,
        form.get("number", ""),
        form.get("term", ""),
        form.get("date", ""),
        form.get("title", ""),
        form.get("place", ""),
    )


@page("council")
async def create_session(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    form = request["form"]
    try:
        data = _session_input(runtime, form)
        async with runtime.db.write() as session:
            row = await council_sessions.save_session(
                session, runtime.texts, runtime.profile.id, data, runtime.clock()
            )
            new_id = row.id
    except InvalidChange as err:
        context = await _list_context(request)
        context.update(error=err.message, form=dict(form))
        return render(request, "sessions.html", context, status=400)
    return redirect(f"{PREFIX}/sessions/{new_id}")


async def _session_context(request: web.Request, session_id: int) -> dict[str, Any] | None:
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    profile, texts, now = runtime.profile, runtime.texts, runtime.clock()
    async with runtime.db.write() as session:
        target = await council_repo.get_session(session, profile.id, session_id)
        if target is None:
            return None
        data = await reports.load(session, profile, texts, target, now)
        compiled = reports.compilation(profile, texts, data)
    watch = await supervision.for_session(runtime, session_id, user)
    items = [i for i in data.items if user.sees(i.lead.committee)]
    return {
        "target": target,
        "items": items,
        "spot": data.spot,
        "meetings": data.meetings,
        "report": compiled,
        "watch": watch,
        "village_names": lambda i: ", ".join(i.villages(profile)),
        "kind_label": CouncilTexts.of(texts).meeting_kind.text,
        "error": "",
    }


@page("view")
async def session_page(request: web.Request) -> web.StreamResponse:
    session_id = _id(request, "session_id")
    context = await _session_context(request, session_id) if session_id else None
    if context is None:
        return error_page(request, 404, "Không tìm thấy", NOT_FOUND)
    return render(request, "session.html", context)


@page("council")
async def edit_session(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    session_id = _id(request, "session_id")
    form = request["form"]
    try:
        data = _session_input(runtime, form)
        async with runtime.db.write() as session:
            row = await council_repo.get_session(session, runtime.profile.id, session_id or 0)
            if row is None:
                return error_page(request, 404, "Không tìm thấy", NOT_FOUND)
            await council_sessions.save_session(
                session, runtime.texts, runtime.profile.id, data, runtime.clock(), row
            )
    except InvalidChange as err:
        context = await _session_context(request, session_id or 0)
        if context is None:
            return error_page(request, 404, "Không tìm thấy", NOT_FOUND)
        context["error"] = err.message
        return render(request, "session.html", context, status=400)
    return redirect(f"{PREFIX}/sessions/{session_id}")


@page("reports")
async def session_report(request: web.Request) -> web.StreamResponse:
    return await report_response(request, _id(request, "session_id"))


@page("view")
async def meeting_page(request: web.Request) -> web.StreamResponse:
    """A meeting and what became of each opinion raised there."""
    runtime = config(request).runtime
    meeting_id = _id(request, "meeting_id")
    async with runtime.db.read() as session:
        meeting = (
            await council_repo.get_meeting(session, runtime.profile.id, meeting_id)
            if meeting_id
            else None
        )
        if meeting is None:
            return error_page(request, 404, "Không tìm thấy", "Không có hội nghị này.")
        petitions = await council_repo.petitions_of_meeting(session, meeting.id)
        target = (
            await council_repo.get_session(session, runtime.profile.id, meeting.session_id)
            if meeting.session_id
            else None
        )
    profile = runtime.profile
    villages = [v.name for v in profile.villages if v.id in meeting.villages]

    def village_name(village_id: str) -> str:
        found = profile.village(village_id)
        return found.name if found else ""

    return render(
        request,
        "meeting.html",
        {
            "meeting": meeting,
            "petitions": petitions,
            "target": target,
            "villages": villages,
            "kind_label": CouncilTexts.of(runtime.texts).meeting_kind.text,
            "village_name": village_name,
            "created": request.query.get("created") == "1",
        },
    )
