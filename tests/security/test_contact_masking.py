"""A phone number or name typed inside a petition's text is masked for roles that may not see
contact details (viewer, digital_team): pages, the API and the exports; office sees it all."""

from __future__ import annotations

import csv
import io
import types
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from bot.staff import present
from bot.staff.labels import Labels
from bot.staff.masking import mask_personal
from bot.staff.roles import StaffUser
from tests.staff.helpers import make_account, make_petition, make_token, signed_in

NAME = "Nguyễn Văn Bình"
CONTENT = "Đèn đường thôn 3 hỏng, gọi tôi 0912 345 678 hoặc 024.3812.3456, tôi là nguyễn văn bình"
SECRETS = ("0912 345 678", "024.3812.3456", "bình", "Bình")


def _clean(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def test_mask_personal_hides_phones_in_any_form_and_the_given_name() -> None:
    masked = mask_personal(CONTENT, [NAME])
    assert _clean(masked) and "Đèn đường thôn 3 hỏng" in masked and masked.count("***") == 3
    assert mask_personal("An toàn giao thông", ["An"]) == "An toàn giao thông"  # too short


async def _code(runtime: Any) -> str:
    return await make_petition(
        runtime, content=CONTENT, contact_name=NAME, contact_phone="0912345678"
    )


async def test_viewer_and_digital_team_never_read_the_numbers_or_name(
    runtime: Any, server: TestServer
) -> None:
    code = await _code(runtime)
    for role in ("viewer", "digital_team"):
        account = await make_account(runtime, role)
        agent = await signed_in(server, account.username)
        try:
            assert (await agent.get(f"/staff/petitions/{code}")).status == 200
            assert _clean(agent.last_html) and "Đèn đường thôn 3 hỏng" in agent.last_html
            assert (await agent.get("/staff/petitions")).status == 200
            assert _clean(agent.last_html) and code in agent.last_html
            if role == "viewer":
                csv_text = await (await agent.get("/staff/reports.csv")).text()
                rows = list(csv.reader(io.StringIO(csv_text)))
                content = rows[0].index("Nội dung")
                row = next(r for r in rows if code in r)
                assert _clean(row[content]) and "***" in row[content]
                data = await (await agent.get("/staff/reports.xlsx")).read()
                sheet = load_workbook(io.BytesIO(data))["Danh sách kiến nghị"]
                cells = [str(c.value or "") for r in sheet.iter_rows() for c in r]
                assert all(_clean(c) for c in cells)
        finally:
            await agent.close()
        token = await make_token(runtime, account.id)
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as s:
            one = await (await s.get(server.make_url(f"/staff/api/petitions/{code}"))).json()
            listed = await (await s.get(server.make_url("/staff/api/petitions"))).text()
        assert _clean(one["content"]) and "contact" not in one
        assert _clean(listed)


async def test_office_reads_the_text_as_the_citizen_wrote_it(
    runtime: Any, server: TestServer
) -> None:
    code = await _code(runtime)
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        await agent.get(f"/staff/petitions/{code}")
        assert "0912 345 678" in agent.last_html and "nguyễn văn bình" in agent.last_html
        csv_text = await (await agent.get("/staff/reports.csv")).text()
        assert "0912 345 678" in csv_text
    finally:
        await agent.close()


def test_the_citizens_added_information_is_masked_in_the_timeline(runtime: Any) -> None:
    viewer = StaffUser(1, "v", "", "viewer", None)
    event = types.SimpleNamespace(
        internal_note="",
        data={},
        at=None,
        action="add_info",
        from_status=None,
        to_status=None,
        actor_kind="citizen",
        actor_label="",
        public_note="Số mới của tôi 0987 654 321",
    )
    petition = types.SimpleNamespace(contact_name=NAME)
    view = present.event_view(event, viewer, Labels.of(runtime.texts), petition=petition)  # type: ignore[arg-type]
    assert "0987 654 321" not in view["public_note"]
