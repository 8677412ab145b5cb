"""Assisted intake: staff file a petition for a citizen met in person, at a voter meeting, at
citizen reception or by phone, and hand over the tracking code on paper.

Name and phone are kept only with the citizen's consent (a ticked box); without them the petition
is anonymous. A form submitted twice (a double tap on a slow tablet) files one petition: the same
text from the same member within a few minutes returns the first one's receipt.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from aiohttp import web

from bot.staff import present
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.forms import BadInput, field
from bot.staff.pages import PREFIX, error_page, redirect, render
from bot.staff.roles import StaffUser
from handlers import phones, workflow
from handlers.workflow import MAX_NOTE, STAFF_INTAKE_CHANNELS
from storage import petitions as repo
from storage import staff as staff_repo

log = logging.getLogger(__name__)

STAFF_CHANNELS = STAFF_INTAKE_CHANNELS
MIN_CONTENT = 10
RESUBMIT_WINDOW = dt.timedelta(minutes=10)


def _form_context(request: web.Request, values: dict[str, Any], errors: list[str]) -> dict:
    profile = config(request).runtime.profile
    return {
        "values": values,
        "errors": errors,
        "categories": profile.categories,
        "villages": profile.villages,
        "channels": [(c, config(request).labels.channel_label(c)) for c in STAFF_CHANNELS],
        "max_note": MAX_NOTE,
    }


@page("intake")
async def intake_form(request: web.Request) -> web.StreamResponse:
    return render(request, "intake.html", _form_context(request, {}, []))


@page("intake")
async def intake_submit(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    profile = runtime.profile
    user: StaffUser = request["staff_user"]
    form = request["form"]
    values = {k: v[:MAX_NOTE] for k, v in form.items() if k != "_csrf"}
    errors: list[str] = []
    try:
        content = field(form, "content", limit=MAX_NOTE, label="Nội dung kiến nghị")
        place = field(form, "place_text", limit=300, label="Địa điểm")
        name = field(form, "contact_name", limit=200, label="Họ tên")
        phone_raw = field(form, "contact_phone", limit=40, label="Số điện thoại")
    except BadInput as err:
        return render(
            request, "intake.html", _form_context(request, values, [err.message]), status=400
        )
    category = profile.category(form.get("category", ""))
    village_id = form.get("village", "")
    channel = form.get("intake_channel", "")
    consent = form.get("consent") == "yes"
    if len(content) < MIN_CONTENT:
        errors.append(f"Cần ghi nội dung kiến nghị (ít nhất {MIN_CONTENT} ký tự).")
    if category is None:
        errors.append("Cần chọn lĩnh vực của kiến nghị.")
    if village_id and profile.village(village_id) is None:
        errors.append("Thôn đã chọn không có trong danh sách.")
    if channel not in STAFF_CHANNELS:
        errors.append("Cần chọn hình thức tiếp nhận (trực tiếp, tiếp xúc cử tri, ...).")
    phone = None
    if phone_raw:
        phone = phones.search_key(phone_raw)
        if phone is None:
            errors.append(
                f"Số điện thoại «{phone_raw}» không hợp lệ "
                "(ví dụ 0912 345 678 hoặc +84 912 345 678)."
            )
    if (name or phone_raw) and not consent:
        errors.append(
            "Cần đánh dấu ô «Công dân đồng ý cung cấp họ tên, số điện thoại» khi ghi các "
            "thông tin này. Nếu công dân không đồng ý, hãy để trống họ tên và số điện thoại: "
            "kiến nghị sẽ được gửi ẩn danh."
        )
    if errors:
        return render(request, "intake.html", _form_context(request, values, errors), status=400)
    assert category is not None

    has_contact = bool(name or phone)
    async with workflow.transaction(
        runtime.db, runtime.services, on_commit=runtime.worker.wake
    ) as txn:
        existing = await staff_repo.recent_petition_by_staff(
            txn.session, user.id, content, txn.now - RESUBMIT_WINDOW
        )
        if existing is not None:
            return redirect(f"{PREFIX}/petitions/{existing.code}/receipt")
        # The staff group hears of it exactly as of a petition filed in chat.
        petition = await workflow.file_petition(
            txn,
            actor=("staff", user.id, user.label),
            category=category.id,
            village=village_id or None,
            place_text=place or None,
            content=content,
            intake_channel=channel,
            contact_name=(name or None) if has_contact else None,
            contact_phone=phone if has_contact else None,
            consent_at=txn.now if has_contact else None,
            created_by_staff_id=user.id,
        )
    log.info("nhân viên %s tiếp nhận hộ kiến nghị %s", user.id, petition.code)
    return redirect(f"{PREFIX}/petitions/{petition.code}/receipt")


@page("intake")
async def receipt(request: web.Request) -> web.StreamResponse:
    """A printable slip with the tracking code, for the citizen to take home."""
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    code = repo.normalize_code(request.match_info["code"]) or ""
    async with runtime.db.read() as session:
        petition = await repo.get_by_code(session, code) if code else None
    if (
        petition is None
        or petition.commune_id != runtime.profile.id
        or not user.sees(petition.committee)
    ):
        return error_page(request, 404, "Không tìm thấy", "Không tìm thấy kiến nghị với mã này.")
    return render(
        request,
        "receipt.html",
        {
            "p": petition,
            "category": present.category_name(runtime.profile, petition.category),
            "village": present.village_name(runtime.profile, petition.village),
            "channel": config(request).labels.channel_label(petition.intake_channel),
        },
    )
