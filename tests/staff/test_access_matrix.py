"""Every dashboard and API route × every role (and anonymous): who gets 200, 403, 401 or login.

The table below is the access policy in executable form. The test also checks that it covers
every route the dashboard registers, so a new route cannot ship without a row here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bot.staff import routes as staff_routes
from handlers.types import Inbound
from storage import petitions as repo
from storage import staff as staff_repo
from storage.models import CouncilMeeting, CouncilSession, PetitionAttachment
from tests.staff.helpers import Agent, make_account, make_petition, make_token, signed_in

ROLES = ("anon", "admin", "office", "committee", "digital_team", "viewer")
LOGIN = "login"  # a redirect to /staff/login
_seq = itertools.count(1)


@dataclass
class Row:
    method: str
    template: str  # the route as registered, e.g. /staff/petitions/{code}
    path: str  # the concrete path requested
    expect: dict[str, Any]  # role -> status code, or LOGIN
    kind: str = "page"  # page | api | static
    body: Any = None  # a callable (role) -> form fields / JSON body


def _all(value: Any, **overrides: Any) -> dict[str, Any]:
    return {role: overrides.get(role, value) for role in ROLES}


def _signed_in(value: Any, **overrides: Any) -> dict[str, Any]:
    return _all(value, anon=LOGIN, **overrides)


def _only(allowed: tuple[str, ...], ok: int, denied: int = 403) -> dict[str, Any]:
    return {
        role: LOGIN if role == "anon" else (ok if role in allowed else denied) for role in ROLES
    }


def _first_wins(allowed: tuple[str, ...], ok: int, *, api: bool = False) -> dict[str, Any]:
    """One conversation for every role: the first allowed role's change goes through, the
    others are refused (409: someone took, closed or filed it already)."""
    expect = _only(allowed, 409)
    expect[allowed[0]] = ok
    if api:
        expect = {
            r: (401 if r == "anon" else 403 if r not in allowed else v) for r, v in expect.items()
        }
    return expect


def _api(allowed: tuple[str, ...], ok: int) -> dict[str, Any]:
    return {**_all(403, anon=401), **{r: ok for r in allowed}}


INTAKE_ROLES = ("admin", "office", "digital_team")
HANDOFF_ROLES = ("admin", "office", "digital_team")
KB_ROLES = ("admin", "digital_team")
REPORT_ROLES = ("admin", "office", "committee", "viewer")
ACT_ROLES = ("admin", "office", "committee")
COUNCIL_ROLES = ("admin", "office")


async def _setup(runtime: Any, server: Any) -> tuple[dict[str, Agent | None], dict, list[Row]]:
    accounts = {
        "admin": await make_account(runtime, "admin"),
        "office": await make_account(runtime, "office"),
        "committee": await make_account(runtime, "committee", committee="kt-ns"),
        "digital_team": await make_account(runtime, "digital_team"),
        "viewer": await make_account(runtime, "viewer"),
    }
    tokens = {role: await make_token(runtime, a.id) for role, a in accounts.items()}
    target = await make_account(runtime, "viewer", username="throwaway")
    await make_token(runtime, target.id)
    async with runtime.db.read() as session:
        target_token = (await staff_repo.list_tokens(session, target.id))[0].id
    ours = await make_petition(runtime, committee="kt-ns")
    theirs = await make_petition(
        runtime, committee="vh-xh", category="giao-duc-y-te", content="Trường học thiếu bàn ghế"
    )
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, ours)
        photo = PetitionAttachment(
            petition_id=petition.id, kind="photo", channel="zalo", ref="https://z.example/1.jpg"
        )
        session.add(photo)
        await session.flush()
        photo_id = photo.id
    async with runtime.db.write() as session:
        council_session = CouncilSession(
            commune_id=runtime.profile.id, number=1, term="khóa XXI", date=dt.date(2026, 12, 1)
        )
        session.add(council_session)
        await session.flush()
        meeting = CouncilMeeting(
            commune_id=runtime.profile.id, kind="voter_meeting", date=dt.date(2026, 11, 10)
        )
        session.add(meeting)
        await session.flush()
        sid, mid = council_session.id, meeting.id

    def meeting_body(role: str) -> dict[str, Any]:
        return {
            "kind": "voter_meeting",
            "date": "2026-11-12",
            "villages": ["thon-1"],
            "petitions": [{"content": f"Ý kiến số {next(_seq)} về đường giao thông thôn 1"}],
        }

    handoffs = []
    for n in range(8):
        await runtime.engine.handle(
            Inbound(channel="web", user_key=f"matrix-citizen-{n:02d}-0123456789", text="/canbo")
        )
        handoffs.append(n + 1)
    h_page, h_take, h_close, h_pet, a_reply, a_close, a_take, a_pet = handoffs

    def petition_body(role: str) -> dict[str, Any]:
        return {"content": "Đèn đường thôn 2 hỏng", "category": "giao-thong", "consent": "1"}

    def entry_body(role: str) -> dict[str, Any]:
        return {
            "id": f"muc-{role.replace('_', '-')}-{next(_seq)}",
            "topic": "one-stop-office",
            "title": "Mục thử",
            "question": "Câu hỏi thử?",
            "answer": "Trả lời thử.\nBước tiếp theo: gọi {office_phone}.",
        }

    agents: dict[str, Agent | None] = {"anon": Agent(server)}
    for role, account in accounts.items():
        agents[role] = await signed_in(server, account.username)

    def intake_body(role: str) -> dict[str, str]:
        return {
            "intake_channel": "in_person",
            "content": f"Kiến nghị tiếp nhận hộ số {next(_seq)} về đèn đường",
            "category": "giao-thong",
        }

    def new_account(role: str) -> dict[str, str]:
        return {"username": f"moi{next(_seq)}", "role": "viewer"}

    acc = f"/staff/accounts/{target.id}"
    rows = [
        Row("GET", "/staff/", "/staff/", _all(302)),
        Row("GET", "/staff/login", "/staff/login", _all(302, anon=200)),
        Row("POST", "/staff/login", "/staff/login", _all(403), body=lambda r: {}),
        Row("GET", "/staff/password", "/staff/password", _signed_in(200)),
        Row(
            "POST",
            "/staff/password",
            "/staff/password",
            _signed_in(400),
            body=lambda r: {"current": "sai", "new": "x", "confirm": "x"},
        ),
        Row("GET", "/staff/petitions", "/staff/petitions", _signed_in(200)),
        Row("GET", "/staff/petitions/{code}", f"/staff/petitions/{ours}", _signed_in(200)),
        Row(
            "GET",
            "/staff/petitions/{code}",
            f"/staff/petitions/{theirs}",
            _signed_in(200, committee=403),
        ),
        Row(
            "POST",
            "/staff/petitions/{code}/action",
            f"/staff/petitions/{ours}/action",
            _only(ACT_ROLES, 303),
            body="action",
        ),
        Row(
            "GET",
            "/staff/petitions/{code}/receipt",
            f"/staff/petitions/{ours}/receipt",
            _only(INTAKE_ROLES, 200),
        ),
        Row(
            "GET",
            "/staff/petitions/{code}/attachments/{attachment_id}",
            f"/staff/petitions/{ours}/attachments/{photo_id}",
            _only(ACT_ROLES, 302),  # the roles that may see personal data; a Zalo URL redirects
        ),
        Row("GET", "/staff/intake", "/staff/intake", _only(INTAKE_ROLES, 200)),
        Row("POST", "/staff/intake", "/staff/intake", _only(INTAKE_ROLES, 303), body=intake_body),
        Row("GET", "/staff/reports", "/staff/reports", _only(REPORT_ROLES, 200)),
        Row("GET", "/staff/reports.xlsx", "/staff/reports.xlsx", _only(REPORT_ROLES, 200)),
        Row("GET", "/staff/reports.csv", "/staff/reports.csv", _only(REPORT_ROLES, 200)),
        Row("GET", "/staff/gaps", "/staff/gaps", _only(INTAKE_ROLES, 200)),
        Row("GET", "/staff/accounts", "/staff/accounts", _only(("admin",), 200)),
        Row("GET", "/staff/handoff", "/staff/handoff", _only(HANDOFF_ROLES, 200)),
        Row("GET", "/staff/announcements", "/staff/announcements", _only(ACT_ROLES, 200)),
        Row(
            "POST",
            "/staff/announcements",
            "/staff/announcements",
            _only(ACT_ROLES, 303),
            body=lambda r: {"text": f"Thông báo họp tổ của {r}", "village": "thon-1"},
        ),
        Row(
            "GET",
            "/staff/announcements/{announcement_id}",
            "/staff/announcements/987654",
            _only(ACT_ROLES, 404),
        ),
        Row(
            "GET",
            "/staff/handoff/{conversation_id}",
            f"/staff/handoff/{h_page}",
            _only(HANDOFF_ROLES, 200),
        ),
        Row(
            "POST",
            "/staff/handoff/{conversation_id}/reply",
            f"/staff/handoff/{h_page}/reply",
            _first_wins(HANDOFF_ROLES, 303),
            body=lambda r: {"text": f"Trả lời của {r}"},
        ),
        Row(
            "POST",
            "/staff/handoff/{conversation_id}/take",
            f"/staff/handoff/{h_take}/take",
            _first_wins(HANDOFF_ROLES, 303),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/handoff/{conversation_id}/close",
            f"/staff/handoff/{h_close}/close",
            _first_wins(HANDOFF_ROLES, 303),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/handoff/{conversation_id}/petition",
            f"/staff/handoff/{h_pet}/petition",
            _first_wins(HANDOFF_ROLES, 303),
            body=petition_body,
        ),
        Row("GET", "/staff/kb", "/staff/kb", _only(KB_ROLES, 200)),
        Row("GET", "/staff/kb/new", "/staff/kb/new", _only(KB_ROLES, 200)),
        Row("POST", "/staff/kb/new", "/staff/kb/new", _only(KB_ROLES, 303), body=entry_body),
        Row("GET", "/staff/kb/{entry_id}", "/staff/kb/can-cuoc-card", _only(KB_ROLES, 200)),
        Row(
            "POST",
            "/staff/kb/{entry_id}",
            "/staff/kb/muc-trang-quan-ly",
            _only(KB_ROLES, 303),
            body=lambda r: {**entry_body(r), "id": ""},
        ),
        Row(
            "POST",
            "/staff/kb/{entry_id}/disable",
            "/staff/kb/can-cuoc-card/disable",
            _only(KB_ROLES, 303),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/kb/{entry_id}/enable",
            "/staff/kb/can-cuoc-card/enable",
            _only(KB_ROLES, 303),
            body=lambda r: {},
        ),
        Row(
            "GET",
            "/staff/api/conversations",
            "/staff/api/conversations",
            _api(HANDOFF_ROLES, 200),
            "api",
        ),
        Row(
            "GET",
            "/staff/api/conversations/{conversation_id}",
            f"/staff/api/conversations/{a_reply}",
            _api(HANDOFF_ROLES, 200),
            "api",
        ),
        Row(
            "POST",
            "/staff/api/conversations/{conversation_id}/messages",
            f"/staff/api/conversations/{a_reply}/messages",
            _first_wins(HANDOFF_ROLES, 200, api=True),
            "api",
            body=lambda r: {"text": f"Trả lời của {r}"},
        ),
        Row(
            "POST",
            "/staff/api/conversations/{conversation_id}/close",
            f"/staff/api/conversations/{a_close}/close",
            _first_wins(HANDOFF_ROLES, 200, api=True),
            "api",
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/api/conversations/{conversation_id}/take",
            f"/staff/api/conversations/{a_take}/take",
            _first_wins(HANDOFF_ROLES, 200, api=True),
            "api",
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/api/conversations/{conversation_id}/petition",
            f"/staff/api/conversations/{a_pet}/petition",
            _first_wins(HANDOFF_ROLES, 201, api=True),
            "api",
            body=lambda r: {**petition_body(r), "consent": True},
        ),
        Row("GET", "/staff/api/kb/entries", "/staff/api/kb/entries", _api(KB_ROLES, 200), "api"),
        Row(
            "POST",
            "/staff/api/kb/entries",
            "/staff/api/kb/entries",
            _api(KB_ROLES, 201),
            "api",
            body=entry_body,
        ),
        Row(
            "GET",
            "/staff/api/kb/entries/{entry_id}",
            "/staff/api/kb/entries/can-cuoc-card",
            _api(KB_ROLES, 200),
            "api",
        ),
        Row(
            "PUT",
            "/staff/api/kb/entries/{entry_id}",
            "/staff/api/kb/entries/muc-qua-api",
            _api(KB_ROLES, 200),
            "api",
            body=lambda r: {**entry_body(r), "id": "muc-qua-api"},
        ),
        Row(
            "POST", "/staff/accounts", "/staff/accounts", _only(("admin",), 200), body=new_account
        ),
        Row(  # before deactivate and reset-password, which revoke every token of the account
            "POST",
            "/staff/accounts/{account_id}/tokens/{token_id}/revoke",
            f"{acc}/tokens/{target_token}/revoke",
            _only(("admin",), 303),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/accounts/{account_id}/deactivate",
            f"{acc}/deactivate",
            _only(("admin",), 303),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/accounts/{account_id}/activate",
            f"{acc}/activate",
            _only(("admin",), 303),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/accounts/{account_id}/reset-password",
            f"{acc}/reset-password",
            _only(("admin",), 200),
            body=lambda r: {},
        ),
        Row(
            "POST",
            "/staff/accounts/{account_id}/revoke-sessions",
            f"{acc}/revoke-sessions",
            _only(("admin",), 303),
            body=lambda r: {},
        ),
        Row("GET", "/staff/api/petitions", "/staff/api/petitions", _all(200, anon=401), "api"),
        Row(
            "GET",
            "/staff/api/petitions/{code}",
            f"/staff/api/petitions/{ours}",
            _all(200, anon=401),
            "api",
        ),
        Row(
            "GET",
            "/staff/api/petitions/{code}",
            f"/staff/api/petitions/{theirs}",
            _all(200, anon=401, committee=403),
            "api",
        ),
        Row(
            "POST",
            "/staff/api/petitions/{code}/events",
            f"/staff/api/petitions/{ours}/events",
            {**_all(403, anon=401), **{r: 200 for r in ACT_ROLES}},
            "api",
            body=lambda r: {"internal_note": f"ghi chú của {r}"},
        ),
        Row(
            "POST",
            "/staff/petitions/{code}/council",
            f"/staff/petitions/{ours}/council",
            _only(ACT_ROLES, 303),
            body=lambda r: {"summary": f"Tóm tắt của {r}"},
        ),
        Row("GET", "/staff/sessions", "/staff/sessions", _signed_in(200)),
        Row(
            "POST",
            "/staff/sessions",
            "/staff/sessions",
            _only(COUNCIL_ROLES, 303),
            body=lambda r: {
                "number": str(50 + next(_seq)),
                "term": "khóa XXI",
                "date": "2027-01-05",
            },
        ),
        Row("GET", "/staff/sessions/{session_id}", f"/staff/sessions/{sid}", _signed_in(200)),
        Row(
            "POST",
            "/staff/sessions/{session_id}",
            f"/staff/sessions/{sid}",
            _only(COUNCIL_ROLES, 303),
            body=lambda r: {"number": "1", "term": "khóa XXI", "date": "2026-12-01"},
        ),
        Row(
            "GET",
            "/staff/sessions/{session_id}/report.docx",
            f"/staff/sessions/{sid}/report.docx?kind=appendix",
            _only(REPORT_ROLES, 200),
        ),
        Row("GET", "/staff/meetings/new", "/staff/meetings/new", _only(COUNCIL_ROLES, 200)),
        Row(
            "GET",
            "/staff/meetings/template.xlsx",
            "/staff/meetings/template.xlsx",
            _only(COUNCIL_ROLES, 200),
        ),
        Row("GET", "/staff/meetings/upload", "/staff/meetings/upload", _only(COUNCIL_ROLES, 200)),
        Row(
            "POST",
            "/staff/meetings/upload",
            "/staff/meetings/upload",
            _only(COUNCIL_ROLES, 400),  # a form without a file: "choose a file"
            body=lambda r: {"kind": "voter_meeting"},
        ),
        Row(
            "GET",
            "/staff/meetings/suggest",
            "/staff/meetings/suggest?text=đường",
            _only(COUNCIL_ROLES, 200),
        ),
        Row(
            "POST",
            "/staff/meetings",
            "/staff/meetings",
            _only(COUNCIL_ROLES, 303),
            body=lambda r: {
                "kind": "voter_meeting",
                "date": "2026-11-12",
                "villages": "thon-1",
                "r-1-content": f"Ý kiến số {next(_seq)} về đường giao thông thôn 1",
            },
        ),
        Row("GET", "/staff/meetings/{meeting_id}", f"/staff/meetings/{mid}", _signed_in(200)),
        Row("GET", "/staff/api/sessions", "/staff/api/sessions", _all(200, anon=401), "api"),
        Row(
            "POST",
            "/staff/api/sessions",
            "/staff/api/sessions",
            _api(COUNCIL_ROLES, 201),
            "api",
            body=lambda r: {"number": 10 + next(_seq), "term": "khóa XXI", "date": "2027-06-01"},
        ),
        Row(
            "PUT",
            "/staff/api/sessions/{session_id}",
            f"/staff/api/sessions/{sid}",
            _api(COUNCIL_ROLES, 200),
            "api",
            body=lambda r: {"number": 1, "term": "khóa XXI", "date": "2026-12-01"},
        ),
        Row(
            "GET",
            "/staff/api/sessions/{session_id}/report.docx",
            f"/staff/api/sessions/{sid}/report.docx",
            _api(REPORT_ROLES, 200),
            "api",
        ),
        Row(
            "GET",
            "/staff/api/sessions/{session_id}/supervision",
            f"/staff/api/sessions/{sid}/supervision",
            _api(REPORT_ROLES, 200),
            "api",
        ),
        Row(
            "POST",
            "/staff/api/meetings",
            "/staff/api/meetings",
            _api(COUNCIL_ROLES, 201),
            "api",
            body=meeting_body,
        ),
        Row(
            "GET",
            "/staff/api/meetings/{meeting_id}",
            f"/staff/api/meetings/{mid}",
            _all(200, anon=401),
            "api",
        ),
        Row(
            "POST",
            "/staff/api/petitions/bulk",
            "/staff/api/petitions/bulk",
            {**_all(403, anon=401), **{r: 200 for r in ACT_ROLES}},
            "api",
            body=lambda r: {"codes": [ours], "internal_note": f"hàng loạt của {r}"},
        ),
        Row(
            "POST",
            "/staff/petitions/bulk",
            "/staff/petitions/bulk",
            _only(ACT_ROLES, 200),
            body=lambda r: {"code": ours, "bulk_action": "close"},
        ),
        Row(
            "POST",
            "/staff/petitions/{code}/publish",
            f"/staff/petitions/{ours}/publish",
            {**_only(ACT_ROLES, 303), "committee": 403},
            body=lambda r: {"public": "0"},
        ),
        Row(
            "POST",
            "/staff/accounts/{account_id}/email",
            f"{acc}/email",
            _only(("admin",), 303),
            body=lambda r: {"email": "vp@xa.example.vn"},
        ),
        Row(
            "GET",
            "/staff/static/{filename}",
            "/staff/static/staff.css",
            _all(200),
            "static",
        ),
        Row("POST", "/staff/logout", "/staff/logout", _signed_in(303), body=lambda r: {}),
    ]
    return agents, tokens, rows


async def _request(agent: Agent, row: Row, role: str, token: str | None) -> aiohttp.ClientResponse:
    if row.kind == "api":
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if row.method == "GET":
            return await agent.session.get(agent.url(row.path), headers=headers)
        return await agent.session.request(
            row.method, agent.url(row.path), json=row.body(role), headers=headers
        )
    if row.method == "GET":
        return await agent.get(row.path)
    if row.body == "action":
        if role == "anon":
            return await agent.post(row.path, {"action": "note", "internal_note": "x"})
        response = await agent.act(row.path.split("/")[3], "note", internal_note=f"của {role}")
        return response
    fields = row.body(role)
    if role == "anon" or row.template == "/staff/login":
        return await agent.post(row.path, fields)
    return await agent.form(row.path, fields)


def _registered() -> set[tuple[str, str]]:
    app = web.Application()
    staff_routes(app)
    found = set()
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        canonical = route.resource.canonical if route.resource else ""
        if canonical.startswith("/static"):
            canonical = "/static/{filename}"
        found.add((route.method, "/staff" + canonical))
    return found


async def test_every_route_for_every_role(runtime: Any, server: Any) -> None:
    agents, tokens, rows = await _setup(runtime, server)
    try:
        assert {(r.method, r.template) for r in rows} == _registered()
        problems = []
        for row in rows:
            for role in ROLES:
                agent = agents[role]
                assert agent is not None
                response = await _request(agent, row, role, tokens.get(role))
                expected = row.expect[role]
                location = response.headers.get("Location", "")
                if expected == LOGIN:
                    ok = response.status in (302, 303) and location.startswith("/staff/login")
                else:
                    ok = response.status == expected
                if not ok:
                    problems.append(
                        f"{row.method} {row.path} as {role}: {response.status} {location}, "
                        f"expected {expected}"
                    )
                response.release()
        assert not problems, "\n".join(problems)
    finally:
        for agent in agents.values():
            if agent is not None:
                await agent.close()


async def test_a_dashboard_cookie_is_not_an_api_credential(runtime: Any, server: Any) -> None:
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    try:
        response = await agent.session.get(agent.url("/staff/api/petitions"))
        assert response.status == 401
        assert "Bearer" in response.headers["WWW-Authenticate"]
        assert "mã truy cập" in (await response.json())["error"]
    finally:
        await agent.close()
