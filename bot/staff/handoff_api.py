"""The staff JSON API for live hand-offs (shared/CONTRACTS.md, "Hand-off and knowledge editing").

``GET /staff/api/conversations?status=open|closed`` lists them with exactly the contract's keys;
``GET …/{id}`` adds who handles it, the wait and the outcome. ``POST …/{id}/messages`` sends a
reply to the citizen's channel, ``…/close`` ends it, ``…/take`` claims it (409 when someone else
holds it), ``…/petition`` files it as a petition with the citizen's consent. A refusal changes
nothing and says why in Vietnamese.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.integers import parse_id
from bot.staff import handoff_view as view
from bot.staff.api import api_route
from bot.staff.config import config
from bot.staff.forms import BadInput, read_body
from bot.staff.roles import StaffUser
from handlers import handoff
from handlers.handoff import HandoffRefused
from handlers.workflow import transaction
from storage import handoff as repo
from storage.models import Petition

MAX_BODY = 256 * 1024
STATUS_OF = {"not_found": 404, "closed": 409, "taken": 409, "already_petition": 409}


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(
        data, status=status, dumps=_dumps, headers={"Cache-Control": "no-store"}
    )


def error(status: int, code: str, message: str, **extra: Any) -> web.Response:
    return web.json_response(
        {"error": message, "code": code, **extra},
        status=status,
        dumps=_dumps,
        headers={"Cache-Control": "no-store"},
    )


async def read_json(request: web.Request, example: str) -> dict[str, Any]:
    """The body as a JSON object, within a size limit; BadInput with a Vietnamese message."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BadInput(f"Nội dung gửi lên quá lớn (tối đa {MAX_BODY // 1024} KB).")
    try:
        raw = await read_body(request, MAX_BODY)
    except web.HTTPRequestEntityTooLarge:
        raise BadInput(f"Nội dung gửi lên quá lớn (tối đa {MAX_BODY // 1024} KB).") from None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadInput(f"Cần gửi JSON hợp lệ, ví dụ {example}.") from None
    if not isinstance(body, dict):
        raise BadInput(f"Cần gửi một đối tượng JSON, ví dụ {example}.")
    return body


def _id(request: web.Request) -> int | None:
    raw = request.match_info["conversation_id"]
    return parse_id(raw)


@api_route("handoff")
async def list_conversations(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    status = request.query.get("status") or None
    if status is not None and status not in repo.STATUSES:
        return error(400, "invalid", "status phải là open hoặc closed.")
    async with runtime.db.read() as session:
        rows = await repo.list_conversations(session, runtime.profile.id, status, limit=500)
    return ok({"conversations": [view.conversation_json(c, user) for c in rows]})


async def _detail(request: web.Request, conversation_id: int) -> dict[str, Any] | None:
    cfg = config(request)
    runtime = cfg.runtime
    user: StaffUser = request["staff_user"]
    async with runtime.db.read() as session:
        found = await repo.get_conversation(session, conversation_id, messages=True)
        if found is None or found.commune_id != runtime.profile.id:
            return None
        names = await repo.staff_labels(session, [found.assignee_id] if found.assignee_id else [])
        petition = await session.get(Petition, found.petition_id) if found.petition_id else None
    return view.detail_json(found, user, names, petition.code if petition else None, cfg.now())


@api_route("handoff")
async def get_conversation(request: web.Request) -> web.StreamResponse:
    conversation_id = _id(request)
    found = await _detail(request, conversation_id) if conversation_id is not None else None
    if found is None:
        return error(404, "not_found", "Không tìm thấy cuộc trò chuyện này.")
    return ok(found)


async def _perform(request: web.Request, action: str) -> web.StreamResponse:
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    conversation_id = _id(request)
    if conversation_id is None:
        return error(404, "not_found", "Không tìm thấy cuộc trò chuyện này.")
    body: dict[str, Any] = {}
    try:
        if action in ("reply", "petition"):
            body = await read_json(
                request,
                '{"text": "…"}'
                if action == "reply"
                else '{"content": "…", "category": "…", "consent": true}',
            )
        for name in ("text", "content", "category", "village"):
            if name in body and body[name] is not None and not isinstance(body[name], str):
                raise BadInput(f"«{name}» phải là chuỗi.")
        if "consent" in body and not isinstance(body["consent"], bool):
            raise BadInput("«consent» phải là true hoặc false.")
    except BadInput as err:
        return error(400, "invalid", err.message)
    staff = view.staff_ref(user)
    code = None
    try:
        async with transaction(runtime.db, runtime.services, on_commit=runtime.worker.wake) as txn:
            if action == "reply":
                await handoff.reply(txn, conversation_id, staff, body.get("text") or "")
            elif action == "close":
                await handoff.close(txn, conversation_id, staff)
            elif action == "take":
                await handoff.take(txn, conversation_id, staff)
            else:
                petition = await handoff.to_petition(
                    txn,
                    conversation_id,
                    staff,
                    content=body.get("content") or "",
                    category=body.get("category") or "",
                    village=body.get("village") or None,
                    consent=body.get("consent") is True,
                )
                code = petition.code
    except HandoffRefused as err:
        return error(STATUS_OF.get(err.code, 400), err.code, err.message)
    detail = await _detail(request, conversation_id)
    if code is not None:
        return ok({"petition_code": code, "conversation": detail}, status=201)
    return ok(detail)


@api_route("handoff")
async def post_message(request: web.Request) -> web.StreamResponse:
    """``{"text"}`` → 200: the citizen receives it on their channel."""
    return await _perform(request, "reply")


@api_route("handoff")
async def close_conversation(request: web.Request) -> web.StreamResponse:
    """→ 200: the bot answers that citizen again."""
    return await _perform(request, "close")


@api_route("handoff")
async def take_conversation(request: web.Request) -> web.StreamResponse:
    """→ 200, or 409 with who holds it."""
    return await _perform(request, "take")


@api_route("handoff")
async def petition_from_conversation(request: web.Request) -> web.StreamResponse:
    """``{"content", "category", "village"?, "consent": true}`` → 201 ``{"petition_code"}``."""
    return await _perform(request, "petition")
