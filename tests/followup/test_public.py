"""The public results page: nothing public by default, only what staff publish, withdrawn at
once, and never a name, a phone number or an address — even typed inside the text."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from tests.staff.helpers import make_account, make_petition, make_token, petition_row

TEXT = (
    "Tôi là Nguyễn Văn An, nhà số 12 ngõ 5 đường Lê Lợi, điện thoại 0912 345 678. "
    "Đèn đường thôn 2 hỏng đã ba tháng, ông Trần Văn Bình cũng báo rồi."
)
PERSONAL = ["Nguyễn Văn An", "Nguyen Van An", "0912", "345 678", "Trần Văn Bình", "số 12", "ngõ 5"]


async def _call(server: TestServer, method: str, path: str, token: str | None = None, **kw: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, server.make_url(path), headers=headers, **kw) as r,
    ):
        body = await r.json() if r.content_type == "application/json" else await r.text()
        return r.status, body


async def test_publish_show_and_withdraw_without_personal_data(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(
        runtime,
        content=TEXT,
        village="thon-2",
        contact_name="Nguyễn Văn An",
        contact_phone="0912345678",
        place_text="gần cổng chợ",
    )
    other = await make_petition(runtime, content="Rác chưa được thu gom ở chợ")
    office = await make_account(runtime, "office")
    token = await make_token(runtime, office.id)
    status, body = await _call(server, "GET", "/api/public/petitions")
    assert status == 200 and body["petitions"] == []  # nothing public by default
    status, body = await _call(
        server, "POST", f"/staff/api/petitions/{code}/events", token, json={"status": "forwarded"}
    )
    status, body = await _call(
        server,
        "POST",
        f"/staff/api/petitions/{code}/events",
        token,
        json={
            "status": "answered",
            "public_note": "UBND đã thay đèn; cảm ơn ông Nguyễn Văn An (0912345678).",
            "public": True,
        },
    )
    assert status == 200 and body["public"] is True, body
    status, body = await _call(server, "GET", "/api/public/petitions")
    assert [p["code"] for p in body["petitions"]] == [code]
    item = body["petitions"][0]
    assert set(item) >= {
        "code",
        "summary",
        "village",
        "category",
        "status",
        "answer",
        "answered_at",
    }
    assert item["status"] == "answered" and item["answered_at"]
    assert "Đèn đường thôn 2 hỏng" in item["summary"] and "UBND đã thay đèn" in item["answer"]
    status, page = await _call(server, "GET", "/cong-khai")
    assert status == 200 and code in page and other not in page and "<script" not in page
    assert 'name="viewport"' in page
    for text in (str(body), page):
        for personal in PERSONAL:
            assert personal not in text, personal
        assert not re.search(r"0\s?9\d{2}", text)
    # filters; a bad one is a clear 400
    category = item["category"]
    status, body = await _call(server, "GET", "/api/public/petitions", params={"status": "closed"})
    assert body["petitions"] == []
    status, body = await _call(server, "GET", "/api/public/petitions", params={"village": "x"})
    assert status == 400 and "Không có thôn" in body["error"]
    status, page = await _call(server, "GET", "/cong-khai", params={"category": "khong-co"})
    assert status == 400 and "Không có lĩnh vực" in page
    assert category
    # the on-time count: answered by the due date this quarter
    status, body = await _call(server, "GET", "/api/public/petitions")
    assert body["on_time"][0]["answered"] == 1 and body["on_time"][0]["on_time"] == 1
    # a committee may not publish; withdrawing removes it at once
    committee = await make_account(runtime, "committee", committee="kt-ns")
    status, body = await _call(
        server,
        "POST",
        f"/staff/api/petitions/{other}/events",
        await make_token(runtime, committee.id),
        json={"public": True},
    )
    assert status == 403 and "Văn phòng HĐND" in body["error"]
    status, body = await _call(
        server, "POST", f"/staff/api/petitions/{code}/events", token, json={"public": False}
    )
    assert status == 200 and body["public"] is False
    status, body = await _call(server, "GET", "/api/public/petitions")
    assert body["petitions"] == []
    status, page = await _call(server, "GET", "/cong-khai")
    assert code not in page
    row = await petition_row(runtime, code)
    assert [e.action for e in row.events][-2:] == ["publish", "unpublish"]
    status, body = await _call(
        server, "POST", f"/staff/api/petitions/{code}/events", token, json={"public": "yes"}
    )
    assert status == 400 and "true hoặc false" in body["error"]


async def test_the_office_publishes_from_the_petition_page(
    runtime: Any, server: TestServer, agents: list
) -> None:
    from tests.staff.helpers import CSRF_RE, signed_in

    code = await make_petition(runtime, content=TEXT, contact_name="Nguyễn Văn An")
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    agents.append(agent)
    await agent.get(f"/staff/petitions/{code}")
    assert "Công khai kết quả" in agent.last_html
    csrf = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
    path = f"/staff/petitions/{code}/publish"
    response = await agent.post(path, {"_csrf": csrf, "public": "1", "public_text": "1"})
    assert response.status == 303
    _, page = await _call(server, "GET", "/cong-khai")
    assert code in page and "Đèn đường thôn 2" in page and "Nguyễn Văn An" not in page
    await agent.get(f"/staff/petitions/{code}")
    assert "Thôi công khai" in agent.last_html
    response = await agent.post(path, {"_csrf": csrf, "public": "0"})
    assert response.status == 303
    _, page = await _call(server, "GET", "/cong-khai")
    assert code not in page


async def test_the_public_page_filters_by_council_session(
    runtime: Any, server: TestServer
) -> None:
    """A petition moved to a session is listed under it; an unmoved one under the session its
    receipt day falls before; an unknown session is a clear 400."""
    office = await make_account(runtime, "office")
    token = await make_token(runtime, office.id)
    moved = await make_petition(runtime, content="Đường thôn 3 cần rải nhựa lại")
    unmoved = await make_petition(runtime, content="Cần thêm thùng rác ở chợ")
    ids = []
    for number, day in ((30, "2027-06-20"), (31, "2027-12-20")):
        status, body = await _call(
            server,
            "POST",
            "/staff/api/sessions",
            token,
            json={"number": number, "term": "khóa XXI", "date": day},
        )
        assert status == 201, body
        ids.append(body["id"])
    for code in (moved, unmoved):
        status, body = await _call(
            server, "POST", f"/staff/api/petitions/{code}/events", token, json={"public": True}
        )
        assert status == 200, body
    status, body = await _call(
        server, "POST", f"/staff/api/petitions/{moved}/events", token, json={"session": ids[1]}
    )
    assert status == 200, body
    listed = {}
    for sid in ids:
        status, body = await _call(
            server, "GET", "/api/public/petitions", params={"session": str(sid)}
        )
        assert status == 200, body
        listed[sid] = {p["code"] for p in body["petitions"]}
    assert moved in listed[ids[1]] and moved not in listed[ids[0]]
    assert unmoved in listed[ids[0]] and unmoved not in listed[ids[1]]
    status, page = await _call(server, "GET", "/cong-khai", params={"session": str(ids[1])})
    assert status == 200 and moved in page and "Kỳ họp thứ 31" in page
    status, body = await _call(
        server, "GET", "/api/public/petitions", params={"session": "999999"}
    )
    assert status == 400 and "Không có kỳ họp" in body["error"]
