"""Filing a petition through the web chat HTTP API, on both databases: the happy paths, every
kind of bad input (which must change nothing), stale and double-tapped buttons, a restart in the
middle of a draft, and a draft that expires."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import create_app
from bot.runtime import build_runtime
from handlers.types import Attachment, Contact, Inbound, Location
from handlers.workflow import Change, NoticeTarget
from knowledge import normalize
from storage import petitions as repo
from storage.models import ChannelIdentity, Citizen, PetitionAttachment
from tests.conftest import make_settings
from tests.helpers import WebChat
from tests.petitions.conftest import (
    ROAD,
    count_petitions,
    deliver,
    file_petition,
    load,
    outbox_rows,
    staff_does,
    state_of,
    without_bookkeeping,
)

STORY = "Loa phát thanh của thôn bật quá to lúc 5 giờ sáng, người già và trẻ nhỏ mất ngủ"


def _buttons_per_message_ok(replies) -> bool:
    return all(len(r["buttons"]) <= 5 for r in replies)


async def test_an_anonymous_petition_is_filed_with_buttons_at_every_step(client, runtime) -> None:
    chat = WebChat(client)
    replies = await chat.say("/kiennghi")
    assert "lĩnh vực" in replies[0]["text"]
    labels = [b["text"] for b in chat.buttons()]
    assert [c.name for c in runtime.profile.categories] == [x for x in labels if x != "✖ Hủy"]
    assert _buttons_per_message_ok(replies)  # Zalo shows at most five under one message

    await chat.press("Giao thông")
    assert "Bước 2/5" in chat.text
    await chat.say(ROAD)
    assert "Xong" in [b["text"].split()[-1] for b in chat.buttons()]
    await chat.press("Xong")
    assert "thôn nào" in chat.text
    assert _buttons_per_message_ok(chat.replies)
    village_labels = [b["text"] for b in chat.buttons()]
    assert {v.name for v in runtime.profile.villages} <= set(village_labels)
    assert "Bỏ qua" in village_labels
    await chat.press("Thôn 3")
    assert "Gửi ẩn danh" in chat.text and "không thể gọi điện lại" in chat.text
    await chat.press("Gửi ẩn danh")
    assert "ẩn danh" in chat.text and "Bước 5/5" in chat.text
    assert "Thôn 3" in chat.text and "Giao thông, cầu đường" in chat.text
    await chat.press("Xác nhận gửi")

    code = chat.replies[0]["meta"]["petition_code"]
    assert code and code in chat.replies[0]["text"]
    assert "15 ngày làm việc" in chat.text  # what happens next, and how long it takes
    assert f"tra cứu {code}" in chat.text

    petition = await load(runtime, code)
    assert (petition.category, petition.committee, petition.village) == (
        "giao-thong",
        "kt-ns",
        "thon-3",
    )
    assert petition.content == ROAD
    assert petition.content_norm == normalize(ROAD)
    assert petition.anonymous is True
    assert (petition.contact_name, petition.contact_phone, petition.consent_at) == (
        None,
        None,
        None,
    )
    assert petition.intake_channel == "web" and petition.status == "received"
    assert [e.action for e in petition.events] == ["create"]
    state = await state_of(runtime, chat.user_id)
    assert state.flow is None  # the draft is gone once filed


async def test_contact_details_need_consent_and_are_stored_with_it(client, runtime, clock) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Điện, nước")
    await chat.say("Mất điện liên tục ở xóm Trên, mỗi tuần vài lần, ảnh hưởng sinh hoạt")
    await chat.press("Xong")
    await chat.press("Xóm Trên")
    await chat.say("Nguyễn Văn An")
    assert "Số điện thoại" in chat.text
    await chat.say("0912.345.678")
    consent = chat.text
    assert "Nghị định 13/2023/NĐ-CP" in consent and "/xoadulieu" in consent
    assert "họ tên, số điện thoại" in consent
    assert {b["text"] for b in chat.buttons()} >= {"Đồng ý", "Không đồng ý"}
    await chat.press("Đồng ý")
    assert "Nguyễn Văn An, 0912 345 678" in chat.text
    await chat.press("Xác nhận gửi")
    code = chat.replies[0]["meta"]["petition_code"]

    petition = await load(runtime, code)
    assert petition.anonymous is False
    assert (petition.contact_name, petition.contact_phone) == ("Nguyễn Văn An", "0912345678")
    assert petition.consent_at == clock.now
    async with runtime.db.read() as session:
        citizen = (await session.execute(select(Citizen))).scalar_one()
        identity = await session.get(ChannelIdentity, petition.identity_id)
    assert (citizen.name, citizen.phone, citizen.consent_at) == (
        "Nguyễn Văn An",
        "0912345678",
        clock.now,
    )
    assert identity.citizen_id == citizen.id == petition.citizen_id

    # Next time the saved details are offered, and consent is not asked again.
    await chat.say("/kiennghi")
    await chat.press("Môi trường")
    await chat.say("Bãi rác đầu xóm Trên lâu ngày không ai thu gom, bốc mùi hôi thối")
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    if any("Vẫn gửi" in b["text"] for b in chat.buttons()):
        await chat.press("Vẫn gửi kiến nghị mới")
    assert "Nguyễn Văn An, 0912 345 678" in chat.text
    await chat.press("Dùng thông tin này")
    assert "Bước 5/5" in chat.text
    await chat.press("Xác nhận gửi")
    second = await load(runtime, chat.replies[0]["meta"]["petition_code"])
    assert second.contact_phone == "0912345678" and second.citizen_id == citizen.id


async def test_name_and_phone_in_one_message_and_refused_consent(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giáo dục")
    await chat.say("Trường mẫu giáo thôn 6 bị dột mái, mưa là các cháu phải nghỉ học")
    await chat.press("Xong")
    await chat.press("Thôn 6")
    await chat.say("Trần Thị Bình, sđt +84 987 654 321")
    assert "Nghị định 13/2023" in chat.text  # straight to consent: the number was in the message
    await chat.press("Không đồng ý")
    assert "ẩn danh" in chat.text
    await chat.press("Xác nhận gửi")
    petition = await load(runtime, chat.replies[0]["meta"]["petition_code"])
    assert petition.anonymous is True
    assert petition.contact_name is None and petition.contact_phone is None
    async with runtime.db.read() as session:
        assert (await session.execute(select(Citizen))).first() is None


async def test_bad_input_at_every_step_gets_a_reprompt_and_changes_nothing(
    client, runtime
) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.say("abc")  # not a category
    assert "lĩnh vực" in chat.text
    assert (await state_of(runtime, chat.user_id)).step == "category"
    await chat.press("Giao thông")
    before = without_bookkeeping((await state_of(runtime, chat.user_id)).data)

    await chat.say("")
    assert "chưa nhận được nội dung" in chat.replies[0]["text"]
    await chat.say("   ")
    assert "chưa nhận được nội dung" in chat.replies[0]["text"]
    await chat.say("đường hỏng")
    assert "hơi ngắn" in chat.replies[0]["text"]
    await chat.say("x" * 20_000)
    assert "20.000" in chat.replies[0]["text"] and "4.000" in chat.replies[0]["text"]
    assert chat.replies[-1]["text"].startswith("Bước 2/5")  # the same question again
    state = await state_of(runtime, chat.user_id)
    assert state.step == "content" and without_bookkeeping(state.data) == before  # nothing kept

    await chat.say(ROAD)
    await chat.press("Xong")
    await chat.say("x" * 400)  # a "place" longer than any address
    assert "Địa điểm dài quá" in chat.replies[0]["text"]
    assert (await state_of(runtime, chat.user_id)).step == "place"
    await chat.say("đầu cầu Đá, thôn 3")
    await chat.say("Lê Văn Cường")
    phone_step = without_bookkeeping((await state_of(runtime, chat.user_id)).data)
    await chat.say("09l2 345 678")
    assert "chỉ gồm chữ số" in chat.replies[0]["text"]
    await chat.say("12345")
    assert "10 chữ số" in chat.replies[0]["text"]
    state = await state_of(runtime, chat.user_id)
    assert state.step == "phone" and without_bookkeeping(state.data) == phone_step
    await chat.say("0987654321")
    await chat.say("ừ")  # consent to personal data needs an explicit yes, not a grunt
    assert "Đồng ý" in chat.replies[0]["text"]
    assert (await state_of(runtime, chat.user_id)).step == "consent"
    await chat.press("Đồng ý")
    await chat.say("để tôi xem")  # neither a yes nor a label at the summary
    assert "Xác nhận gửi" in chat.replies[0]["text"]
    assert (await state_of(runtime, chat.user_id)).step == "summary"
    assert await count_petitions(runtime) == 0
    await chat.press("Xác nhận gửi")
    petition = await load(runtime, chat.replies[0]["meta"]["petition_code"])
    assert petition.village == "thon-3"  # found in the typed place
    assert petition.place_text == "đầu cầu Đá, thôn 3"
    assert petition.contact_phone == "0987654321"


async def test_a_double_tapped_confirm_files_exactly_one_petition(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    await chat.press("Gửi ẩn danh")
    confirm = chat.find_button("Xác nhận gửi")["payload"]
    first, second = await asyncio.gather(chat.send(payload=confirm), chat.send(payload=confirm))
    bodies = [first[1], second[1]]
    codes = [r["meta"].get("petition_code") for b in bodies for r in b["replies"]]
    filed = [c for c in codes if c]
    assert len(filed) == 1
    # The second tap is told the petition was already sent, with its code.
    assert any(
        "đã được gửi rồi" in r["text"] and filed[0] in r["text"]
        for b in bodies
        for r in b["replies"]
    )
    third = await chat.tap(confirm)
    assert "đã được gửi rồi" in third[0]["text"] and filed[0] in third[0]["text"]
    assert await count_petitions(runtime) == 1


async def test_buttons_from_another_user_or_an_old_draft_change_nothing(client, runtime) -> None:
    alice, bob = WebChat(client), WebChat(client)
    await alice.say("/kiennghi")
    alice_button = alice.find_button("Giao thông")["payload"]
    await bob.say("/kiennghi")
    await bob.tap(alice_button)  # forged or copied from someone else's chat
    assert "tin nhắn cũ" in bob.replies[0]["text"]
    assert (await state_of(runtime, bob.user_id)).step == "category"
    assert "category" not in (await state_of(runtime, bob.user_id)).data

    await alice.say("/huy")
    assert "Đã hủy" in alice.text
    await alice.say("/kiennghi")
    await alice.tap(alice_button)  # from the cancelled draft
    assert "tin nhắn cũ" in alice.replies[0]["text"]
    assert (await state_of(runtime, alice.user_id)).step == "category"
    await alice.press("Giao thông")  # the new draft's own button works
    assert (await state_of(runtime, alice.user_id)).step == "content"
    assert await count_petitions(runtime) == 0


async def test_the_matcher_offer_reuses_the_message_as_content(client, runtime) -> None:
    chat = WebChat(client)
    report = "Đèn đường thôn 2 hỏng cả tháng nay, tối đi lại rất nguy hiểm, đề nghị xã sửa"
    replies = await chat.say(report)
    assert replies[0]["meta"]["intent"] == "petition"
    assert "Gửi nội dung này thành kiến nghị" in replies[0]["text"]
    offer_yes = chat.find_button("Gửi")["payload"]
    await chat.press("Gửi")
    await chat.press("Điện, nước")
    assert report in chat.text and "Xong" in chat.text  # not asked again
    await chat.press("Xong")
    assert "thôn nào" in chat.text
    await chat.tap(offer_yes)  # the offer was used once already
    assert "tin nhắn cũ" in chat.replies[0]["text"]
    await chat.say("/huy")

    # "Không" files nothing; a newer offer makes the older one's buttons stale.
    await chat.say(report)
    older = chat.find_button("Gửi")["payload"]
    await chat.say("xin chào")  # the offer captures nothing: this is answered as a greeting
    assert chat.replies[0]["meta"].get("intent") == "greeting"
    await chat.say("Cống thoát nước ngõ 5 thôn 1 bị tắc, mưa là ngập, đề nghị xã nạo vét")
    newer_no = chat.find_button("Không")["payload"]
    await chat.tap(older)
    assert "tin nhắn cũ" in chat.replies[0]["text"]
    await chat.tap(newer_no)
    assert "chưa gửi gì" in chat.text
    assert await count_petitions(runtime) == 0


async def test_a_draft_survives_a_restart(client, runtime, db_url, clock, content) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Môi trường")
    await chat.say("Rác thải ở bãi đầu thôn 4 không ai thu gom, bốc mùi hôi thối cả tuần")
    await chat.press("Xong")
    place_buttons = chat.buttons()

    other = await build_runtime(make_settings(db_url), clock=clock, migrate=False, content=content)
    try:
        async with TestClient(TestServer(create_app(other, run_background=False))) as client2:
            again = WebChat(client2, user_id=chat.user_id)
            again.replies = [{"text": "", "buttons": place_buttons}]
            await again.press("Thôn 4")
            await again.press("Gửi ẩn danh")
            assert "bãi đầu thôn 4" in again.text
            await again.press("Xác nhận gửi")
            code = again.replies[0]["meta"]["petition_code"]
    finally:
        await other.close()
    petition = await load(runtime, code)
    assert petition.village == "thon-4" and petition.category == "moi-truong"


async def test_an_abandoned_draft_expires_but_keeps_the_citizens_words(
    client, runtime, clock
) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    old_button = chat.find_button("Hủy")
    await chat.say(ROAD)
    done = chat.find_button("Xong")["payload"]
    hours = runtime.profile.petitions.draft_expiry_hours
    clock.advance(hours=hours - 1)
    assert await runtime.engine.expire_flows() == 0  # not yet
    clock.advance(hours=2)
    assert await runtime.engine.expire_flows() == 1
    pushed = await chat.pushed()
    assert len(pushed) == 1
    assert f"quá {hours} giờ" in pushed[0]["text"] and "vẫn giữ" in pushed[0]["text"]
    resume = pushed[0]["buttons"][0]
    assert resume["text"] == "📝 Gửi tiếp kiến nghị"
    state = await state_of(runtime, chat.user_id)
    assert state.flow is None and "parts" not in state.data  # the flow is closed…
    assert state.data["_draft"]["data"]["parts"] == [ROAD]  # …its words are kept
    await chat.tap(done)
    assert "tin nhắn cũ" in chat.replies[0]["text"]
    assert old_button["payload"] == "cmd:huy"
    assert await count_petitions(runtime) == 0

    # The next day the citizen presses the button: the draft is back where it stopped.
    clock.advance(hours=20)
    await chat.tap(resume["payload"])
    assert chat.text.startswith("Bước 2/5") and ROAD in chat.text
    await chat.press("Xong")
    await chat.press("Thôn 3")
    await chat.press("Gửi ẩn danh")
    await chat.press("Xác nhận gửi")
    petition = await load(runtime, chat.replies[0]["meta"]["petition_code"])
    assert (petition.content, petition.category) == (ROAD, "giao-thong")
    assert "_draft" not in (await state_of(runtime, chat.user_id)).data
    await chat.tap(resume["payload"])  # used once: an old button now
    assert "tin nhắn cũ" in chat.text and await count_petitions(runtime) == 1

    # A draft with nothing written yet is simply closed: the next message says so first.
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    clock.advance(hours=hours + 1)
    replies = await chat.say("xin chào")
    assert f"quá {hours} giờ" in replies[0]["text"] and "/kiennghi" in replies[0]["text"]
    assert replies[1]["meta"].get("intent") == "greeting"


async def test_a_kept_draft_is_offered_again_and_can_be_dropped(client, runtime, clock) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.say("menu")  # the citizen leaves for the menu: one message, the draft is kept
    assert len(chat.replies) == 1
    assert "cất kiến nghị" in chat.text and "trợ lý ảo" in chat.text
    assert (await state_of(runtime, chat.user_id)).flow is None
    await chat.say("lam lai can cuoc o dau")  # a question in between is answered as usual
    assert "căn cước" in chat.text.lower()

    await chat.say("gui kien nghi")  # the menu button's words, typed without diacritics
    assert "viết dở" in chat.text and ROAD[:40] in chat.text
    await chat.press("Viết kiến nghị mới")
    assert chat.text.startswith("📝 Gửi kiến nghị tới HĐND xã (bước 1/5)")
    assert "_draft" not in (await state_of(runtime, chat.user_id)).data

    # A draft older than a week is gone, and said so.
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.say("/menu")
    clock.advance(days=8)
    await chat.say("/kiennghi")
    assert "bước 1/5" in chat.text  # no stale draft offered
    await chat.say("/huy")
    assert await count_petitions(runtime) == 0


async def test_photos_location_and_shared_contact_on_a_chat_platform(runtime) -> None:
    """Attachments, a map location and Telegram's share-contact (the web chat has none)."""
    engine = runtime.engine

    async def send(**kw):
        result = await engine.handle(Inbound(channel="telegram", user_key="tg-7", **kw))
        return result.replies

    def pay(replies, label):
        return next(b.payload for r in replies for b in r.buttons if label in b.text)

    replies = await send(text="/kiennghi")
    replies = await send(payload=pay(replies, "Giao thông"))
    photo = Attachment(kind="photo", ref="file-abc", mime="image/jpeg", size=1234)
    replies = await send(attachments=(photo,))
    assert "1 ảnh" in replies[0].text  # kept, and the content is still asked for
    replies = await send(
        text=ROAD,
        attachments=(
            Attachment(kind="photo", ref="file-def"),
            Attachment(kind="sticker", ref="st-1"),
        ),
    )
    assert "kèm 2 ảnh/tệp" in replies[0].text
    replies = await send(payload=pay(replies, "Xong"))
    replies = await send(location=Location(latitude=10.5, longitude=106.25))
    request_buttons = [b for r in replies for b in r.buttons if b.request == "contact"]
    assert request_buttons and request_buttons[0].payload is None
    replies = await send(contact=Contact(phone="+84912000111", name="Phạm Văn Dũng"))
    assert "Nghị định 13/2023" in replies[0].text and "vị trí" in replies[0].text
    replies = await send(payload=pay(replies, "Đồng ý"))
    assert "vị trí đã gửi trên bản đồ" in replies[0].text
    replies = await send(payload=pay(replies, "Xác nhận"))
    code = replies[0].meta["petition_code"]
    async with runtime.db.read() as session:
        petition = await repo.get_by_code(session, code, with_details=True)
        attachments = (await session.execute(select(PetitionAttachment))).scalars().all()
    assert [(a.kind, a.ref, a.channel) for a in attachments] == [
        ("photo", "file-abc", "telegram"),
        ("photo", "file-def", "telegram"),
    ]
    assert (petition.latitude, petition.longitude) == (10.5, 106.25)
    assert petition.contact_phone == "0912000111" and petition.contact_name == "Phạm Văn Dũng"
    assert petition.intake_channel == "telegram"


