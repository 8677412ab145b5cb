"""Bulk actions: one change (assign, forward under one document number and due date, close…)
applied to many petitions, from the staff API (``POST /staff/api/petitions/bulk``) and the inbox.

Each petition is changed in its own workflow transaction through ``actions.perform``, so each
gets its own event and its citizen's notification, and optimistic locking holds per petition
(``versions``: the version the member saw of each). A petition the lifecycle refuses is reported
and the others go on. What cannot be right for any of them — too many codes, a code that is not
one, a petition of another commune or another committee — refuses the whole request before
anything changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot.runtime import Runtime
from bot.staff import actions, api, api_body
from bot.staff.api import api_route
from bot.staff.config import config
from bot.staff.forms import BadInput
from bot.staff.roles import StaffUser
from handlers import workflow
from handlers.workflow import Change, InvalidChange, LifecycleError, StaleVersion
from storage import petitions as repo

MAX_CODES = 500


def clean_codes(raw: Any) -> list[str]:
    """The request's codes, normalised and each once; BadInput when they cannot be used."""
    if not isinstance(raw, list) or not raw:
        raise BadInput('Cần «codes»: danh sách mã kiến nghị, ví dụ {"codes": ["AB3D7XYZ"]}.')
    if len(raw) > MAX_CODES:
        raise BadInput(
            f"Mỗi lần thao tác hàng loạt tối đa {MAX_CODES} kiến nghị (đã gửi {len(raw)}). "
            "Không có gì được thay đổi."
        )
    codes: list[str] = []
    for item in raw:
        code = repo.normalize_code(item) if isinstance(item, str) and len(item) <= 40 else None
        if code is None:
            shown = str(item)[:40]
            raise BadInput(f"«{shown}» không phải mã kiến nghị. Không có gì được thay đổi.")
        if code not in codes:
            codes.append(code)
    return codes


async def check_codes(runtime: Runtime, user: StaffUser, codes: Sequence[str]) -> dict[str, str]:
    """Each code's current status; BadInput naming the codes this member cannot act on."""
    async with runtime.db.read() as session:
        found = await repo.statuses_by_code(session, runtime.profile.id, codes)
    missing = [c for c in codes if c not in found or not user.sees(found[c][1])]
    if missing:
        listed = ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        raise BadInput(
            f"Không tìm thấy (hoặc không thuộc quyền của bạn) {len(missing)} kiến nghị: {listed}. "
            "Không có gì được thay đổi."
        )
    return {code: status for code, (status, _committee) in found.items()}


def clean_versions(raw: Any, codes: Sequence[str]) -> dict[str, int]:
    """``{"CODE": version}`` the member saw (optional): a petition changed since is refused."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw.values()
    ):
        raise BadInput('«versions» phải có dạng {"MÃ": số phiên bản}.')
    out = {}
    for key, value in raw.items():
        code = repo.normalize_code(str(key))
        if code is None or code not in codes:
            raise BadInput(f"«versions» có mã «{str(key)[:40]}» không nằm trong «codes».")
        out[code] = value
    return out


async def apply_to_each(
    runtime: Runtime,
    user: StaffUser,
    codes: Sequence[str],
    status: str | None,
    change: Change,
    versions: dict[str, int] | None = None,
    *,
    action: str | None = None,
    session_id: int | None = None,
) -> list[dict[str, Any]]:
    """Change every petition in turn; one result per code, in the order given
    (``session_id``: move each to that council session)."""
    council = actions.CouncilChange(session_id=session_id) if session_id is not None else None
    current = await check_codes(runtime, user, codes)
    results: list[dict[str, Any]] = []
    for code in codes:
        own = dataclasses.replace(
            change, data=dict(change.data), expected_version=(versions or {}).get(code)
        )
        try:
            state = current[code]
            if action or status or _changes_petition(own):
                name = action or workflow.action_for_status(
                    runtime.texts, status or "", current[code], own
                )
                state = (await actions.perform(runtime, user, code, name, own, council)).status
            elif council is not None:
                state = (await actions.perform(runtime, user, code, None, own, council)).status
            if own.public is not None:
                await actions.publish(runtime, user, code, own.public, own.public_text)
        except (actions.ActionRefused, BadInput) as err:
            results.append({"code": code, "ok": False, "error": err.message})
        except (StaleVersion, InvalidChange, LifecycleError) as err:
            results.append({"code": code, "ok": False, "error": err.message})
        else:
            results.append({"code": code, "ok": True, "status": state})
    return results


def _changes_petition(change: Change) -> bool:
    return bool(change.public_note or change.internal_note or change.due or change.committee)


@api_route("act")
async def post_bulk(request: web.Request) -> web.StreamResponse:
    """``{"codes": [...], …the fields of /events}`` → ``{"results": [{code, ok, …}]}``."""
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    try:
        body = await api_body.read_json(request)
        if body.get("version") is not None:
            raise BadInput(
                'Thao tác hàng loạt dùng «versions»: {"MÃ": phiên bản}, không «version».'
            )
        codes = clean_codes(body.get("codes"))
        versions = clean_versions(body.get("versions"), codes)
        change = api_body.change_from_body(body)
        status = (body.get("status") or "").strip() or None
        if status and status not in workflow.STATES:
            raise BadInput(f"status «{status[:40]}» không có; dùng: {', '.join(workflow.STATES)}.")
        session_id = api_body.council_from_body({"session": body.get("session")}).session_id
        if not (status or _changes_petition(change) or change.public is not None or session_id):
            raise BadInput(
                "Cần ít nhất một trong: status, committee, public_note, internal_note, due, "
                "public, session."
            )
        results = await apply_to_each(
            runtime, user, codes, status, change, versions, session_id=session_id
        )
    except BadInput as err:
        return api._error(400, "invalid", err.message)
    except web.HTTPRequestEntityTooLarge:
        return api._error(413, "too_large", "Nội dung gửi lên quá lớn (tối đa 4 MB).")
    return api._ok({"results": results})
