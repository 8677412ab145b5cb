"""The petition page: what each role sees, the actions the lifecycle allows, and bad input."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from handlers.texts.workflow import WorkflowTexts
from storage import petitions as repo
from storage.models import OutboxMessage, PetitionAttachment
from tests.staff.helpers import (
    CSRF_RE,
    VERSION_RE,
    make_account,
    make_petition,
    petition_row,
    signed_in,
)

ACTION_RE = re.compile(r'<details class="action"[^>]*data-action="(\w+)"')


async def _pushes(runtime: Any, user: str = "citizen-1") -> list[dict[str, Any]]:
    async with runtime.db.read() as session:
        rows = (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.recipient == user, OutboxMessage.kind == "push")
                .order_by(OutboxMessage.id)
            )
        ).scalars()
        return [row.body for row in rows]


async def test_office_takes_a_petition_from_received_to_closed(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(runtime)
    office = await make_account(runtime, "office", full_name="Nguyễn Thị Lan")
    agent = await signed_in(server, office.username)
    try:
        await agent.get(f"/staff/petitions/{code}")
        assert ACTION_RE.findall(agent.last_html) == [
            "screen",
            "assign",
            "reclassify",
            "forward",
            "request_info",
            "reject",
            "mark_duplicate",
            "note",
        ]
        # The default due date: 15 working days from Mon 16/11/2026 (24/11 is off).
        assert 'name="due" value="08/12/2026"' in agent.last_html

        response = await agent.act(code, "screen", public_note="Đã nhận, đang xem xét.")
        assert response.status == 303
        assert response.headers["Location"] == f"/staff/petitions/{code}?done=screen"
        response = await agent.act(
            code, "forward", forwarded_to="UBND xã", doc_no="125/HĐND-VP", due="2026-12-07"
        )
        assert response.status == 303
        row = await petition_row(runtime, code)
        assert row.status == "forwarded" and row.due_date == dt.date(2026, 12, 7)
        assert row.forward_doc_no == "125/HĐND-VP"

        await agent.get(f"/staff/petitions/{code}")
        assert ACTION_RE.findall(agent.last_html) == [
            "assign",
            "reclassify",
            "request_info",
            "answer",
            "note",
        ]
        response = await agent.act(
            code, "answer", public_note="UBND xã đã sửa xong đoạn đường.", internal_note="ok"
        )
        assert response.status == 303
        response = await agent.act(code, "close")
        assert response.status == 303

        row = await petition_row(runtime, code)
        assert row.status == "closed" and row.answer == "UBND xã đã sửa xong đoạn đường."
        assert [e.action for e in row.events] == ["create", "screen", "forward", "answer", "close"]
        assert {e.actor_label for e in row.events[1:]} == {"Nguyễn Thị Lan"}
        texts = [body["text"] for body in await _pushes(runtime)]
        assert len(texts) == 4
        assert "07/12/2026" in texts[1] and "UBND xã đã sửa xong đoạn đường." in texts[2]
        assert all(t != "ok" for t in texts)  # the internal note never reaches the citizen

        await agent.get(f"/staff/petitions/{code}")
        assert "Nội bộ</span> ok" in agent.last_html  # but staff see it in the timeline
    finally:
        await agent.close()


async def test_two_staff_on_the_same_petition_cannot_overwrite_each_other(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(runtime)
    first = await signed_in(server, (await make_account(runtime, "office")).username)
    second = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        await first.get(f"/staff/petitions/{code}")
        await second.get(f"/staff/petitions/{code}")
        seen = VERSION_RE.search(second.last_html).group(1)  # type: ignore[union-attr]
        token = CSRF_RE.search(second.last_html).group(1)  # type: ignore[union-attr]
        assert (await first.act(code, "screen")).status == 303

        long_answer = "Trả lời dài mà cán bộ thứ hai đã gõ rất lâu. " * 5
        response = await second.post(
            f"/staff/petitions/{code}/action",
            {
                "_csrf": token,
                "action": "reject",
                "version": seen,
                "reason": "unclear",
                "public_note": long_answer,
            },
        )
        assert response.status == 409
        assert "vừa được người khác cập nhật" in second.last_html
        assert long_answer.strip() in second.last_html  # what they typed is still there
        row = await petition_row(runtime, code)
        assert row.status == "screening"
        assert [e.action for e in row.events] == ["create", "screen"]
    finally:
        await first.close()
        await second.close()


async def test_a_concurrent_write_detected_by_the_database_is_the_same_clear_refusal(
    runtime: Any, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from bot.staff import actions

    code = await make_petition(runtime)
    agent = await signed_in(server, (await make_account(runtime, "office")).username)

    async def racing(session: Any, petition: Any, *args: Any, **kwargs: Any) -> None:
        petition.status = "screening"
        raise StaleDataError("UPDATE statement on table 'petitions' expected to update 1 row")

    monkeypatch.setattr(actions.workflow, "apply_action", racing)
    try:
        response = await agent.act(code, "screen")
        assert response.status == 409 and "vừa được người khác cập nhật" in agent.last_html
        assert (await petition_row(runtime, code)).status == "received"
    finally:
        await agent.close()


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"action": "forward", "due": "31/02/2026"}, 400, "Hạn trả lời «31/02/2026» không hợp lệ"),
        ({"action": "forward", "due": "2025-01-01"}, 400, "sớm hơn ngày nhận kiến nghị"),
        ({"action": "forward", "due": "2031-01-01"}, 400, "quá xa"),
        ({"action": "answer", "public_note": "Đã xong"}, 409, "Không thể 'Ghi nhận trả lời'"),
        ({"action": "close"}, 409, "Không thể 'Kết thúc'"),
        ({"action": "reject"}, 400, "Cần chọn lý do không tiếp nhận"),
        ({"action": "request_info"}, 400, "Cần nhập câu hỏi gửi công dân"),
        ({"action": "mark_duplicate", "duplicate_of": "xyz"}, 400, "không phải mã kiến nghị"),
        ({"action": "mark_duplicate", "duplicate_of": "ABCDEFGH"}, 400, "Không tìm thấy"),
        ({"action": "assign", "committee": "khong-co"}, 400, "Cần chọn một ban"),
        ({"action": "note", "internal_note": "x" * 6000}, 400, "dài quá 5.000 ký tự"),
        ({"action": "dance"}, 400, "Không có thao tác «dance»"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(
    runtime: Any, server: TestServer, fields: dict[str, str], status: int, message: str
) -> None:
    code = await make_petition(runtime)
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        response = await agent.act(code, **fields)
        assert response.status == status, agent.last_html[:2000]
        assert message in html.unescape(agent.last_html)
        row = await petition_row(runtime, code)
        assert row.status == "received" and row.version == 1 and len(row.events) == 1
        assert await _pushes(runtime) == []
    finally:
        await agent.close()


async def test_a_one_megabyte_note_is_refused_in_vietnamese(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(runtime)
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        megabyte = "ghi chú rất dài " * 50_000  # 1 MB of UTF-8
        response = await agent.act(code, "note", internal_note=megabyte)
        assert response.status == 400
        assert "Ghi chú nội bộ dài quá 5.000 ký tự" in agent.last_html
        assert "Không có gì được thay đổi" in agent.last_html
        assert len(agent.last_html) < 100_000  # the draft kept is cut, not echoed whole

        huge = "x" * (5 * 1024 * 1024)  # past any form the dashboard accepts
        response = await agent.act(code, "note", internal_note=huge)
        assert response.status == 413
        assert "quá lớn" in agent.last_html and "Không có gì được thay đổi" in agent.last_html
        row = await petition_row(runtime, code)
        assert row.version == 1 and len(row.events) == 1
    finally:
        await agent.close()


async def test_reject_with_a_coded_reason_and_mark_as_duplicate(
    runtime: Any, server: TestServer
) -> None:
    original = await make_petition(runtime, content="Đường liên thôn 3 bị sụt lún nặng")
    repeat = await make_petition(
        runtime, content="Đường liên thôn 3 bị sụt lún, đi lại khó", user="citizen-2"
    )
    spam = await make_petition(runtime, content="Khiếu nại ông A lấn đất", user="citizen-3")
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        elsewhere = await make_petition(
            runtime,
            content="Đường liên thôn 3 bị sụt lún, đi lại rất khó",
            user="citizen-4",
            village="thon-5",
        )
        async with runtime.db.write() as session:  # the first two are about the same village
            for code in (original, repeat):
                (await repo.get_by_code(session, code)).village = "thon-3"
        await agent.get(f"/staff/petitions/{repeat}")
        assert f'href="/staff/petitions/{original}">{original}</a>' in agent.last_html  # similar
        # The same words about another village are another problem (the chat's rule too).
        assert f'href="/staff/petitions/{elsewhere}">' not in agent.last_html
        response = await agent.act(repeat, "mark_duplicate", duplicate_of=original.lower())
        assert response.status == 303
        await agent.get(f"/staff/petitions/{repeat}")
        assert "Trùng với" in agent.last_html and original in agent.last_html

        response = await agent.act(spam, "reject", reason="complaint_denunciation")
        assert response.status == 303
        row = await petition_row(runtime, spam)
        assert row.status == "rejected" and row.rejection_reason == "complaint_denunciation"
        notice = (await _pushes(runtime, "citizen-3"))[-1]["text"]
        reasons = WorkflowTexts.of(runtime.texts).rejection_reason
        assert reasons["complaint_denunciation"]() in notice
    finally:
        await agent.close()


async def test_roles_see_only_what_they_may(runtime: Any, server: TestServer) -> None:
    code = await make_petition(
        runtime,
        contact_name="Lê Văn Cử",
        contact_phone="0912345678",
        latitude=10.762622,
        longitude=106.660172,
    )
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        session.add_all(
            [
                PetitionAttachment(
                    petition_id=petition.id,
                    kind="photo",
                    channel="zalo",
                    ref="https://photo.zalo.example/abc.jpg",
                ),
                PetitionAttachment(
                    petition_id=petition.id, kind="photo", channel="telegram", ref="AgACAgQAAxk"
                ),
            ]
        )
    office = await signed_in(server, (await make_account(runtime, "office")).username)
    await office.act(code, "screen", internal_note="Gọi lại cho ông Cử chiều nay")
    await office.act(code, "forward", forwarded_to="UBND xã")
    try:
        await office.get(f"/staff/petitions/{code}")
        text = office.last_html
        assert "0912345678" in text and "Lê Văn Cử" in text
        assert "openstreetmap.org/?mlat=10.762622&amp;mlon=106.660172" in text
        assert 'href="https://photo.zalo.example/abc.jpg"' in text
        assert "AgACAgQAAxk" not in text  # a Telegram file id goes through the proxy route
        assert re.search(
            rf'<img class="thumb" src="/staff/petitions/{code}/attachments/\d+"', text
        )
        assert "Gọi lại cho ông Cử chiều nay" in text

        for role in ("digital_team", "viewer"):
            agent = await signed_in(server, (await make_account(runtime, role)).username)
            await agent.get(f"/staff/petitions/{code}")
            text = agent.last_html
            assert "0912345678" not in text and "Lê Văn Cử" not in text, role
            assert "openstreetmap" not in text and "photo.zalo.example" not in text, role
            assert "Gọi lại cho ông Cử" not in text, role  # internal notes are staff-only
            assert "Có 2 tệp đính kèm" in text
            assert ACTION_RE.findall(text) == [], role  # read-only
            await agent.close()

        member = await signed_in(
            server, (await make_account(runtime, "committee", committee="kt-ns")).username
        )
        await member.get(f"/staff/petitions/{code}")
        assert "0912345678" in member.last_html
        assert ACTION_RE.findall(member.last_html) == ["answer", "note"]
        refused = await member.act(code, "request_info", public_note="Xin ảnh chụp thêm")
        assert refused.status == 403 and "không được thực hiện" in member.last_html
        done = await member.act(code, "answer", public_note="Ban đã làm việc với UBND xã.")
        assert done.status == 303
        assert (await petition_row(runtime, code)).status == "answered"
        await member.close()
    finally:
        await office.close()


async def test_office_corrects_the_category_and_village_a_citizen_picked(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(runtime, village="thon-1")
    office = await signed_in(server, (await make_account(runtime, "office")).username)
    committee = await signed_in(
        server, (await make_account(runtime, "committee", committee="kt-ns")).username
    )
    try:
        # a committee member answers and notes; re-routing is the office's call
        response = await committee.act(code, "reclassify", category="giao-duc-y-te")
        assert response.status == 403
        response = await office.act(code, "reclassify", category="khong-co-linh-vuc")
        assert response.status == 400
        assert "Không có lĩnh vực" in html.unescape(office.last_html)
        assert (await petition_row(runtime, code)).version == 1

        response = await office.act(
            code, "reclassify", category="giao-duc-y-te", village="thon-2", internal_note="sai mục"
        )
        assert response.status == 303
        row = await petition_row(runtime, code)
        assert (row.category, row.committee, row.village) == ("giao-duc-y-te", "vh-xh", "thon-2")
        assert await _pushes(runtime) == []  # an internal correction: the citizen is not told
        await office.get(f"/staff/petitions/{code}")
        page = html.unescape(office.last_html)
        assert "lĩnh vực: Giao thông, cầu đường → Giáo dục, y tế" in page
        assert "thôn: Thôn 1 → Thôn 2" in page
    finally:
        await office.close()
        await committee.close()
