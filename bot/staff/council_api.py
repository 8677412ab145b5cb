"""The council cycle in the staff JSON API (shared/CONTRACTS.md "Council cycle").

``POST /staff/api/sessions`` and ``PUT …/sessions/{id}``, ``GET …/sessions``; ``POST
/staff/api/meetings`` enters a whole meeting in one transaction — with an ``Idempotency-Key`` the
same key again answers the first body and creates nothing; ``GET …/sessions/{id}/report.docx``
gives the session's Word documents and ``…/supervision`` where its items stand. Bad input is 400
with a Vietnamese message and nothing changed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot.council_reports import KINDS, session_document, template_dir
from bot.documents import TemplateError
from bot.staff import supervision
from bot.staff.api import _dumps, _error, _ok, api_route
from bot.staff.api_body import read_json as _read_json
from bot.staff.config import config
from bot.staff.forms import BadInput
from bot.staff.roles import StaffUser
from handlers import workflow
from handlers.council import meetings as council_meetings
from handlers.council import sessions as council_sessions
from handlers.council.meetings import MeetingInput, MeetingRefused, Opinion
from handlers.workflow import Actor, InvalidChange
from handlers.workflow.calendar import vn_today
from storage import council as council_repo
from storage.models import CouncilMeeting, CouncilSession

MAX_KEY = 200


def session_json(row: CouncilSession) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "term": row.term,
        "date": row.date.isoformat(),
        "title": row.title,
        "place": row.place,
        "note": row.note,
        "from_profile": row.from_profile,
    }


def _session_id(request: web.Request) -> int | None:
    raw = request.match_info.get("session_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@api_route("view")
async def list_sessions(request: web.Request) -> web.StreamResponse:
    """Every session, the profile's schedule included, in date order."""
    runtime = config(request).runtime
    async with runtime.db.write() as session:
        rows = await council_sessions.sessions(
            session, runtime.profile, runtime.texts, runtime.clock()
        )
        return _ok({"sessions": [session_json(r) for r in rows]})


async def _save_session(request: web.Request, existing_id: int | None) -> web.StreamResponse:
    runtime = config(request).runtime
    try:
        body = await _read_json(request)
        data = council_sessions.check_session(
            runtime.texts,
            body.get("number"),
            body.get("term"),
            body.get("date"),
            body.get("title") or "",
            body.get("place") or "",
            body.get("note") or "",
        )
        async with runtime.db.write() as session:
            existing = None
            if existing_id is not None:
                existing = await council_repo.get_session(session, runtime.profile.id, existing_id)
                if existing is None:
                    return _error(404, "not_found", "Không có kỳ họp này.")
            row = await council_sessions.save_session(
                session, runtime.texts, runtime.profile.id, data, runtime.clock(), existing
            )
            payload = session_json(row)
    except (BadInput, InvalidChange) as err:
        return _error(400, "invalid", err.message)
    except IntegrityError:
        return _error(409, "conflict", "Số kỳ họp này vừa được dùng. Không có gì được thay đổi.")
    response = _ok(payload)
    response.set_status(200 if existing_id else 201)
    return response


@api_route("council")
async def create_session(request: web.Request) -> web.StreamResponse:
    """``{"number", "term", "date", "title"?}`` → 201 with the session."""
    return await _save_session(request, None)


@api_route("council")
async def update_session(request: web.Request) -> web.StreamResponse:
    """Edit a session (the same fields)."""
    session_id = _session_id(request)
    if session_id is None:
        return _error(404, "not_found", "Không có kỳ họp này.")
    return await _save_session(request, session_id)


def _texts_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise BadInput(f"«{name}» phải là danh sách chuỗi.")
    return [str(v) for v in value]


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput(f"«{name}» phải là chuỗi.")
    return value


def meeting_input(body: dict[str, Any]) -> MeetingInput:
    """The API body → MeetingInput (shapes only; ``check_meeting`` checks the values)."""
    items = body.get("petitions")
    if not isinstance(items, list):
        raise BadInput("«petitions» phải là danh sách các ý kiến.")
    opinions = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise BadInput(f"Ý kiến dòng {n} phải là một đối tượng JSON.")
        spot = item.get("answered_on_spot") or {}
        if not isinstance(spot, dict):
            raise BadInput(f"Ý kiến dòng {n}: «answered_on_spot» cần «by» và «answer».")
        opinions.append(
            Opinion(
                content=_text(item, "content"),
                summary=_text(item, "summary"),
                category=_text(item, "category"),
                village=_text(item, "village"),
                name=_text(item, "name"),
                phone=_text(item, "phone"),
                consent=item.get("consent") is True,
                spot_by=_text(spot, "by"),
                spot_answer=_text(spot, "answer"),
            )
        )
    session = body.get("session")
    if session is not None and (isinstance(session, bool) or not isinstance(session, int)):
        raise BadInput("«session» phải là số hiệu kỳ họp (số nguyên) hoặc null.")
    return MeetingInput(
        kind=_text(body, "kind"),
        date=_text(body, "date"),
        venue=_text(body, "venue"),
        unit=_text(body, "unit"),
        villages=_texts_list(body.get("villages"), "villages"),
        delegates=_texts_list(body.get("delegates"), "delegates"),
        organiser=_text(body, "organiser"),
        attendance=body.get("attendance", 0),
        session_id=session,
        notes=_text(body, "notes"),
        opinions=opinions,
    )


