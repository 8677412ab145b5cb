"""Assisted intake: staff file a petition for a citizen met in person and print the code."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from handlers.workflow import NoticeTarget
from storage.models import OutboxMessage, Petition
from tests.staff.helpers import make_account, petition_row, signed_in

FORM = {
    "intake_channel": "voter_meeting",
    "content": "Cử tri thôn 4 đề nghị sửa cầu tràn bị sạt lở sau mưa lũ",
    "category": "giao-thong",
    "village": "thon-4",
    "place_text": "Cầu tràn cuối thôn 4",
}


async def _count(runtime: Any) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count(Petition.id))) or 0)


async def test_digital_team_files_for_a_citizen_with_consent_and_prints_the_code(
    runtime: Any, server: TestServer
) -> None:
    volunteer = await make_account(runtime, "digital_team", full_name="Trần Thị Thử")
    runtime.services.staff_notices = [NoticeTarget("telegram", "-100777")]
    agent = await signed_in(server, volunteer.username)
    try:
        response = await agent.form(
            "/staff/intake",
            {
                **FORM,
                "contact_name": "Bà Nguyễn Thị Hoa",
                "contact_phone": "+84 912 345 678",
                "consent": "yes",
            },
        )
        assert response.status == 303
        receipt = response.headers["Location"]
        code = re.fullmatch(r"/staff/petitions/(\w{8})/receipt", receipt).group(1)  # type: ignore[union-attr]
        page = await agent.get(receipt)
        assert page.status == 200
        assert f'data-code="{code}">{code}</p>' in agent.last_html
        assert f"/tracuu {code}" in agent.last_html
        assert "0123 456 789" in agent.last_html  # the commune hotline from the profile
        assert "0912345678" not in agent.last_html  # the slip carries no contact details

        row = await petition_row(runtime, code)
        assert row.intake_channel == "voter_meeting"
        assert row.created_by_staff_id == volunteer.id
        assert row.committee == "kt-ns" and row.village == "thon-4"
        assert row.contact_phone == "0912345678" and row.contact_name == "Bà Nguyễn Thị Hoa"
        assert row.consent_at is not None and row.anonymous is False
        assert row.content_norm.startswith("cu tri thon 4")
        assert row.events[0].actor_label == "Trần Thị Thử"

        # The staff group is told, as for a petition filed in chat — without personal data.
        async with runtime.db.read() as session:
            notices = (
                (
                    await session.execute(
                        select(OutboxMessage).where(OutboxMessage.kind == "notice")
                    )
                )
                .scalars()
                .all()
            )
        assert [(n.channel, n.recipient) for n in notices] == [("telegram", "-100777")]
        assert code in notices[0].body["text"] and "0912345678" not in notices[0].body["text"]

        # The volunteer filed it but, by role, never sees the phone afterwards.
        await agent.get(f"/staff/petitions/{code}")
        assert "0912345678" not in agent.last_html and "Nguyễn Thị Hoa" not in agent.last_html
    finally:
        await agent.close()


async def test_contact_details_need_the_consent_box(runtime: Any, server: TestServer) -> None:
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        response = await agent.form("/staff/intake", {**FORM, "contact_phone": "0912 345 678"})
        assert response.status == 400
        assert "Cần đánh dấu ô «Công dân đồng ý" in agent.last_html
        assert FORM["content"] in agent.last_html  # nothing typed is lost
        assert await _count(runtime) == 0

        anonymous = await agent.form("/staff/intake", FORM)
        assert anonymous.status == 303
        code = anonymous.headers["Location"].split("/")[3]
        row = await petition_row(runtime, code)
        assert row.anonymous is True and row.contact_phone is None and row.consent_at is None
    finally:
        await agent.close()


async def test_intake_rejects_bad_input_clearly(runtime: Any, server: TestServer) -> None:
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        response = await agent.form(
            "/staff/intake",
            {
                "intake_channel": "telegram",
                "content": "ngắn",
                "category": "khong-co",
                "contact_phone": "12ab",
                "consent": "yes",
                "village": "thon-99",
            },
        )
        assert response.status == 400
        for message in (
            "Cần ghi nội dung kiến nghị",
            "Cần chọn lĩnh vực",
            "Cần chọn hình thức tiếp nhận",
            "Số điện thoại «12ab» không hợp lệ",
            "Thôn đã chọn không có",
        ):
            assert message in agent.last_html
        too_long = await agent.form("/staff/intake", {**FORM, "content": "a" * 6000})
        assert too_long.status == 400 and "dài quá 5.000 ký tự" in agent.last_html
        assert await _count(runtime) == 0
    finally:
        await agent.close()


async def test_a_double_submitted_form_files_one_petition(
    runtime: Any, server: TestServer
) -> None:
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        token = await agent.csrf()
        first = await agent.post("/staff/intake", {"_csrf": token, **FORM})
        second = await agent.post("/staff/intake", {"_csrf": token, **FORM})
        assert first.status == second.status == 303
        assert first.headers["Location"] == second.headers["Location"]
        assert await _count(runtime) == 1
    finally:
        await agent.close()
