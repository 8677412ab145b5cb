"""The staff JSON API (shared/CONTRACTS.md): list, read and change petitions with a bearer token.

Tokens come from ``python -m bot staff token USERNAME``; only their SHA-256 is stored, and a
revoked token or a deactivated account answers 401. The token acts with its account's role:
a committee sees only its committee's petitions, viewers and the digital team never receive
contact details and may not change anything (403).

``POST …/events`` names the *status* wanted; ``workflow.action_for_status`` turns it into the
action (``needs_info`` → ``screening`` is "the citizen answered"). Without a status the body is a
note (or a committee assignment). A transition the workflow forbids, or a ``version`` that is
no longer current, is 409 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiohttp import web

from bot.integers import parse_int
from bot.staff import actions, api_body, passwords, present, uploads
from bot.staff.config import config
from bot.staff.dates import fmt_date, parse_date, vn_midnight
from bot.staff.forms import BadInput
from bot.staff.roles import StaffUser
from handlers import workflow
from handlers.workflow import Change, InvalidChange, LifecycleError, StaleVersion
from handlers.workflow.calendar import VN_TZ
from storage import petitions as repo
from storage import staff as staff_repo
from storage.petitions import PetitionFilter

MAX_BODY = api_body.MAX_BODY
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
TOUCH_EVERY = dt.timedelta(seconds=60)


def _error(status: int, code: str, message: str, **headers: str) -> web.Response:
    return web.json_response(
        {"error": message, "code": code},
        status=status,
        headers={"Cache-Control": "no-store", **headers},
    )


def _ok(data: Any, **headers: str) -> web.Response:
    return web.json_response(data, headers={"Cache-Control": "no-store", **headers}, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


async def _token_user(request: web.Request) -> StaffUser | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    cfg = config(request)
    db = cfg.runtime.db
    now = cfg.now()
    async with db.read() as session:
        found = await staff_repo.find_token(session, passwords.sha256_hex(token))
    if found is None:
        return None
    row, account = found
    if (
        not staff_repo.token_live(row, now)
        or not account.active
        or account.commune_id != cfg.runtime.profile.id
    ):
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        async with db.write() as session:
            await staff_repo.touch_token(session, row.id, now)
    from bot.staff.auth import user_from_account

    return user_from_account(account)


def api_route(permission: str):  # type: ignore[no-untyped-def]
    """Bearer-token authentication and the role's permission, for one API handler."""

    def decorate(handler):  # type: ignore[no-untyped-def]
        async def wrapper(request: web.Request) -> web.StreamResponse:
            user = await _token_user(request)
            if user is None:
                return _error(
                    401,
                    "unauthorized",
                    "Cần mã truy cập hợp lệ: tiêu đề «Authorization: Bearer <mã>» "
                    "(tạo bằng lệnh python -m bot staff token TÊN_ĐĂNG_NHẬP).",
                    **{"WWW-Authenticate": 'Bearer realm="staff"'},
                )
            if not user.can(permission):
                return _error(
                    403, "forbidden", "Tài khoản của mã truy cập này không có quyền thao tác."
                )
            request["staff_user"] = user
            return await handler(request)

        wrapper.staff_permission = permission  # type: ignore[attr-defined]
        wrapper.__name__ = handler.__name__
        wrapper.__doc__ = handler.__doc__
        return wrapper

    return decorate


