"""Bulk actions: ten petitions forwarded under one document number in one request, each with its
own event and its citizen's notification; a refusal reported without stopping the others."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from storage.models import OutboxMessage
from tests.staff.helpers import CSRF_RE, make_account, make_petition, petition_row, signed_in


async def _pushes(runtime: Any, user: str) -> list[dict[str, Any]]:
    async with runtime.db.read() as session:
        rows = await session.execute(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == user, OutboxMessage.kind == "push")
            .order_by(OutboxMessage.id)
        )
        return [body for (body,) in rows]


async def _bulk(server: TestServer, token: str, body: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            server.make_url("/staff/api/petitions/bulk"),
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.status, await response.json()


async def test_ten_petitions_forwarded_in_one_request(
    runtime: Any, server: TestServer, api_for
) -> None:
    codes = [
        await make_petition(runtime, user=f"citizen-bulk-{i:02d}-abcdefghijklmn")
        for i in range(10)
    ]
    closed = await make_petition(runtime, user="citizen-bulk-closed-abcdefghijklmn")
    office = await api_for("office")
    token = office.headers["Authorization"].split()[1]
    status, body = await _bulk(
        server, token, {"codes": [closed], "status": "rejected", "reason": "out_of_scope"}
    )
    assert status == 200 and body["results"][0]["ok"], body
    status, body = await _bulk(
        server,
        token,
        {
            "codes": [*codes[:5], closed, *codes[5:]],
            "status": "forwarded",
            "doc_no": "125/HĐND-VP",
            "due": "2026-12-15",
            "forwarded_to": "UBND xã",
        },
    )
    assert status == 200, body
    results = {r["code"]: r for r in body["results"]}
    assert [r["code"] for r in body["results"]] == [*codes[:5], closed, *codes[5:]]
    assert not results[closed]["ok"] and results[closed]["error"]
    for code in codes:
        assert results[code] == {"code": code, "ok": True, "status": "forwarded"}
        row = await petition_row(runtime, code)
        assert row.status == "forwarded" and row.forward_doc_no == "125/HĐND-VP"
        assert row.due_date.isoformat() == "2026-12-15"
        assert [e.action for e in row.events] == ["create", "forward"]
    for i in range(10):
        pushes = await _pushes(runtime, f"citizen-bulk-{i:02d}-abcdefghijklmn")
        assert len(pushes) == 1 and "15/12/2026" in pushes[0]["text"]
    assert (await petition_row(runtime, closed)).status == "rejected"


async def test_stale_versions_and_bad_requests_change_nothing(
    runtime: Any, server: TestServer, api_for
) -> None:
    first = await make_petition(runtime)
    second = await make_petition(runtime)
    office = await api_for("office")
    token = office.headers["Authorization"].split()[1]
    status, body = await _bulk(
        server,
        token,
        {"codes": [first, second], "status": "screening", "versions": {first: 1, second: 7}},
    )
    assert status == 200
    assert body["results"][0] == {"code": first, "ok": True, "status": "screening"}
    assert body["results"][1]["ok"] is False and "cập nhật" in body["results"][1]["error"]
    assert (await petition_row(runtime, second)).status == "received"

    too_many = ["AB3D7XYZ"] * 5000
    for bad, message in (
        ({"codes": too_many, "status": "closed"}, "tối đa 500"),
        ({"codes": [second, "KHONG-PHAI"], "status": "closed"}, "không phải mã"),
        ({"codes": [second, "ZZZZZZZZ"], "status": "screening"}, "ZZZZZZZZ"),
        ({"codes": [second]}, "Cần ít nhất"),
        ({"codes": "ABC"}, "codes"),
    ):
        status, body = await _bulk(server, token, bad)
        assert status == 400 and message in body["error"], (bad, body)
    assert (await petition_row(runtime, second)).status == "received"
    viewer = await api_for("viewer")
    status, _ = await _bulk(
        server,
        viewer.headers["Authorization"].split()[1],
        {"codes": [second], "status": "screening"},
    )
    assert status == 403


async def test_a_committee_cannot_reach_other_committees_petitions_in_bulk(
    runtime: Any, server: TestServer, api_for
) -> None:
    theirs = await make_petition(runtime, committee="vh-xh")
    mine = await make_petition(runtime, committee="kt-ns")
    client = await api_for("committee", committee="kt-ns")
    token = client.headers["Authorization"].split()[1]
    status, body = await _bulk(server, token, {"codes": [mine, theirs], "internal_note": "xem"})
    assert status == 400 and theirs in body["error"]
    assert [e.action for e in (await petition_row(runtime, mine)).events] == ["create"]


async def test_the_inbox_forwards_the_ticked_petitions(
    runtime: Any, server: TestServer, agents: list
) -> None:
    codes = [await make_petition(runtime) for _ in range(3)]
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    agents.append(agent)
    await agent.get("/staff/petitions")
    assert 'name="code"' in agent.last_html
    token = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
    form = aiohttp.FormData()
    form.add_field("_csrf", token)
    for code in codes[:2]:
        form.add_field("code", code)
        form.add_field(f"version_{code}", "1")
    for name, value in (("bulk_action", "forward"), ("doc_no", "7/UBND"), ("due", "2026-12-20")):
        form.add_field(name, value)
    response = await agent.post("/staff/petitions/bulk", form)
    assert response.status == 200, agent.last_html[:500]
    assert "Đã thực hiện <b>2</b>" in agent.last_html
    for code in codes[:2]:
        row = await petition_row(runtime, code)
        assert row.status == "forwarded" and row.forward_doc_no == "7/UBND"
    assert (await petition_row(runtime, codes[2])).status == "received"
    response = await agent.post("/staff/petitions/bulk", {"_csrf": token, "bulk_action": "close"})
    assert response.status == 400 and "ít nhất một kiến nghị" in agent.last_html


async def test_bulk_publication(runtime: Any, server: TestServer, api_for) -> None:
    codes = [await make_petition(runtime) for _ in range(3)]
    office = await api_for("office")
    token = office.headers["Authorization"].split()[1]
    status, body = await _bulk(server, token, {"codes": codes[:2], "public": True})
    assert status == 200, body
    assert all(r["ok"] and r["status"] == "received" for r in body["results"])
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.make_url("/api/public/petitions")) as response,
    ):
        shown = {p["code"] for p in (await response.json())["petitions"]}
    assert shown == set(codes[:2])


async def test_bulk_moves_petitions_to_another_session(
    runtime: Any, server: TestServer, api_for
) -> None:
    codes = [
        await make_petition(runtime, user=f"citizen-move-{i:02d}-abcdefghijklmn") for i in range(3)
    ]
    office = await api_for("office")
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            server.make_url("/staff/api/sessions"),
            json={"number": 12, "term": "khóa XXI", "date": "2027-06-20"},
            headers=office.headers,
        )
        assert response.status == 201
        later = await response.json()
    token = office.headers["Authorization"].split()[1]
    status, body = await _bulk(server, token, {"codes": codes, "session": later["id"]})
    assert status == 200 and all(r["ok"] for r in body["results"]), body
    for code in codes:
        row = await petition_row(runtime, code)
        assert row.session_id == later["id"]
    status, body = await _bulk(server, token, {"codes": codes, "session": "mười hai"})
    assert status == 400  # not a session id: nothing moved
