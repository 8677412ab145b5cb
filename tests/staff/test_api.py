"""The staff JSON API (CONTRACTS.md): bearer tokens, roles, filters, status changes, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from storage import staff as staff_repo
from tests.staff.helpers import make_account, make_petition, make_token, petition_row


class Api:
    """A client of the staff API with one token."""

    def __init__(self, server: TestServer, token: str | None) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.session = aiohttp.ClientSession()

    async def get(self, path: str, **params: str) -> tuple[int, Any, Any]:
        async with self.session.get(
            self.server.make_url(path), params=params, headers=self.headers
        ) as response:
            return response.status, await response.json(), response.headers

    async def post(self, code: str, body: Any, *, raw: bytes | None = None) -> tuple[int, Any]:
        url = self.server.make_url(f"/staff/api/petitions/{code}/events")
        if raw is not None:
            kwargs: dict[str, Any] = {"data": raw}
        else:
            kwargs = {"json": body}
        async with self.session.post(url, headers=self.headers, **kwargs) as response:
            return response.status, await response.json()

    async def close(self) -> None:
        await self.session.close()


@pytest.fixture
async def api_for(runtime: Any, server: TestServer) -> Any:
    opened: list[Api] = []

    async def factory(role: str, committee: str | None = None) -> Api:
        account = await make_account(runtime, role, committee=committee)
        client = Api(server, await make_token(runtime, account.id))
        client.account = account  # type: ignore[attr-defined]
        opened.append(client)
        return client

    yield factory
    for client in opened:
        await client.close()


async def test_tokens_are_required_and_revocable(
    runtime: Any, server: TestServer, api_for
) -> None:
    office = await api_for("office")
    status, body, _ = await office.get("/staff/api/petitions")
    assert status == 200 and body == []
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer xbs_nope"}):
        async with aiohttp.ClientSession() as session:
            response = await session.get(server.make_url("/staff/api/petitions"), headers=headers)
            assert response.status == 401
            assert "Bearer" in (await response.json())["error"]
    async with runtime.db.write() as session:
        await staff_repo.revoke_tokens(session, office.account.id, runtime.clock())
    status, body, _ = await office.get("/staff/api/petitions")
    assert status == 401


async def test_list_filters_pagination_and_privacy(
    runtime: Any, server: TestServer, api_for, clock: Any
) -> None:
    now = clock()
    old = await make_petition(
        runtime, content="Cống bị tắc", now=now - dt.timedelta(days=10), contact_phone="0911111111"
    )
    road = await make_petition(runtime, contact_name="Ông Tư", contact_phone="0912345678")
    school = await make_petition(
        runtime, content="Trường thiếu bàn ghế", category="giao-duc-y-te", committee="vh-xh"
    )
    office = await api_for("office")
    status, body, headers = await office.get("/staff/api/petitions")
    assert status == 200 and [p["code"] for p in body] == [school, road, old]
    assert headers["X-Total-Count"] == "3"
    assert body[1]["contact"] == {"name": "Ông Tư", "phone": "0912345678"}
    assert body[1]["status"] == "received" and body[1]["status_label"] == "Đã tiếp nhận"

    _, body, _ = await office.get("/staff/api/petitions", category="giao-duc-y-te")
    assert [p["code"] for p in body] == [school]
    since = (now - dt.timedelta(days=1)).date().isoformat()
    _, body, _ = await office.get("/staff/api/petitions", since=since)
    assert old not in [p["code"] for p in body] and len(body) == 2
    _, body, _ = await office.get("/staff/api/petitions", since="2026-11-10T08:00:00+07:00")
    assert len(body) == 2
    _, body, _ = await office.get("/staff/api/petitions", status="received,closed")
    assert len(body) == 3
    _, body, headers = await office.get("/staff/api/petitions", per_page="2")
    assert len(body) == 2 and 'rel="next"' in headers["Link"] and "page=2" in headers["Link"]
    _, body, _ = await office.get("/staff/api/petitions", per_page="2", page="2")
    assert [p["code"] for p in body] == [old]

    for params, word in (
        ({"status": "pending"}, "status «pending» không có"),
        ({"since": "hôm qua"}, "since «hôm qua» không hợp lệ"),
        ({"category": "xyz"}, "category «xyz»"),
        ({"per_page": "5000"}, "per_page"),
    ):
        status, body, _ = await office.get("/staff/api/petitions", **params)
        assert status == 400 and word in body["error"], params

    for role in ("viewer", "digital_team"):
        client = await api_for(role)
        _, body, _ = await client.get("/staff/api/petitions")
        assert len(body) == 3 and all("contact" not in p for p in body), role
        assert "0912345678" not in str(body)
    member = await api_for("committee", "vh-xh")
    _, body, _ = await member.get("/staff/api/petitions")
    assert [p["code"] for p in body] == [school]
    _, body, _ = await member.get("/staff/api/petitions", committee="kt-ns")
    assert [p["code"] for p in body] == [school]  # a committee cannot widen its scope


async def test_detail_with_events_and_role_rules(
    runtime: Any, server: TestServer, api_for
) -> None:
    code = await make_petition(runtime, contact_phone="0912345678")
    office = await api_for("office")
    status, body = await office.post(code, {"status": "screening", "internal_note": "bí mật"})
    assert status == 200 and body["status"] == "screening"
    status, body, _ = await office.get(f"/staff/api/petitions/{code}")
    assert status == 200
    assert [e["action"] for e in body["events"]] == ["create", "screen"]
    assert body["events"][1]["internal_note"] == "bí mật"
    assert body["events"][1]["to"] == "screening" and body["version"] == 2

    viewer = await api_for("viewer")
    status, body, _ = await viewer.get(f"/staff/api/petitions/{code}")
    assert status == 200 and "contact" not in body
    assert all("internal_note" not in e for e in body["events"])
    assert "bí mật" not in str(body)

    other = await api_for("committee", "vh-xh")
    status, body, _ = await other.get(f"/staff/api/petitions/{code}")
    assert status == 403
    status, body, _ = await office.get("/staff/api/petitions/ABCDEFGH")
    assert status == 404 and "Không tìm thấy" in body["error"]


async def test_status_changes_follow_the_lifecycle(
    runtime: Any, server: TestServer, api_for
) -> None:
    code = await make_petition(runtime)
    office = await api_for("office")

    status, body = await office.post(code, {"status": "received"})
    assert status == 409
    status, body = await office.post(
        code,
        {
            "status": "forwarded",
            "due": "2026-12-20",
            "forwarded_to": "UBND xã",
            "doc_no": "12/HĐND-VP",
            "public_note": "Đã chuyển UBND xã.",
        },
    )
    assert status == 200 and body["status"] == "forwarded" and body["due"] == "2026-12-20"
    assert body["forward_doc_no"] == "12/HĐND-VP"
    version = body["version"]

    status, body = await office.post(code, {"status": "closed"})
    assert status == 409 and body["code"] == "transition_not_allowed"
    status, body = await office.post(code, {"status": "answered"})
    assert status == 400 and "nội dung trả lời" in body["error"]

    member = await api_for("committee", "kt-ns")
    status, body = await member.post(code, {"status": "needs_info", "public_note": "Ảnh?"})
    assert status == 403
    status, body = await member.post(
        code, {"status": "answered", "public_note": "Đã sửa xong.", "version": version}
    )
    assert status == 200 and body["status"] == "answered" and body["answer"] == "Đã sửa xong."

    # The version the caller saw is stale now: refused, nothing changes.
    status, body = await office.post(code, {"status": "closed", "version": version})
    assert status == 409 and body["code"] == "stale_version"
    assert (await petition_row(runtime, code)).status == "answered"

    status, body = await office.post(code, {"status": "closed"})
    assert status == 200 and body["status"] == "closed"
    status, body = await office.post(code, {"status": "reopened", "public_note": "Chưa xong"})
    assert status == 200 and body["status"] == "reopened"


async def test_notes_due_dates_and_the_citizen_answering(
    runtime: Any, server: TestServer, api_for
) -> None:
    code = await make_petition(runtime)
    original = await make_petition(runtime, content="Đường thôn 3 sụt lún từ tháng trước")
    office = await api_for("office")
    status, body = await office.post(code, {"internal_note": "Cần kiểm tra thực địa"})
    assert status == 200 and body["events"][-1]["action"] == "note"
    status, body = await office.post(code, {"due": "2026-12-24"})
    assert status == 200 and body["due"] == "2026-12-24"
    assert body["events"][-1]["internal_note"] == "Cập nhật hạn trả lời: 24/12/2026."
    status, body = await office.post(code, {"status": "needs_info", "public_note": "Ở đoạn nào?"})
    assert status == 200 and body["status"] == "needs_info"
    status, body = await office.post(code, {"status": "screening"})  # the citizen answered
    assert status == 200 and body["events"][-1]["action"] == "info_received"
    status, body = await office.post(code, {"status": "duplicate", "duplicate_of": original})
    assert status == 200 and body["duplicate_of"] == original

    third = await make_petition(runtime, content="Quảng cáo bán hàng")
    status, body = await office.post(third, {"status": "rejected"})
    assert status == 400 and "lý do" in body["error"]
    status, body = await office.post(third, {"status": "rejected", "reason": "abusive"})
    assert status == 200 and body["rejection_reason"] == "abusive"


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({}, "Cần ít nhất một"),
        ({"status": "done"}, "status «done» không có"),
        ({"due": "2026-02-30"}, "due «2026-02-30» không hợp lệ"),
        ({"internal_note": "x" * 1_000_000}, "dài quá 5000 ký tự"),
        ({"public_note": 12}, "«public_note» phải là chuỗi"),
        ({"internal_note": "x", "version": "2"}, "«version» phải là số nguyên"),
        ([1, 2], "đối tượng JSON"),
    ],
)
async def test_invalid_input_is_400_and_changes_nothing(
    runtime: Any, server: TestServer, api_for, body: Any, word: str
) -> None:
    code = await make_petition(runtime)
    office = await api_for("office")
    status, answer = await office.post(code, body)
    assert status == 400 and word in answer["error"]
    row = await petition_row(runtime, code)
    assert row.version == 1 and len(row.events) == 1


async def test_malformed_json_unknown_codes_and_read_only_roles(
    runtime: Any, server: TestServer, api_for
) -> None:
    code = await make_petition(runtime)
    office = await api_for("office")
    status, body = await office.post(code, None, raw=b"{not json")
    assert status == 400 and "JSON hợp lệ" in body["error"]
    status, body = await office.post("ZZZZZZZZ", {"internal_note": "x"})
    assert status == 404
    for role in ("viewer", "digital_team"):
        client = await api_for(role)
        status, body = await client.post(code, {"status": "screening"})
        assert status == 403, role
    assert (await petition_row(runtime, code)).status == "received"