async def test_staff_are_told_of_a_new_petition_without_personal_data(client, runtime) -> None:
    runtime.services.staff_notices = [NoticeTarget("telegram", "-1001234")]
    chat = WebChat(client)
    code = await file_petition(chat, name_phone="Hoàng Thị Em 0911222333")
    notices = await outbox_rows(runtime, kind="notice")
    assert len(notices) == 1
    notice = notices[0]
    assert (notice.channel, notice.recipient, notice.identity_id) == ("telegram", "-1001234", None)
    text = notice.body["text"]
    assert code in text and "Giao thông, cầu đường" in text and "Thôn 3" in text
    for personal in ("Hoàng Thị Em", "0911", "911 222", "cầu Đá"):
        assert personal not in text


async def test_editing_from_the_summary(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.press("Xong")
    await chat.press("Thôn 1")
    await chat.press("Gửi ẩn danh")
    await chat.press("Sửa")
    assert {b["text"] for b in chat.buttons()} >= {"Lĩnh vực", "Nội dung", "Địa điểm"}
    await chat.press("Nội dung")
    assert "Giữ nguyên" in chat.text
    new_content = "Cầu Đá thôn 1 bị nứt lan can, trẻ em đi học qua rất nguy hiểm"
    await chat.say(new_content)
    await chat.press("Xong")
    assert "Bước 5/5" in chat.text and new_content in chat.text and "Thôn 1" in chat.text
    await chat.press("Sửa")
    await chat.press("Lĩnh vực")
    await chat.press("An ninh")
    assert "Bước 5/5" in chat.text and "An ninh, trật tự" in chat.text
    await chat.press("Sửa")
    await chat.press("Địa điểm")
    await chat.press("Thôn 5")
    assert "Thôn 5" in chat.text
    await chat.press("Xác nhận gửi")
    petition = await load(runtime, chat.replies[0]["meta"]["petition_code"])
    assert petition.content == new_content
    assert (petition.category, petition.committee, petition.village) == (
        "an-ninh-trat-tu",
        "vh-xh",
        "thon-5",
    )


async def test_typed_answers_and_a_village_qr_code(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("/start v_thon-2")  # opened from the QR code posted in Thôn 2
    await chat.say("/kiennghi")
    await chat.say(ROAD)  # the story before the category: kept, category asked again
    assert "ghi lại nội dung" in chat.replies[0]["text"]
    await chat.say("giao thong")  # typed without diacritics
    assert ROAD in chat.text and "Xong" in chat.text
    await chat.say("xong")  # typed instead of pressed
    first = chat.replies[0]["buttons"][0]
    assert first["text"] == "📍 Thôn 2"  # the village of the QR code comes first
    await chat.press("📍 Thôn 2")
    await chat.say("Không")  # no name: anonymous, with the warning
    assert "không thể gọi điện lại" in chat.text and "Bước 5/5" in chat.text
    await chat.press("Xác nhận gửi")
    petition = await load(runtime, chat.replies[0]["meta"]["petition_code"])
    assert petition.village == "thon-2" and petition.category == "giao-thong"


async def test_cancel_and_help(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.press("Hủy")
    assert "chưa được gửi" in chat.text
    assert (await state_of(runtime, chat.user_id)).flow is None
    await chat.say("/khonglenh")
    for command in ("/kiennghi", "/tracuu", "/xoadulieu"):
        assert command in chat.text
    # /kiennghi during a draft keeps the draft and shows where it stands.
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say("/kiennghi")
    assert "đang làm dở" in chat.text and "Bước 2/5" in chat.text
    assert (await state_of(runtime, chat.user_id)).data.get("category") == "giao-thong"
    assert await count_petitions(runtime) == 0


async def test_prompts_fit_the_channel_and_the_story_suggests_the_village(client, runtime) -> None:
    """The web chat sends photos (the 📷 button) like Telegram, so it is asked for them. A
    village the story names is offered first at the place step."""
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Môi trường")
    assert "ảnh chụp" in chat.text
    story = "Cống thoát nước trước nhà văn hóa thôn 5 bị tắc, mưa xuống nước tràn ra đường"
    await chat.say(story)
    assert "Xong" in chat.text
    assert story not in chat.text  # just sent: not echoed back
    await chat.say("Đã báo trưởng thôn từ tháng trước")
    assert story in chat.text  # two parts: the whole content is shown
    await chat.press("Xong")
    assert chat.replies[0]["buttons"][0]["text"] == "📍 Thôn 5"

    telegram = await runtime.engine.handle(
        Inbound(channel="telegram", user_key="tg-9", text="/kiennghi")
    )
    payload = next(b.payload for r in telegram.replies for b in r.buttons if "Môi" in b.text)
    asked = await runtime.engine.handle(
        Inbound(channel="telegram", user_key="tg-9", payload=payload)
    )
    assert "ảnh chụp" in asked.replies[0].text


async def test_the_councils_question_comes_before_a_draft_which_is_kept(client, runtime) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    await staff_does(runtime, code, "request_info", Change(public_note="Có ảnh không?"))
    await deliver(runtime)
    await chat.say("/kiennghi")
    await chat.press("Việc khác")
    await chat.say(STORY)
    await chat.tap(f"pinfo:{code}")  # the question's button, pressed mid-draft
    assert "cất kiến nghị" in chat.replies[0]["text"] and "Có ảnh không?" in chat.text
    await chat.say("Không có ảnh ạ")
    assert (await load(runtime, code)).status == "screening"
    await chat.say("/kiennghi")
    assert "viết dở" in chat.text and STORY in chat.text
    await chat.press("Gửi tiếp")
    assert "Bước 2/5" in chat.text and STORY in chat.text


async def test_a_map_location_is_kept_only_with_consent_even_when_anonymous(runtime) -> None:
    engine = runtime.engine

    async def send(user: str, **kw):
        return (await engine.handle(Inbound(channel="telegram", user_key=user, **kw))).replies

    def pay(replies, label):
        return next(b.payload for r in replies for b in r.buttons if label in b.text)

    codes = {}
    for user, answer in (("tg-yes", "Đồng ý"), ("tg-no", "Không đồng ý")):
        replies = await send(user, text="/kiennghi")
        replies = await send(user, payload=pay(replies, "Giao thông"))
        replies = await send(user, text=ROAD)
        replies = await send(user, payload=pay(replies, "Xong"))
        replies = await send(user, location=Location(latitude=10.5, longitude=106.25))
        if any("Vẫn gửi" in b.text for r in replies for b in r.buttons):
            replies = await send(user, payload=pay(replies, "Vẫn gửi"))  # the first one's twin
        replies = await send(user, payload=pay(replies, "ẩn danh"))
        assert "lưu vị trí trên bản đồ của bạn" in replies[0].text  # asked, although anonymous
        replies = await send(user, payload=pay(replies, answer))
        replies = await send(user, payload=pay(replies, "Xác nhận"))
        codes[user] = replies[0].meta["petition_code"]
    kept, dropped = await load(runtime, codes["tg-yes"]), await load(runtime, codes["tg-no"])
    assert (kept.latitude, kept.anonymous, kept.contact_name) == (10.5, True, None)
    assert kept.consent_at is not None
    assert (dropped.latitude, dropped.longitude, dropped.consent_at) == (None, None, None)