def parse_since(value: str) -> dt.datetime:
    """'2026-11-01' (from midnight in Vietnam) or an ISO datetime (naive: Vietnam time)."""
    text = value.strip()
    if len(text) == 10:
        day = parse_date(text, "since")
        assert day is not None
        return vn_midnight(day)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(
            f"since «{text[:40]}» không hợp lệ: dùng YYYY-MM-DD hoặc ISO 8601 "
            "(ví dụ 2026-11-01 hoặc 2026-11-01T08:00:00+07:00)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(dt.UTC)


def _list_filter(request: web.Request, user: StaffUser) -> tuple[PetitionFilter, int, int]:
    profile = config(request).runtime.profile
    query = request.query
    statuses: tuple[str, ...] = ()
    if query.get("status"):
        statuses = tuple(s.strip() for s in query["status"].split(",") if s.strip())
        unknown = [s for s in statuses if s not in workflow.STATES]
        if unknown:
            raise BadInput(
                f"status «{unknown[0][:40]}» không có; dùng: {', '.join(workflow.STATES)}."
            )
    category = query.get("category") or None
    if category and profile.category(category) is None:
        raise BadInput(f"category «{category[:40]}» không có trong hồ sơ xã.")
    committee = query.get("committee") or None
    if committee and profile.committee(committee) is None:
        raise BadInput(f"committee «{committee[:40]}» không có trong hồ sơ xã.")
    flt = PetitionFilter(
        commune_id=profile.id,
        statuses=statuses,
        category=category,
        committee=user.scope_committee or committee,
        village=query.get("village") or None,
    )
    if query.get("since"):
        flt.since = parse_since(query["since"])
    search = (query.get("q") or "").strip()
    if len(search) > present.MAX_SEARCH:
        raise BadInput(present.search_too_long())
    if search:
        present.apply_search(flt, search, user)
    page = parse_int(query.get("page", "1"), 1, MAX_PAGE)
    per_page = parse_int(query.get("per_page", "50"), 1, MAX_PER_PAGE)
    if page is None or per_page is None:
        raise BadInput(
            f"page phải là số nguyên từ 1 đến {MAX_PAGE}, per_page từ 1 đến {MAX_PER_PAGE}."
        )
    return flt, page, per_page


@api_route("view")
async def list_petitions(request: web.Request) -> web.StreamResponse:
    """A JSON array of petitions, newest first; the total is in ``X-Total-Count``."""
    cfg = config(request)
    runtime = cfg.runtime
    user: StaffUser = request["staff_user"]
    try:
        flt, page, per_page = _list_filter(request, user)
    except BadInput as err:
        return _error(400, "invalid", err.message)
    now = cfg.now()
    async with runtime.db.read() as session:
        rows, total = await repo.list_petitions(
            session, flt, limit=per_page, offset=(page - 1) * per_page
        )
    headers = {"X-Total-Count": str(total), "X-Page": str(page), "X-Per-Page": str(per_page)}
    if page * per_page < total:
        query = dict(request.query)
        query["page"] = str(page + 1)
        headers["Link"] = f'<{request.url.with_query(query).path_qs}>; rel="next"'
    labels = cfg.labels
    return _ok(
        [present.petition_json(p, user, runtime.profile, now, labels) for p in rows], **headers
    )


async def _petition_payload(request: web.Request, user: StaffUser, code: str) -> Any:
    cfg = config(request)
    runtime = cfg.runtime
    async with runtime.db.read() as session:
        petition = await repo.get_by_code(session, code, with_details=True)
        if petition is None or petition.commune_id != runtime.profile.id:
            return None
        duplicate_code = None
        if petition.duplicate_of_id:
            original = await repo.get_by_id(session, petition.duplicate_of_id)
            duplicate_code = original.code if original else None
    if not user.sees(petition.committee):
        return False
    return present.petition_json(
        petition,
        user,
        runtime.profile,
        cfg.now(),
        cfg.labels,
        duplicate_code=duplicate_code,
        events=list(petition.events),
        attachments=list(petition.attachments),
    )


def _code(request: web.Request) -> str | None:
    return repo.normalize_code(request.match_info["code"])


@api_route("view")
async def get_petition(request: web.Request) -> web.StreamResponse:
    """One petition with its events (internal notes only for roles that may see them)."""
    user: StaffUser = request["staff_user"]
    code = _code(request)
    payload = await _petition_payload(request, user, code) if code else None
    if payload is None:
        return _error(404, "not_found", actions.NOT_FOUND)
    if payload is False:
        return _error(403, "forbidden", actions.OTHER_COMMITTEE)
    return _ok(payload)


def _action_for(status: str | None, current: str, change: Change, runtime: Any) -> str:
    if status and status not in workflow.STATES:
        raise BadInput(f"status «{status[:40]}» không có; dùng: {', '.join(workflow.STATES)}.")
    return workflow.action_for_status(runtime.texts, status or "", current, change)


@api_route("act")
async def post_event(request: web.Request) -> web.StreamResponse:
    """Change a petition's status and/or add notes; 409 when the workflow forbids it."""
    cfg = config(request)
    runtime = cfg.runtime
    user: StaffUser = request["staff_user"]
    code = _code(request)
    try:
        document = None
        if uploads.is_multipart(request):
            fields, files = await uploads.read_multipart(request)
            body = uploads.fields_as_body(fields, api_body.STRING_FIELDS, api_body.FLAG_FIELDS)
            document = await uploads.answer_document(files, runtime.texts)
        else:
            body = await api_body.read_json(request)
        change = api_body.change_from_body(body)
        change.document = document
    except BadInput as err:
        return _error(400, "invalid", err.message)
    except web.HTTPRequestEntityTooLarge:
        return _error(
            413, "too_large", "Nội dung gửi lên quá lớn (tối đa 4 MB; một tệp tối đa 10 MB)."
        )
    status = (body.get("status") or "").strip() or None
    if document is not None and status != workflow.ANSWERED:
        return _error(
            400,
            "invalid",
            "Văn bản trả lời chỉ gửi kèm khi ghi nhận trả lời (status: answered).",
        )
    try:
        council = api_body.council_from_body(body)
    except BadInput as err:
        return _error(400, "invalid", err.message)
    acting = status or change.public_note or change.internal_note or change.due or change.committee
    if not (acting or council or change.public is not None):
        return _error(
            400,
            "invalid",
            "Cần ít nhất một trong: status, public_note, internal_note, due, summary, session, "
            "group_with, public.",
        )
    if code is None:
        return _error(404, "not_found", actions.NOT_FOUND)
    async with runtime.db.read() as session:
        current = await repo.get_by_code(session, code)
    if current is None or current.commune_id != runtime.profile.id:
        return _error(404, "not_found", actions.NOT_FOUND)
    if not user.sees(current.committee):
        return _error(403, "forbidden", actions.OTHER_COMMITTEE)
    try:
        if acting or council:
            action = _action_for(status, current.status, change, runtime) if acting else None
            if (
                action == "note"
                and change.due
                and not (change.public_note or change.internal_note)
            ):
                change.internal_note = f"Cập nhật hạn trả lời: {fmt_date(change.due)}."
            await actions.perform(runtime, user, code, action, change, council)
        if change.public is not None:
            await actions.publish(runtime, user, code, change.public, change.public_text)
    except actions.ActionRefused as err:
        return _error(err.status, "forbidden" if err.status == 403 else "not_found", err.message)
    except StaleVersion as err:
        return _error(409, "stale_version", err.message)
    except InvalidChange as err:
        return _error(400, "invalid", err.message)
    except LifecycleError as err:
        return _error(409, "transition_not_allowed", err.message)
    except BadInput as err:
        return _error(400, "invalid", err.message)
    payload = await _petition_payload(request, user, code)
    return _ok(payload)
