"""The "Hỏi đáp trực tiếp" inbox: citizens who asked for a person, answered from here.

The list shows who handles what and how long each citizen has waited (the page refreshes itself
with ``staff.js`` while nobody is typing; without script it is an ordinary page). One
conversation's page has its history, the reply form, take / close, turning it into a petition
(with the citizen's consent) and, for the digital team, a new knowledge entry from its question.
Every change goes through ``handlers.handoff``; a refusal shows the page again with the reason
and with what the member typed.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from aiohttp import web
from multidict import MultiDict

from bot.integers import parse_id
from bot.staff import handoff_view as view
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.pages import PREFIX, error_page, redirect, render
from bot.staff.roles import StaffUser
from handlers import handoff
from handlers.handoff import HandoffRefused
from handlers.handoff.hours import next_opening
from handlers.handoff.timers import period_figures
from handlers.workflow import MAX_NOTE, transaction
from storage import handoff as repo
from storage.models import HandoffConversation, Petition

WINDOWS = {"7": "7 ngày qua", "30": "30 ngày qua", "90": "3 tháng qua", "365": "1 năm qua"}
DONE = {
    "reply": "Đã gửi trả lời cho người dân.",
    "take": "Bạn đã nhận xử lý cuộc trò chuyện này.",
    "close": "Đã kết thúc cuộc trò chuyện; trợ lý ảo trả lời người dân như trước.",
    "petition": "Đã gửi thành kiến nghị.",
}
REFUSED_STATUS = {"not_found": 404, "closed": 409, "taken": 409, "already_petition": 409}


def _user(request: web.Request) -> StaffUser:
    return request["staff_user"]


def _conversation_id(request: web.Request) -> int | None:
    raw = request.match_info["conversation_id"]
    return parse_id(raw)


async def figures_context(request: web.Request, window: str) -> dict[str, Any]:
    cfg = config(request)
    runtime = cfg.runtime
    now = cfg.now()
    start = now - dt.timedelta(days=int(window))
    figures = await period_figures(runtime.db, runtime.profile.id, start, now)
    return {
        "figures": figures,
        "median_text": view.duration_text(
            figures.median_first_response.total_seconds()
            if figures.median_first_response
            else None
        ),
        "windows": WINDOWS,
        "window": window,
    }


@page("handoff")
async def inbox(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    user = _user(request)
    now = cfg.now()
    status = request.query.get("status", repo.OPEN)
    if status not in repo.STATUSES:
        status = repo.OPEN
    window = request.query.get("days", "30")
    if window not in WINDOWS:
        window = "30"
    async with runtime.db.read() as session:
        rows = await repo.list_conversations(session, runtime.profile.id, status, limit=200)
        counts = await repo.count_by_status(session, runtime.profile.id)
        names = await repo.staff_labels(session, [c.assignee_id for c in rows if c.assignee_id])
    items = []
    for c in rows:
        said = [m for m in c.messages if m.sender != repo.BOT]  # the bot's notices say little
        last = said[-1] if said else (c.messages[-1] if c.messages else None)
        excerpt = view.shown(last.text, user, last.sender) if last else ""
        items.append(
            {
                "c": c,
                "channel": view.CHANNEL_LABELS.get(c.channel, c.channel),
                "assignee": names.get(c.assignee_id or 0, ""),
                "waiting": view.duration_text(view.waited(c, now)),
                "last_from": view.SENDER_LABELS.get(last.sender, "") if last else "",
                "excerpt": excerpt if len(excerpt) <= 120 else excerpt[:120] + "…",
                "closed_by": view.CLOSED_BY.get(c.closed_by or "", ""),
                "mine": c.assignee_id == user.id,
            }
        )
    context = {
        "items": items,
        "status": status,
        "counts": counts,
        "on_duty": next_opening(now, runtime.profile) is None,
        **await figures_context(request, window),
    }
    return render(request, "handoff_list.html", context)


async def _load(request: web.Request) -> HandoffConversation | web.Response:
    runtime = config(request).runtime
    conversation_id = _conversation_id(request)
    found = None
    if conversation_id is not None:
        async with runtime.db.read() as session:
            found = await repo.get_conversation(session, conversation_id, messages=True)
    if found is None or found.commune_id != runtime.profile.id:
        return error_page(request, 404, "Không tìm thấy", "Không có cuộc trò chuyện này.")
    return found


async def _detail_context(
    request: web.Request, conversation: HandoffConversation, user: StaffUser
) -> dict[str, Any]:
    cfg = config(request)
    runtime = cfg.runtime
    now = cfg.now()
    ids = [i for i in (conversation.assignee_id, conversation.closed_by_staff_id) if i]
    ids += [m.staff_id for m in conversation.messages if m.staff_id]
    async with runtime.db.read() as session:
        names = await repo.staff_labels(session, ids)
        petition = (
            await session.get(Petition, conversation.petition_id)
            if conversation.petition_id
            else None
        )
    messages = [
        {
            "m": m,
            "who": names.get(m.staff_id or 0, "") if m.sender == repo.STAFF else "",
            "label": view.SENDER_LABELS.get(m.sender, m.sender),
            "text": view.shown(m.text, user, m.sender),
        }
        for m in conversation.messages
    ]
    question = view.shown(view.first_question(conversation), user, repo.CITIZEN)
    return {
        "c": conversation,
        "messages": messages,
        "channel": view.CHANNEL_LABELS.get(conversation.channel, conversation.channel),
        "assignee": names.get(conversation.assignee_id or 0, ""),
        "mine": conversation.assignee_id == user.id,
        "waiting": view.duration_text(view.waited(conversation, now)),
        "closed_by": view.CLOSED_BY.get(conversation.closed_by or "", ""),
        "petition": petition,
        "new_entry_url": f"{PREFIX}/kb/new?" + urllib.parse.urlencode({"question": question[:500]})
        if question
        else "",
        "content": view.shown(view.citizen_words(conversation), user, repo.CITIZEN)[:MAX_NOTE],
        "max_reply": handoff.MAX_REPLY,
        "draft": {},
        "error": "",
        "done": "",
    }


@page("handoff")
async def detail(request: web.Request) -> web.StreamResponse:
    found = await _load(request)
    if isinstance(found, web.Response):
        return found
    ctx = await _detail_context(request, found, _user(request))
    ctx["done"] = DONE.get(request.query.get("done", ""), "")
    return render(request, "handoff_detail.html", ctx)


async def _act(request: web.Request, action: str) -> web.StreamResponse:
    """One staff action from the conversation page (POST, CSRF-checked by ``page``)."""
    found = await _load(request)
    if isinstance(found, web.Response):
        return found
    user = _user(request)
    runtime = config(request).runtime
    form: MultiDict[str] = request["form"]
    staff = view.staff_ref(user)
    try:
        async with transaction(runtime.db, runtime.services, on_commit=runtime.worker.wake) as txn:
            if action == "reply":
                await handoff.reply(txn, found.id, staff, form.get("text", ""))
            elif action == "take":
                await handoff.take(txn, found.id, staff)
            elif action == "close":
                await handoff.close(txn, found.id, staff)
            else:
                await handoff.to_petition(
                    txn,
                    found.id,
                    staff,
                    content=form.get("content", ""),
                    category=form.get("category", "")[:40],
                    village=form.get("village", "")[:40] or None,
                    consent=form.get("consent") == "1",
                )
    except HandoffRefused as err:
        fresh = await _load(request)
        if isinstance(fresh, web.Response):
            return fresh
        ctx = await _detail_context(request, fresh, user)
        ctx["error"] = err.message
        ctx["draft"] = {"action": action, **{k: v[: MAX_NOTE * 2] for k, v in form.items()}}
        return render(
            request, "handoff_detail.html", ctx, status=REFUSED_STATUS.get(err.code, 400)
        )
    return redirect(f"{PREFIX}/handoff/{found.id}?done={action}")


@page("handoff")
async def reply(request: web.Request) -> web.StreamResponse:
    return await _act(request, "reply")


@page("handoff")
async def take(request: web.Request) -> web.StreamResponse:
    return await _act(request, "take")


@page("handoff")
async def close(request: web.Request) -> web.StreamResponse:
    return await _act(request, "close")


@page("handoff")
async def petition(request: web.Request) -> web.StreamResponse:
    return await _act(request, "petition")
