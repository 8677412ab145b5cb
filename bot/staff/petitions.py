"""The inbox and the petition page: filters, search, counts, the timeline, and the actions.

A petition page offers only the actions the workflow allows from the current status *and* the
member's role allows. Each action form carries the version the member saw; when the change is
refused (someone else got there first, a bad date, a note too long) the page is shown again with
the reason and with what the member typed, so a long answer is never lost.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from multidict import MultiDict

from bot.files import file_response
from bot.integers import parse_id
from bot.staff import actions, council_detail, present, uploads
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.forms import BadInput
from bot.staff.masking import petition_text
from bot.staff.pages import PREFIX, error_page, redirect, render
from bot.staff.roles import StaffUser
from handlers import workflow
from handlers.texts import Texts
from handlers.texts.zalo_reach import ZaloReachTexts
from handlers.workflow import MAX_NOTE, InvalidChange, LifecycleError, StaleVersion
from storage import files as file_store
from storage import petitions as repo
from storage import reach
from storage import reports as reports_repo
from storage.models import Petition

log = logging.getLogger(__name__)

SATISFACTION_LABELS = {
    "satisfied": "Đã giải quyết",
    "unsatisfied": "Chưa giải quyết",
    "no_response": "Không phản hồi (tự kết thúc)",
}


def _user(request: web.Request) -> StaffUser:
    return request["staff_user"]


def _excerpt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@page("view")
async def inbox(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    user = _user(request)
    now = cfg.now()
    iq = present.parse_inbox(request.query, runtime.profile)
    flt = present.inbox_filter(iq, user, runtime.profile, now)
    async with runtime.db.read() as session:
        rows, total = await repo.list_petitions(
            session, flt, limit=present.PAGE_SIZE, offset=(iq.page - 1) * present.PAGE_SIZE
        )
        counts = await repo.count_by_status(session, flt)
    pages = max(1, (total + present.PAGE_SIZE - 1) // present.PAGE_SIZE)
    items = []
    labels = cfg.labels
    for p in rows:
        overdue, nearly = present.flags(p, runtime.profile, now)
        items.append(
            {
                "p": p,
                "overdue": overdue,
                "nearly": nearly,
                "category": present.category_name(runtime.profile, p.category),
                "village": present.village_name(runtime.profile, p.village),
                "channel": labels.channel_label(p.intake_channel),
                "excerpt": _excerpt(petition_text(p.content, p, user), 140),
            }
        )
    committees = runtime.profile.committees
    if user.scope_committee:
        committees = tuple(c for c in committees if c.id == user.scope_committee)
    return render(
        request,
        "inbox.html",
        {
            "iq": iq,
            "params": iq.params(),
            "items": items,
            "total": total,
            "pages": pages,
            "counts": counts,
            "count_all": sum(counts.values()),
            "committees": committees,
            "errors": iq.errors,
        },
        status=400 if iq.errors else 200,
    )


def told_label(texts: Texts, state: str | None) -> str:
    """How the citizen learnt of the change that missed Zalo's window ("" when none did)."""
    t = ZaloReachTexts.of(texts)
    if state in ("zns", "zns_received"):
        return t.told_by_zns()
    return t.waiting_for_citizen() if state == "waiting" else ""


async def _detail_context(
    request: web.Request, petition: Petition, user: StaffUser
) -> dict[str, Any]:
    cfg = config(request)
    runtime = cfg.runtime
    profile = runtime.profile
    now = cfg.now()
    async with runtime.db.read() as session:
        full = await repo.get_by_id(session, petition.id, with_details=True)
        assert full is not None
        duplicate_code = None
        if full.duplicate_of_id:
            original = await repo.get_by_id(session, full.duplicate_of_id)
            duplicate_code = original.code if original else None
        reach_state = await reach.notice_reach(session, full.id)
        pool = await reports_repo.recent_for_similarity(
            session, profile.id, exclude_id=full.id, committee=user.scope_committee
        )
    overdue, nearly = present.flags(full, profile, now)
    labels = cfg.labels
    return {
        "p": full,
        "content": petition_text(full.content, full, user),
        "overdue": overdue,
        "nearly": nearly,
        "category": present.category_name(profile, full.category),
        "committee": present.committee_name(profile, full.committee),
        "village": present.village_name(profile, full.village),
        "channel": labels.channel_label(full.intake_channel),
        "citizen_told": told_label(runtime.texts, reach_state),
        "events": [present.event_view(e, user, labels, profile, full) for e in full.events],
        "attachments": [present.attachment_view(a) for a in full.attachments]
        if user.can("personal")
        else [],
        "attachment_count": len(full.attachments),
        "maps": present.map_links(full.latitude, full.longitude) if user.can("personal") else {},
        "duplicate_code": duplicate_code,
        "similar": present.similar(pool, full, personal=user.can("personal")),
        "actions": present.allowed_actions(full.status, user, labels),
        "default_due": workflow.calendar.due_date(profile, now).isoformat(),
        "committees": profile.committees,
        "categories": profile.categories,
        "villages": profile.villages,
        "reason_labels": labels.reasons,
        "satisfaction_labels": SATISFACTION_LABELS,
        "draft": {},
        "draft_action": "",
        "error": "",
        "done": "",
        **await council_detail.context(runtime, full),
    }


