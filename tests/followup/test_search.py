"""Search by contact: a caller's phone number in any written form and a name without diacritics,
for roles that may see contact details, and as if the contact fields did not exist for others."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from tests.staff.helpers import make_account, make_petition, signed_in

PHONE = "0912345678"
WRITTEN = ["0912 345 678", "+84912345678", "84-912-345-678", "(+84) 912.345.678"]


async def _petitions(runtime: Any) -> tuple[str, str]:
    found = await make_petition(
        runtime,
        content="Đèn đường thôn 2 hỏng đã lâu",
        contact_name="Nguyễn Thị Đào",
        contact_phone=PHONE,
    )
    other = await make_petition(
        runtime,
        content="Rác thải ven sông chưa được thu gom",
        contact_name="Trần Văn Bình",
        contact_phone="0987654321",
    )
    return found, other


async def test_office_finds_a_petition_by_phone_in_any_form_and_by_name(
    runtime: Any, server: TestServer, api_for
) -> None:
    found, other = await _petitions(runtime)
    office = await api_for("office")
    for written in WRITTEN:
        status, body, _ = await office.get("/staff/api/petitions", q=written)
        assert status == 200, body
        assert [p["code"] for p in body] == [found], written
    for name in ("nguyen thi dao", "Nguyễn Thị Đào", "THI DAO"):
        status, body, _ = await office.get("/staff/api/petitions", q=name)
        assert [p["code"] for p in body] == [found], name
    status, body, _ = await office.get("/staff/api/petitions", q="tran van binh")
    assert [p["code"] for p in body] == [other]
    # the text search still works alongside
    status, body, _ = await office.get("/staff/api/petitions", q="den duong")
    assert [p["code"] for p in body] == [found]


async def test_roles_without_contact_rights_search_as_if_contacts_did_not_exist(
    runtime: Any, server: TestServer, api_for
) -> None:
    await _petitions(runtime)
    for role in ("viewer", "digital_team"):
        client = await api_for(role)
        for query in (WRITTEN[0], "nguyen thi dao"):
            status, body, _ = await client.get("/staff/api/petitions", q=query)
            assert status == 200 and body == [], (role, query)
        status, body, _ = await client.get("/staff/api/petitions", q="den duong")
        assert len(body) == 1 and "contact" not in body[0]


async def test_a_committee_finds_only_its_own_petitions_by_phone(
    runtime: Any, server: TestServer, api_for
) -> None:
    await make_petition(runtime, committee="vh-xh", contact_name="An", contact_phone=PHONE)
    mine = await make_petition(runtime, committee="kt-ns", contact_name="An", contact_phone=PHONE)
    client = await api_for("committee", committee="kt-ns")
    _, body, _ = await client.get("/staff/api/petitions", q=WRITTEN[1])
    assert [p["code"] for p in body] == [mine]


async def test_a_search_of_ten_thousand_characters_is_refused_clearly(
    runtime: Any, server: TestServer, api_for, agents: list
) -> None:
    code, _ = await _petitions(runtime)
    office = await api_for("office")
    status, body, _ = await office.get("/staff/api/petitions", q="a" * 10_000)
    assert status == 400 and "dài quá 200 ký tự" in body["error"]
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    agents.append(agent)
    response = await agent.get("/staff/petitions", params={"q": "a" * 10_000})
    assert response.status == 400
    assert "dài quá 200 ký tự" in agent.last_html and code in agent.last_html
    response = await agent.get("/staff/petitions", params={"q": "+84 912 345 678"})
    assert code in agent.last_html
