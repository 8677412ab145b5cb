"""The JSON bodies of the staff API's petition actions: one reading for /events and /bulk.

Field by field type checks, so a wrong type is a 400 naming the field and nothing changes.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.staff import actions
from bot.staff.dates import parse_date
from bot.staff.forms import BadInput, read_body
from handlers.workflow import MAX_NOTE, Change
from storage import petitions as repo

MAX_BODY = 4 * 1024 * 1024
STRING_FIELDS = (
    "status",
    "public_note",
    "internal_note",
    "due",
    "reason",
    "duplicate_of",
    "forwarded_to",
    "doc_no",
    "committee",
    "summary",
    "group_with",
    "resolution",
)
FLAG_FIELDS = ("public", "public_text")


async def read_json(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    raw = await read_body(request, MAX_BODY)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # too deep is malformed too
        raise BadInput(
            'Cần gửi JSON hợp lệ, ví dụ {"status": "answered", "public_note": "…"}.'
        ) from None
    if not isinstance(body, dict):
        raise BadInput("Cần gửi một đối tượng JSON.")
    for name in STRING_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], str):
            raise BadInput(f"«{name}» phải là chuỗi.")
    if (
        "version" in body
        and body["version"] is not None
        and (isinstance(body["version"], bool) or not isinstance(body["version"], int))
    ):
        raise BadInput("«version» phải là số nguyên.")
    return body


def flag(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise BadInput(f"«{name}» phải là true hoặc false.")
    return value


def change_from_body(body: dict[str, Any]) -> Change:
    def text(name: str, limit: int, label: str) -> str:
        value = (body.get(name) or "").strip()
        if len(value) > limit:
            raise BadInput(f"{label} dài quá {limit} ký tự. Không có gì được thay đổi.")
        return value

    duplicate_raw = text("duplicate_of", 40, "duplicate_of")
    duplicate = repo.normalize_code(duplicate_raw) if duplicate_raw else None
    if duplicate_raw and duplicate is None:
        raise BadInput(f"duplicate_of «{duplicate_raw}» không phải mã kiến nghị.")
    return Change(
        public_note=text("public_note", MAX_NOTE, "public_note"),
        internal_note=text("internal_note", MAX_NOTE, "internal_note"),
        due=parse_date(text("due", 40, "due"), "due") if body.get("due") else None,
        forwarded_to=text("forwarded_to", 200, "forwarded_to") or None,
        forward_doc_no=text("doc_no", 100, "doc_no") or None,
        committee=text("committee", 40, "committee") or None,
        reason=text("reason", 40, "reason") or None,
        duplicate_of=duplicate,
        expected_version=body.get("version"),
        public=flag(body, "public"),
        public_text=flag(body, "public_text"),
    )


def council_from_body(body: dict[str, Any]) -> actions.CouncilChange:
    """``summary`` (staff's summary), ``session`` (an id), ``group_with`` (a code),
    ``resolution`` (the class of the answer) — see CONTRACTS.md "Council cycle"."""
    session = body.get("session")
    if session is not None and (isinstance(session, bool) or not isinstance(session, int)):
        raise BadInput("«session» phải là số hiệu kỳ họp (số nguyên).")
    group_raw = (body.get("group_with") or "").strip()
    group = repo.normalize_code(group_raw) if group_raw else None
    if group_raw and group is None:
        raise BadInput(f"group_with «{group_raw[:40]}» không phải mã kiến nghị.")
    resolution = (body.get("resolution") or "").strip() or None
    return actions.CouncilChange(
        summary=body["summary"] if isinstance(body.get("summary"), str) else None,
        session_id=session,
        group_with=group,
        resolution=resolution,
    )
