"""A citizen's whole journey on each platform, from the menu to the council's answer.

Menu → FAQ answer → petition with buttons, a photo and a location → tracking code → staff notice
in the staff group → status lookup → a staff status change reaching the citizen through the fake
platform. Also: a redelivered "confirm" files one petition, and on Zalo an answer that arrives
outside the messaging window waits for the citizen's next message.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from handlers import workflow
from handlers.workflow import Actor, Change
from storage.models import Petition, PetitionAttachment
from tests.channels import fake_telegram as tg
from tests.channels import fake_zalo as zl
from tests.channels.conftest import STAFF_CHAT
from tests.channels.harness import flush

STAFF = Actor("staff", None, "Văn phòng HĐND")
CONTENT = "Đường liên thôn đoạn qua cầu Đá bị sụt lún sâu, xe máy đi qua rất nguy hiểm"


def _code(text: str) -> str:
    match = re.search(r"Mã tra cứu: ([A-Z0-9]{8})", text)
    assert match, text
    return match.group(1)


async def _petitions(runtime) -> list[Petition]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(Petition))).scalars().all())


async def _attachments(runtime, petition_id: int) -> list[PetitionAttachment]:
    async with runtime.db.read() as session:
        stmt = select(PetitionAttachment).where(PetitionAttachment.petition_id == petition_id)
        return list((await session.execute(stmt)).scalars().all())


async def _staff_answers(runtime, code: str, note: str) -> None:
    """What the dashboard does when the office records the People's Committee's answer."""
    async with workflow.transaction(runtime.db, runtime.services) as txn:
        petition = await workflow.petition_for_change(txn, code)
        await workflow.screen(txn, petition, STAFF)
        await workflow.answer(txn, petition, STAFF, Change(public_note=note))
    runtime.worker.wake()


async def test_telegram_journey(telegram) -> None:
    runtime, fake = telegram.runtime, telegram.fake
    chat = telegram.chat(7_100_001)
    user = chat.user_id

    await chat.say("/start v_thon-1")  # the QR code on the village notice board
    assert "trợ lý ảo" in chat.text
    await chat.press("Hỏi thủ tục")
    await chat.press("Căn cước")
    assert "căn cước" in chat.text.lower()

    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(CONTENT)
    await chat.send(tg.photo_update(user))
    await chat.press("Xong")
    # the place question ends with Telegram's own "send my location" button
    share = chat.button("Gửi vị trí")
    assert share.get("request_location") is True
    await chat.send(tg.location_update(user, 10.7923, 106.7821))
    share = chat.button("Gửi số điện thoại")
    assert share.get("request_contact") is True
    await chat.send(tg.contact_update(user, "+84912345678"))
    await chat.press("Đồng ý")
    assert "Giao thông" in chat.text
    confirm = tg.callback_update(user, chat.button("Xác nhận gửi")["callback_data"])
    await chat.send(confirm)
    code = _code(chat.text)

    # Telegram redelivers the confirm; the citizen double-taps it too: still one petition
    response = await telegram.post(confirm)
    assert response.status == 200
    await chat.send(tg.callback_update(user, confirm["callback_query"]["data"]))
    [petition] = await _petitions(runtime)
    assert petition.code == code and petition.intake_channel == "telegram"
    assert petition.village == "thon-1"
    assert (petition.latitude, petition.longitude) == (10.7923, 106.7821)
    assert petition.contact_phone and petition.contact_phone.endswith("912345678")
    [photo] = await _attachments(runtime, petition.id)
    assert (photo.kind, photo.ref) == ("photo", "large-photo")

    # the staff group hears of it — code, category, village, nothing personal
    [notice] = fake.sent_to(STAFF_CHAT)
    assert code in notice["text"] and "Thôn 1" in notice["text"]
    assert "912" not in notice["text"] and "Năm" not in notice["text"]

    await chat.say(f"/tracuu {code}")
    assert code in chat.text

    await _staff_answers(runtime, code, "UBND xã sẽ sửa đoạn đường trong tháng 12.")
    await flush(runtime)
    pushed = chat.new()
    assert pushed and code in pushed[-1]["text"]
    assert "UBND xã sẽ sửa đoạn đường trong tháng 12." in "\n".join(m["text"] for m in pushed)


async def test_zalo_journey(zalo) -> None:
    runtime, fake = zalo.runtime, zalo.fake
    chat = zalo.chat()
    user = chat.user_id

    await chat.send(zl.event("follow", user))
    assert "trợ lý ảo" in chat.text
    await chat.say("lam lai can cuoc o dau")
    assert "căn cước" in chat.text.lower()

    await chat.say("menu")
    await chat.press("Gửi kiến nghị")
    await chat.press("Giao thông")
    await chat.say(CONTENT)
    await chat.send(
        zl.message_event(
            "user_send_image",
            user,
            attachments=[{"type": "image", "payload": {"url": "https://zalo.example/p.jpg"}}],
        )
    )
    await chat.press("Xong")
    await chat.send(
        zl.message_event(
            "user_send_location",
            user,
            attachments=[
                {
                    "type": "location",
                    "payload": {"coordinates": {"latitude": "10.7923", "longitude": "106.7821"}},
                }
            ],
        )
    )
    await chat.say("Nguyễn Văn Năm 0912 345 678")  # Zalo has no "share my number" button
    await chat.press("Đồng ý")
    confirm = zl.message_event("user_send_text", user, text=chat.button("Xác nhận gửi")["payload"])
    await chat.send(confirm)
    code = _code(chat.text)
    response = await zalo.post(confirm)  # Zalo retries the webhook
    assert response.status == 200
    await chat.send(dict(confirm, message=dict(confirm["message"], msg_id="another-tap")))
    [petition] = await _petitions(runtime)
    assert petition.code == code and petition.intake_channel == "zalo"
    assert (petition.latitude, petition.longitude) == (10.7923, 106.7821)
    [photo] = await _attachments(runtime, petition.id)
    assert photo.ref == "https://zalo.example/p.jpg"

    await chat.say(f"tra cứu {code}")
    assert code in chat.text

    # the answer comes 8 days later: outside Zalo's messaging window it must wait
    fake.fail_send(-230, times=2)  # "being screened", then "answered"
    await _staff_answers(runtime, code, "Đã sửa xong đoạn đường.")
    await flush(runtime)
    assert chat.new() == []
    messages = await chat.say("chào xã")
    assert all(code in m["text"] for m in messages[:2])
    assert "Đã sửa xong đoạn đường." in messages[1]["text"]  # in order, before the greeting
    async with runtime.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Petition)) == 1
