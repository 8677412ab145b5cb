"""After Zalo's messaging window: a petition's citizen who gave a phone is told by ZNS."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage, ZnsNotice
from tests.channels import fake_zalo as zl
from tests.channels.harness import ZaloOA, flush, make_runtime, serve, zalo_env
from tests.channels.test_journeys import CONTENT, _code, _staff_answers
from tests.staff.helpers import make_account, signed_in


@pytest.fixture
async def zns_oa(db_url: str, clock: Any, content: Any, fake_zalo):
    env = zalo_env(
        fake_zalo,
        fake_zalo.issue_pair(),
        ZALO_ZNS_TEMPLATE_ID=fake_zalo.zns_template_id,
        ZALO_ZNS_API_BASE_URL=fake_zalo.url,
    )
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime) as client:
            yield ZaloOA(runtime, client, fake_zalo)
    finally:
        await runtime.close()


async def _file(oa: ZaloOA, chat, contact: str | None) -> str:
    await chat.say("menu")
    await chat.press("Gửi kiến nghị")
    await chat.press("Giao thông")
    await chat.say(CONTENT)
    await chat.press("Xong")
    await chat.say("bỏ qua")
    if contact is None:
        await chat.press("Gửi ẩn danh")
    else:
        await chat.say(contact)
        await chat.press("Đồng ý")
    await chat.send(
        zl.message_event(
            "user_send_text", chat.user_id, text=chat.button("Xác nhận gửi")["payload"]
        )
    )
    return _code(chat.text)


async def _detail(oa: ZaloOA, code: str) -> str:
    await make_account(oa.runtime, "office", username="vanphong")
    agent = await signed_in(oa.client.server, "vanphong")
    try:
        page = await agent.get(f"/staff/petitions/{code}")
        assert page.status == 200
        return agent.last_html
    finally:
        await agent.close()


def _told(html: str) -> str:
    found = re.search(r'data-testid="citizen-told">([^<]*)<', html)
    return found.group(1) if found else ""


async def test_a_citizen_past_the_window_with_a_phone_is_told_by_zns(zns_oa) -> None:
    oa, fake = zns_oa, zns_oa.fake
    chat = oa.chat()
    code = await _file(oa, chat, "Nguyễn Văn Năm 0912 345 678")
    fake.window_closed.add(chat.user_id)  # eight days later
    await _staff_answers(oa.runtime, code, "Đã sửa xong đoạn đường.")
    await flush(oa.runtime)
    assert chat.new() == []
    assert len(fake.zns) == 2  # "being screened", then "answered"
    answered = fake.zns[-1]
    assert answered["phone"] == "84912345678"
    assert answered["template_id"] == fake.zns_template_id
    assert answered["template_data"]["code"] == code
    assert answered["template_data"]["status"] == "Đã có trả lời"
    assert "CONTENT" not in str(answered) and "Nguyễn" not in str(answered)
    assert _told(await _detail(oa, code)) == "đã báo qua ZNS"

    response = await oa.post(fake.receipt(answered, chat.user_id))
    assert response.status == 200
    async with oa.runtime.db.read() as session:
        notice = await session.scalar(
            select(ZnsNotice).where(ZnsNotice.tracking_id == answered["tracking_id"])
        )
    assert notice is not None and notice.status == "received" and notice.received_at

    await flush(oa.runtime)
    assert len(fake.zns) == 2  # not sent twice
    fake.window_closed.discard(chat.user_id)
    messages = await chat.say("chào xã")  # the whole text still reaches them once they write
    assert "Đã sửa xong đoạn đường." in messages[1]["text"]


async def test_without_a_phone_the_notice_waits_and_staff_see_it(zns_oa) -> None:
    oa, fake = zns_oa, zns_oa.fake
    chat = oa.chat()
    code = await _file(oa, chat, None)
    fake.window_closed.add(chat.user_id)
    await _staff_answers(oa.runtime, code, "Đã sửa xong.")
    await flush(oa.runtime)
    assert fake.zns == []
    async with oa.runtime.db.read() as session:
        rows = (await session.execute(select(OutboxMessage.status))).scalars().all()
    assert "deferred" in rows
    assert _told(await _detail(oa, code)) == "chưa báo được — chờ công dân nhắn lại"


async def test_a_zns_refusal_leaves_the_notice_waiting(zns_oa) -> None:
    oa, fake = zns_oa, zns_oa.fake
    chat = oa.chat()
    code = await _file(oa, chat, "Nguyễn Văn Năm 0912 345 678")
    fake.window_closed.add(chat.user_id)
    fake.zns_error = -1124
    await _staff_answers(oa.runtime, code, "Đã sửa xong.")
    await flush(oa.runtime)
    assert _told(await _detail(oa, code)) == "chưa báo được — chờ công dân nhắn lại"
