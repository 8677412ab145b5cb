"""The public results page ``GET /cong-khai`` and its JSON ``GET /api/public/petitions``.

Only petitions staff chose to publish (``petitions.public_at``), read from the database on every
request so a withdrawal is effective at once. What is shown goes through
``handlers.public_results`` (names, phone numbers and addresses masked, even inside the text).
The page is plain HTML and one stylesheet: no JavaScript, readable on a phone; its filters are a
GET form.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.keys import RUNTIME
from bot.runtime import Runtime
from handlers import workflow
from handlers.council import sessions as council_sessions
from handlers.public_results import public_answer, public_summary
from handlers.texts.council import CouncilTexts
from handlers.texts.staff_followup import StaffFollowupTexts
from handlers.workflow import calendar
from storage import council as council_repo
from storage import petitions as repo
from storage.models import CouncilSession, Petition
from storage.petitions import PetitionFilter

HERE = Path(__file__).parent
PER_PAGE = 50
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True
)
STYLE = (HERE / "public.css").read_text(encoding="utf-8")
# What the public sees of each lifecycle status (internal steps read as "being handled").


class BadFilter(ValueError):
    """A filter value that does not exist; the message is Vietnamese."""


def _filter(
    runtime: Runtime, query: Any, sessions: list[CouncilSession]
) -> tuple[PetitionFilter, dict[str, str], int]:
    profile = runtime.profile
    keys = ("village", "category", "status", "session")
    chosen = {k: (query.get(k) or "").strip()[:60] for k in keys}
    window = None
    if chosen["session"]:
        target = next((r for r in sessions if str(r.id) == chosen["session"]), None)
        if target is None:
            raise BadFilter(f"Không có kỳ họp «{chosen['session']}».")
        window = (target.id, *council_sessions.window_bounds(sessions, target))
    if chosen["village"] and profile.village(chosen["village"]) is None:
        raise BadFilter(f"Không có thôn «{chosen['village']}».")
    if chosen["category"] and profile.category(chosen["category"]) is None:
        raise BadFilter(f"Không có lĩnh vực «{chosen['category']}».")
    if chosen["status"] and chosen["status"] not in workflow.STATES:
        raise BadFilter(f"Không có trạng thái «{chosen['status']}».")
    try:
        page = max(1, min(10_000, int(query.get("page") or 1)))
    except ValueError:
        raise BadFilter("Số trang phải là số nguyên.") from None
    flt = PetitionFilter(
        commune_id=profile.id,
        public_only=True,
        village=chosen["village"] or None,
        category=chosen["category"] or None,
        statuses=(chosen["status"],) if chosen["status"] else (),
        session_window=window,
    )
    return flt, chosen, page


def _statuses(runtime: Runtime) -> dict[str, str]:
    """The public page's status words, from the texts (a commune may change them)."""
    return {k: v() for k, v in StaffFollowupTexts.of(runtime.texts).public_status.items()}


def _item(runtime: Runtime, petition: Petition) -> dict[str, Any]:
    profile = runtime.profile
    village = profile.village(petition.village) if petition.village else None
    category = profile.category(petition.category)
    return {
        "code": petition.code,
        "summary": public_summary(petition, runtime.texts),
        "village": village.name if village else None,
        "village_id": petition.village,
        "category": category.name if category else petition.category,
        "category_id": petition.category,
        "session": getattr(petition, "session_id", None),
        "status": petition.status,
        "status_label": _statuses(runtime).get(petition.status, petition.status),
        "answer": public_answer(petition, runtime.texts) or None,
        "answered_at": petition.answered_at.isoformat() if petition.answered_at else None,
        "answered_on": calendar.vn_date(calendar.vn_today(petition.answered_at))
        if petition.answered_at
        else None,
    }


def on_time_by_quarter(times: list[tuple[dt.datetime, dt.date | None]]) -> list[dict[str, Any]]:
    """Answered petitions per quarter, and how many of them by their due date (newest first)."""
    periods: dict[tuple[int, int], list[int]] = {}
    for answered_at, due in times:
        day = calendar.vn_today(answered_at)
        key = (day.year, (day.month - 1) // 3 + 1)
        counts = periods.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += 1 if due is None or day <= due else 0
    return [
        {"period": f"Quý {q}/{y}", "answered": n, "on_time": ok}
        for (y, q), (n, ok) in sorted(periods.items(), reverse=True)[:8]
    ]


async def _load(runtime: Runtime, query: Any) -> dict[str, Any]:
    async with runtime.db.read() as session:
        sessions = await council_repo.list_sessions(session, runtime.profile.id)
        flt, chosen, page = _filter(runtime, query, sessions)
        rows, total = await repo.list_petitions(
            session, flt, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
        )
        times = await repo.answer_times(session, runtime.profile.id)
    return {
        "petitions": [_item(runtime, p) for p in rows],
        "total": total,
        "page": page,
        "chosen": chosen,
        "on_time": on_time_by_quarter(times),
        "sessions": [
            {
                "id": str(r.id),
                "label": f"{CouncilTexts.of(runtime.texts).session_in_chat(number=r.number)}"
                f" ({r.date:%d/%m/%Y})",
            }
            for r in sessions
        ],
    }


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


async def api_petitions(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    try:
        data = await _load(runtime, request.query)
    except BadFilter as err:
        return web.json_response({"error": str(err)}, status=400, dumps=_dumps)
    keep = ("code", "summary", "village", "category", "session", "status", "answer")
    body = {
        "petitions": [
            {**{k: p[k] for k in keep}, "answered_at": p["answered_at"]} for p in data["petitions"]
        ],
        "total": data["total"],
        "page": data["page"],
        "on_time": data["on_time"],
    }
    return web.json_response(body, dumps=_dumps, headers={"Cache-Control": "no-store"})


async def page(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    t = StaffFollowupTexts.of(runtime.texts)
    context: dict[str, Any] = {
        "title": t.public_title(),
        "intro": t.public_intro(),
        "empty": t.public_empty(),
        "profile": runtime.profile,
        "statuses": _statuses(runtime),
        "error": None,
    }
    status = 200
    try:
        context.update(await _load(runtime, request.query))
    except BadFilter as err:
        context.update(
            error=str(err), petitions=[], total=0, page=1, on_time=[], chosen={}, sessions=[]
        )
        status = 400
    context["pages"] = max(1, (context["total"] + PER_PAGE - 1) // PER_PAGE)
    html = ENV.get_template("public.html").render(**context)
    return web.Response(
        text=html,
        content_type="text/html",
        status=status,
        headers={"Cache-Control": "no-store"},
    )


async def style(request: web.Request) -> web.StreamResponse:
    return web.Response(
        text=STYLE, content_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/cong-khai", page)
    app.router.add_get("/cong-khai/style.css", style)
    app.router.add_get("/api/public/petitions", api_petitions)
