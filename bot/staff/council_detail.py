"""The council card on a petition's page: the staff summary next to the citizen's words, the
session it is compiled for (movable), its group of identical opinions, the class of its answer —
and the form that changes them (one transaction through ``actions.perform``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from bot.staff import actions
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.pages import PREFIX, error_page, redirect
from bot.staff.roles import StaffUser
from handlers.council import sessions as council_sessions
from handlers.texts.council import CouncilTexts
from handlers.workflow import Change, LifecycleError
from handlers.workflow.council import RESOLUTIONS
from storage import council as council_repo
from storage import petitions as repo
from storage.models import Petition


async def context(runtime: Any, petition: Petition) -> dict[str, Any]:
    """What the card shows: sessions (the one it is compiled for marked), the group's codes."""
    async with runtime.db.write() as session:
        rows = await council_sessions.sessions(
            session, runtime.profile, runtime.texts, runtime.clock()
        )
        current = council_sessions.default_session(rows, petition)
        lead_id = petition.group_id or petition.id
        members = await council_repo.group_members(session, lead_id)
    texts = CouncilTexts.of(runtime.texts)
    return {
        "council_sessions": rows,
        "council_session": current,
        "group": [m.code for m in members] if len(members) > 1 else [],
        "resolutions": [(r, texts.resolution.text(r, r)) for r in RESOLUTIONS],
    }


def change_from_form(form: MultiDict[str]) -> actions.CouncilChange:
    session = form.get("session", "").strip()
    group = form.get("group_with", "").strip()
    code = repo.normalize_code(group) if group else None
    if group and code is None:
        raise actions.BadInput(f"«{group[:40]}» không phải mã kiến nghị (8 ký tự).")
    return actions.CouncilChange(
        summary=form.get("summary") if "summary" in form else None,
        session_id=int(session) if session.isdigit() and len(session) < 12 else None,
        group_with=code,
        resolution=form.get("resolution", "").strip() or None,
    )


@page("act")
async def save(request: web.Request) -> web.StreamResponse:
    """Save the card (summary / session / group / class); errors shown on an error page."""
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    code = repo.normalize_code(request.match_info["code"]) or ""
    try:
        change = change_from_form(request["form"])
        if not change:
            raise actions.BadInput("Chưa có gì thay đổi.")
        await actions.perform(runtime, user, code, None, Change(), change)
    except actions.ActionRefused as err:
        return error_page(request, err.status, "Không lưu được", err.message)
    except (LifecycleError, actions.BadInput) as err:
        return error_page(
            request, 400, "Không lưu được", f"{err.message} Chưa có gì được thay đổi."
        )
    return redirect(f"{PREFIX}/petitions/{code}?done=council")
