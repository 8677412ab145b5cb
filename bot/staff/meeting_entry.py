"""Entering a whole meeting on the dashboard: the keyboard grid (and, in ``meeting_upload``, the
XLSX list). The page posts every row at once; one save is one transaction (``save_meeting``),
and the form carries a one-time key so a double submit creates nothing new.

Rows are named ``r-<n>-<field>``; a row left entirely empty is ignored, any other row is checked
and a problem in one row refuses the whole meeting with the row's number, values kept.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web
from multidict import MultiDict

from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.council_api import save_meeting
from bot.staff.pages import PREFIX, redirect, render
from bot.staff.roles import StaffUser
from handlers.council.meetings import (
    KINDS,
    MAX_ROWS,
    MeetingInput,
    MeetingRefused,
    Opinion,
    suggest_category,
)
from handlers.texts.council import CouncilTexts
from handlers.workflow import InvalidChange, similar
from handlers.workflow.calendar import vn_today
from storage import council as council_repo
from storage import reports as reports_repo

ROW_FIELDS = (
    "content",
    "summary",
    "category",
    "village",
    "name",
    "phone",
    "spot_by",
    "spot_answer",
)
START_ROWS = 1
FORM_FIELDS = (
    "kind",
    "date",
    "venue",
    "unit",
    "delegates",
    "organiser",
    "attendance",
    "session",
    "notes",
    "key",
)


def rows_from_form(form: MultiDict[str]) -> list[dict[str, str]]:
    """The grid's rows in order, empty ones dropped (at most MAX_ROWS + 1 read)."""
    numbers = sorted(
        {int(k.split("-")[1]) for k in form if k.startswith("r-") and k.split("-")[1].isdigit()}
    )
    rows = []
    for n in numbers[: MAX_ROWS + 1]:
        row = {f: form.get(f"r-{n}-{f}", "").strip() for f in ROW_FIELDS}
        row["consent"] = "1" if form.get(f"r-{n}-consent") else ""
        if any(row[f] for f in ("content", "summary", "name", "phone", "spot_by", "spot_answer")):
            rows.append(row)
    return rows


def meeting_from_form(form: MultiDict[str], rows: list[dict[str, str]]) -> MeetingInput:
    session = form.get("session", "").strip()
    return MeetingInput(
        kind=form.get("kind", ""),
        date=form.get("date", ""),
        venue=form.get("venue", ""),
        unit=form.get("unit", ""),
        villages=form.getall("villages", []),
        delegates=[d.strip() for d in form.get("delegates", "").split(",") if d.strip()],
        organiser=form.get("organiser", ""),
        attendance=form.get("attendance", "").strip(),
        session_id=int(session) if session.isdigit() and len(session) < 12 else None,
        notes=form.get("notes", ""),
        opinions=[
            Opinion(
                content=r["content"],
                summary=r["summary"],
                category=r["category"],
                village=r["village"],
                name=r["name"],
                phone=r["phone"],
                consent=bool(r["consent"]),
                spot_by=r["spot_by"],
                spot_answer=r["spot_answer"],
            )
            for r in rows
        ],
    )


async def _context(request: web.Request, values: dict[str, Any]) -> dict[str, Any]:
    runtime = config(request).runtime
    async with runtime.db.read() as session:
        sessions = await council_repo.list_sessions(session, runtime.profile.id)
    today = vn_today(runtime.clock())
    kinds = CouncilTexts.of(runtime.texts).meeting_kind
    return {
        "kinds": [(k, kinds.text(k, k)) for k in KINDS],
        "sessions": sessions,
        "villages": runtime.profile.villages,
        "categories": runtime.profile.categories,
        "today": today.isoformat(),
        "values": values,
        "rows": values.get("rows") or [dict.fromkeys((*ROW_FIELDS, "consent"), "")] * START_ROWS,
        "key": values.get("key") or secrets.token_urlsafe(16),
        "errors": [],
    }


@page("council")
async def new_meeting(request: web.Request) -> web.StreamResponse:
    """The grid, empty (``?session=ID`` preselects the session it prepares)."""
    values: dict[str, Any] = dict.fromkeys(FORM_FIELDS, "")
    values.update(session=request.query.get("session", ""), kind="voter_meeting", villages=[])
    return render(request, "meeting_new.html", await _context(request, values))


@page("council", max_fields=(MAX_ROWS + 2) * 12)
async def save_grid(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    form = request["form"]
    rows = rows_from_form(form)
    key = form.get("key", "").strip()[:100] or None
    try:
        _, body = await save_meeting(runtime, user, meeting_from_form(form, rows), key)
    except MeetingRefused as err:
        errors = err.errors
    except InvalidChange as err:
        errors = [err.message]
    else:
        return redirect(f"{PREFIX}/meetings/{body['id']}?created=1")
    values = {k: form.get(k, "") for k in FORM_FIELDS}
    values.update(villages=form.getall("villages", []), rows=rows or None)
    context = await _context(request, values)
    context["errors"] = errors
    return render(request, "meeting_new.html", context, status=400)


@page("council")
async def suggest(request: web.Request) -> web.StreamResponse:
    """The category suggested for an opinion's text (the grid asks as staff type)."""
    runtime = config(request).runtime
    text = request.query.get("text", "")[:2000]
    category = ""
    if text.strip():
        # the category staff gave the most similar petition, else the words of the categories
        async with runtime.db.read() as session:
            pool = await reports_repo.recent_for_similarity(session, runtime.profile.id)
        ranked = similar.rank_pool(pool, similar.norm_content(text), None, None, limit=1)
        category = pool[ranked[0][1]][4] if ranked else suggest_category(runtime.profile, text)
    return web.json_response({"category": category}, headers={"Cache-Control": "no-store"})