async def _load_visible(request: web.Request, code: str) -> Petition | web.Response:
    user = _user(request)
    runtime = config(request).runtime
    normalized = repo.normalize_code(code)
    petition = None
    if normalized:
        async with runtime.db.read() as session:
            petition = await repo.get_by_code(session, normalized)
    if petition is None or petition.commune_id != runtime.profile.id:
        return error_page(request, 404, "Không tìm thấy", actions.NOT_FOUND)
    if not user.sees(petition.committee):
        return error_page(request, 403, "Không có quyền truy cập", actions.OTHER_COMMITTEE)
    return petition


@page("view")
async def detail(request: web.Request) -> web.StreamResponse:
    found = await _load_visible(request, request.match_info["code"])
    if isinstance(found, web.Response):
        return found
    user = _user(request)
    ctx = await _detail_context(request, found, user)
    done = request.query.get("done", "")
    if done in (*workflow.ACTIONS, "publish", "unpublish"):
        ctx["done"] = f"Đã lưu: {config(request).labels.action_label(done)}."
    elif done == "council":
        ctx["done"] = "Đã lưu thông tin kỳ họp của kiến nghị."
    elif done == "created":
        ctx["done"] = "Đã tiếp nhận kiến nghị."
    return render(request, "detail.html", ctx)


@page("act", files=True)
async def act(request: web.Request) -> web.StreamResponse:
    """Apply one action from the petition page (POST, CSRF-checked by ``page``)."""
    user = _user(request)
    runtime = config(request).runtime
    code = request.match_info["code"]
    form: MultiDict[str] = request["form"]
    action = form.get("action", "")[:40]
    found = await _load_visible(request, code)
    if isinstance(found, web.Response):
        return found
    status = 400
    try:
        change = actions.change_from_form(form, action)
        if action == "answer":
            change.document = await uploads.answer_document(request["files"], runtime.texts)
        await actions.perform(runtime, user, found.code, action, change)
    except actions.ActionRefused as err:
        if err.status == 404:
            return error_page(request, 404, "Không tìm thấy", err.message)
        message, status = err.message, err.status
    except StaleVersion as err:
        message, status = err.message, 409
    except LifecycleError as err:
        message = err.message
        status = 400 if isinstance(err, InvalidChange) else 409
    except BadInput as err:
        message = err.message
    else:
        return redirect(f"{PREFIX}/petitions/{found.code}?done={action}")
    ctx = await _detail_context(request, found, user)
    ctx["error"] = message
    ctx["draft_action"] = action
    ctx["draft"] = {k: v[:MAX_NOTE] for k, v in form.items() if k != "_csrf"}
    return render(request, "detail.html", ctx, status=status)


@page("act")
async def publish(request: web.Request) -> web.StreamResponse:
    """Show the petition on the public results page, or withdraw it (office and admin)."""
    found = await _load_visible(request, request.match_info["code"])
    if isinstance(found, web.Response):
        return found
    form: MultiDict[str] = request["form"]
    public = form.get("public", "") == "1"
    try:
        await actions.publish(
            config(request).runtime,
            _user(request),
            found.code,
            public,
            form.get("public_text", "") == "1" if public else None,
        )
    except actions.ActionRefused as err:
        return error_page(request, err.status, "Không thực hiện được", err.message)
    return redirect(f"{PREFIX}/petitions/{found.code}?done={'publish' if public else 'unpublish'}")


IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


@page("personal")
async def attachment(request: web.Request) -> web.StreamResponse:
    """A citizen's photo or file, fetched through its channel (a Telegram file id needs the bot
    token, which must never reach a browser). Served as an inert download: no script can run."""
    found = await _load_visible(request, request.match_info["code"])
    if isinstance(found, web.Response):
        return found
    runtime = config(request).runtime
    attachment_id = parse_id(request.match_info["attachment_id"])
    if attachment_id is None:
        return error_page(
            request, 400, "Không hợp lệ", "Mã tệp đính kèm phải là một số nguyên dương."
        )
    async with runtime.db.read() as session:
        full = await repo.get_by_id(session, found.id, with_details=True)
    item = next((a for a in (full.attachments if full else []) if a.id == attachment_id), None)
    if item is None:
        return error_page(request, 404, "Không tìm thấy", "Không có tệp đính kèm này.")
    if item.ref.startswith(("https://", "http://")):
        return redirect(item.ref, status=302)
    stored_id = file_store.file_id_from_ref(item.ref)
    if stored_id is not None:  # uploaded through the web chat or the dashboard: in our database
        async with runtime.db.read() as session:
            stored = await file_store.get_file(session, found.commune_id, stored_id)
        if stored is None:
            return error_page(request, 404, "Không tìm thấy", "Tệp này đã bị xóa.")
        return file_response(stored, cache="no-store")
    fetch = runtime.attachment_fetchers.get(item.channel)
    if fetch is None:
        return error_page(
            request,
            404,
            "Chưa xem được tệp",
            f"Tệp này được gửi qua {item.channel}; kênh đó chưa được bật trên máy chủ nên "
            "chưa tải được. Có thể xem trong nhóm Telegram của cán bộ.",
        )
    try:
        data, mime = await fetch(item.ref)
    except Exception:  # the platform is down or the file expired; say so, log nothing personal
        log.warning("không tải được tệp đính kèm %s qua %s", item.id, item.channel)
        return error_page(
            request,
            502,
            "Chưa tải được tệp",
            "Không tải được tệp từ nền tảng nhắn tin lúc này. Vui lòng thử lại sau.",
        )
    inline = mime in IMAGE_TYPES
    name = f"tep-{found.code}-{item.id}" + (".jpg" if mime == "image/jpeg" else "")
    response = web.Response(
        body=data,
        content_type=mime if inline else "application/octet-stream",
        headers={
            "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
    return response