async def save_meeting(
    runtime: Any, user: StaffUser, data: MeetingInput, key: str | None
) -> tuple[int, dict[str, Any]]:
    """Check and store a meeting: (201, body); a key seen before replays (201, first body).

    Raises MeetingRefused / InvalidChange with the Vietnamese problems; nothing is stored then.
    """
    profile, texts = runtime.profile, runtime.texts
    clean = council_meetings.check_meeting(profile, texts, data, vn_today(runtime.clock()))
    try:
        async with workflow.transaction(
            runtime.db, runtime.services, on_commit=runtime.worker.wake
        ) as txn:
            if key is not None:
                seen = await council_meetings.already_entered(txn, key)
                if seen is not None:
                    return 201, seen
            if clean.session_id is None:  # raised at the meeting: the next session after it
                rows = await council_sessions.sessions(txn.session, profile, texts, txn.now)
                upcoming = council_repo.session_for_day(rows, clean.date)
                clean.session_id = upcoming.id if upcoming is not None else None
            else:
                found = await council_repo.get_session(txn.session, profile.id, clean.session_id)
                if found is None:
                    raise InvalidChange(
                        council_sessions.CouncilTexts.of(texts).session_not_found(
                            id=clean.session_id
                        )
                    )
            meeting, created = await council_meetings.enter_meeting(
                txn, Actor("staff", user.id, user.label), clean, key=key, staff_id=user.id
            )
            body = council_meetings.response_body(meeting, created)
            meeting.response = body
    except IntegrityError:
        if key is None:
            raise
        async with runtime.db.read() as session:  # the same key, saved a moment ago
            found = await council_repo.meeting_by_key(session, profile.id, key)
        if found is None or found.response is None:
            raise
        return 201, found.response
    return 201, body


@api_route("council")
async def create_meeting(request: web.Request) -> web.StreamResponse:
    """A meeting and every opinion raised there, in one transaction."""
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > MAX_KEY:
        return _error(400, "invalid", f"Idempotency-Key dài quá {MAX_KEY} ký tự.")
    try:
        body = await _read_json(request)
        status, payload = await save_meeting(runtime, user, meeting_input(body), key)
    except MeetingRefused as err:
        return web.json_response(
            {"error": err.message, "code": "invalid", "errors": err.errors},
            status=400,
            dumps=_dumps,
        )
    except (BadInput, InvalidChange) as err:
        return _error(400, "invalid", err.message)
    response = _ok(payload)
    response.set_status(status)
    return response


def meeting_json(meeting: CouncilMeeting, petitions: list[Any]) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "venue": meeting.venue,
        "villages": meeting.villages,
        "delegates": meeting.delegates,
        "attendance": meeting.attendance,
        "session": meeting.session_id,
        "petitions": [
            {
                "code": p.code,
                "status": p.status,
                "summary": p.summary or "",
                "answer": p.answer or "",
            }
            for p in petitions
        ],
    }


@api_route("view")
async def get_meeting(request: web.Request) -> web.StreamResponse:
    """A meeting and what became of each item raised there."""
    runtime = config(request).runtime
    raw = request.match_info["meeting_id"]
    if not raw.isdigit() or len(raw) > 12:
        return _error(404, "not_found", "Không có hội nghị này.")
    async with runtime.db.read() as session:
        meeting = await council_repo.get_meeting(session, runtime.profile.id, int(raw))
        if meeting is None:
            return _error(404, "not_found", "Không có hội nghị này.")
        petitions = await council_repo.petitions_of_meeting(session, meeting.id)
    return _ok(meeting_json(meeting, petitions))


async def report_response(request: web.Request, session_id: int | None) -> web.StreamResponse:
    """The session's document as a download (shared by the page and the API)."""
    runtime = config(request).runtime
    kind = request.query.get("kind", "compilation")
    if kind not in KINDS:
        return _error(400, "invalid", f"kind «{kind[:40]}» không có; dùng: {', '.join(KINDS)}.")
    if session_id is None:
        return _error(404, "not_found", "Không có kỳ họp này.")
    try:
        result = await session_document(
            runtime.db,
            runtime.profile,
            runtime.texts,
            session_id,
            kind,
            runtime.clock(),
            template_dir(runtime.settings.knowledge_dir),
        )
    except TemplateError as err:
        return _error(422, "template", str(err))
    if result is None:
        return _error(404, "not_found", "Không có kỳ họp này.")
    name, content = result
    return web.Response(
        body=content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@api_route("reports")
async def session_report(request: web.Request) -> web.StreamResponse:
    """``?kind=compilation|appendix|results`` → the .docx."""
    return await report_response(request, _session_id(request))


@api_route("reports")
async def session_supervision(request: web.Request) -> web.StreamResponse:
    """Per body responsible: forwarded, answered, overdue, carried over, share on time."""
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    session_id = _session_id(request)
    result = await supervision.for_session(runtime, session_id, user) if session_id else None
    if result is None:
        return _error(404, "not_found", "Không có kỳ họp này.")
    return _ok(result)
