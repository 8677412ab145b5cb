"""Deleting a citizen's personal data (Decree 13/2023/NĐ-CP): /xoadulieu and withdrawn consent."""

from __future__ import annotations

from sqlalchemy import select

from handlers.types import Inbound
from storage import identities
from storage import petitions as repo
from storage.models import ChannelIdentity, Citizen, OutboxMessage, PetitionFollower
from tests.helpers import WebChat
from tests.petitions.conftest import (
    ROAD,
    deliver,
    file_petition,
    load,
    staff_does,
    state_of,
    without_bookkeeping,
)


async def _identity(runtime, user_id: str, channel: str = "web") -> ChannelIdentity:
    async with runtime.db.read() as session:
        return await identities.find_identity(session, runtime.profile.id, channel, user_id)


async def test_erasing_personal_data_after_a_confirmation(client, runtime, clock) -> None:
    chat, other = WebChat(client), WebChat(client)
    await chat.say("/start v_thon-3")
    mine = await file_petition(chat, name_phone="Vũ Thị Hoa 0934567890")
    theirs = await file_petition(
        other,
        "Trạm bơm nước thôn 6 hỏng, ruộng lúa không có nước tưới đã hai tuần",
        category="Nông nghiệp",
        village="Thôn 6",
    )
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, theirs)
        identity = await identities.find_identity(session, runtime.profile.id, "web", chat.user_id)
        await repo.add_follower(session, petition.id, identity.id, clock())
    identity_id = (await _identity(runtime, chat.user_id)).id

    replies = await chat.say("/xoadulieu")
    explained = replies[0]["text"]
    assert "Họ tên, số điện thoại" in explained and "bạn đã gửi (1)" in explained
    assert "đang theo dõi (1)" in explained and "ẩn danh" in explained
    await chat.press("Không xóa")
    assert "giữ nguyên" in chat.text
    assert (await load(runtime, mine)).contact_phone == "0934567890"

    await chat.say("/xoadulieu")
    erase = chat.find_button("Xóa dữ liệu")["payload"]
    await chat.tap(erase)
    assert "Đã xóa dữ liệu cá nhân" in chat.text
    await chat.tap(erase)  # pressed again: nothing more happens
    assert "tin nhắn cũ" in chat.text

    petition = await load(runtime, mine)
    assert petition.content == ROAD  # kept for statistics
    assert petition.category == "giao-thong" and petition.village == "thon-3"
    assert (petition.contact_name, petition.contact_phone, petition.consent_at) == (
        None,
        None,
        None,
    )
    assert (petition.identity_id, petition.citizen_id) == (None, None)
    assert petition.anonymized_at == clock.now
    async with runtime.db.read() as session:
        citizen = (await session.execute(select(Citizen))).scalars().all()
        follows = (
            (
                await session.execute(
                    select(PetitionFollower).where(PetitionFollower.identity_id == identity_id)
                )
            )
            .scalars()
            .all()
        )
        bodies = [
            r.body["text"]
            for r in (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.identity_id == identity_id)
                )
            )
            .scalars()
            .all()
        ]
    assert [(c.name, c.phone, c.erased_at) for c in citizen] == [(None, None, clock.now)]
    assert follows == []
    assert not any("0934567890" in b or "093 4567 890" in b or "Vũ Thị Hoa" in b for b in bodies)
    assert (await _identity(runtime, chat.user_id)).citizen_id is None
    # the village QR preference too (an outbox id, no personal data, is all that is left)
    assert without_bookkeeping((await state_of(runtime, chat.user_id)).data) == {}

    # The chat account no longer sees or hears about those petitions.
    assert "Không tìm thấy" in (await chat.say(f"tra cứu {mine}"))[0]["text"]
    await chat.pushed()
    await staff_does(runtime, theirs, "screen")
    await staff_does(runtime, mine, "screen")
    await deliver(runtime)
    assert await chat.pushed() == []
    assert "bắt đầu xem xét" in (await other.pushed())[-1]["text"]

    # And can file again, from scratch (no saved details offered).
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD + " thêm đoạn thứ hai")
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    if any("Vẫn gửi" in b["text"] for b in chat.buttons()):
        await chat.press("Vẫn gửi kiến nghị mới")
    assert "Dùng thông tin này" not in chat.text


async def test_withdrawn_consent_erases_without_asking(runtime) -> None:
    engine = runtime.engine

    async def send(**kw):
        return (await engine.handle(Inbound(channel="zalo", user_key="z-1", **kw))).replies

    def pay(replies, label):
        return next(b.payload for r in replies for b in r.buttons if label in b.text)

    replies = await send(text="/kiennghi")
    replies = await send(payload=pay(replies, "Giao thông"))
    replies = await send(text=ROAD)
    replies = await send(payload=pay(replies, "Xong"))
    replies = await send(payload=pay(replies, "Thôn 1"))
    replies = await send(text="Lý Văn Khoa 0977111222")
    replies = await send(payload=pay(replies, "Đồng ý"))
    replies = await send(payload=pay(replies, "Xác nhận"))
    code = replies[0].meta["petition_code"]
    assert (await load(runtime, code)).contact_name == "Lý Văn Khoa"

    assert await send(event="withdraw_consent") == []  # nothing is sent back
    petition = await load(runtime, code)
    assert (petition.contact_name, petition.contact_phone, petition.identity_id) == (
        None,
        None,
        None,
    )
    assert petition.anonymized_at is not None
    async with runtime.db.read() as session:
        citizen = (await session.execute(select(Citizen))).scalar_one()
    assert citizen.name is None and citizen.erased_at is not None


NAME, PHONE = "Vũ Thị Hoa", "0934567890"
SELF_INTRO = "Tôi là Vũ Thị Hoa, số điện thoại 0934 567 890. " + ROAD


async def test_erasure_takes_the_name_and_phone_out_of_every_text_and_drops_attachments(
    client, runtime, clock
) -> None:
    """ "Anonymous" is what the citizen is promised: not only the contact fields but every text
    repeating them — their own words, staff notes, messages to followers, the unanswered list —
    and their photos and voice messages."""
    from bot.staff.passwords import hash_password_sync
    from handlers.workflow import Change
    from storage import staff as staff_repo
    from storage import unanswered
    from storage.models import PetitionAttachment, UnansweredQuestion
    from tests.staff.helpers import signed_in

    chat, follower = WebChat(client), WebChat(client)
    code = await file_petition(chat, SELF_INTRO, name_phone=f"{NAME} {PHONE}")
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        await repo.add_attachments(
            session,
            petition.id,
            [
                {"kind": "photo", "channel": "telegram", "ref": "AgAD-photo"},
                {"kind": "voice", "channel": "zalo", "ref": "https://cdn.example/voice.aac"},
            ],
            clock(),
        )
        identity = await identities.get_or_create_identity(
            session, runtime.profile.id, "web", follower.user_id
        )
        await repo.add_follower(session, petition.id, identity.id, clock())
        for text in ("vu thi hoa 0934567890 hoi ve so do", "lam so do o dau"):
            await unanswered.record_unanswered(session, runtime.profile.id, text, clock())
    await staff_does(
        runtime,
        code,
        "screen",
        Change(
            public_note="Chị Vũ Thị Hoa ơi, HĐND xã đã nhận kiến nghị.",
            internal_note="Đã gọi chị Hoa theo số 0934.567.890, hẹn xuống xem.",
        ),
    )
    await staff_does(runtime, code, "request_info", Change(public_note="Đoạn nào hỏng nhất?"))
    await deliver(runtime)
    clock.advance(minutes=1)
    await chat.tap(f"pinfo:{code}")
    await chat.say("Đoạn gần cầu Đá, anh gọi em số +84 934 567 890 hoặc 0912.000.111 nhé")
    assert "0912.000.111" in (await load(runtime, code)).events[-1].public_note

    await chat.say("/xoadulieu")
    await chat.press("Xóa dữ liệu")
    assert "Đã xóa dữ liệu cá nhân" in chat.text

    petition = await load(runtime, code)
    texts = [
        petition.content,
        petition.content_norm,
        petition.place_text or "",
        petition.answer or "",
    ]
    texts += [e.public_note for e in petition.events] + [e.internal_note for e in petition.events]
    async with runtime.db.read() as session:
        texts += [str(r.body) for r in (await session.execute(select(OutboxMessage))).scalars()]
        questions = (await session.execute(select(UnansweredQuestion.text))).scalars().all()
        attachments = (await session.execute(select(PetitionAttachment))).scalars().all()
    everything = "\n".join(texts + list(questions))
    for trace in (
        "0934",
        "934 567",
        "934.567",
        "567890",
        "Vũ Thị Hoa",
        "vu thi hoa",
        "0912.000.111",
    ):
        assert trace not in everything, trace
    assert "sụt lún" in petition.content and "[đã xóa]" in petition.content  # still readable
    assert "Đoạn gần cầu Đá" in petition.events[-1].public_note
    assert "hẹn xuống xem" in petition.events[1].internal_note
    assert questions == ["lam so do o dau"]  # only the question that named them is gone
    assert attachments == []

    # And the office's own page for the petition shows none of it.
    async with runtime.db.write() as session:
        office = await staff_repo.create_account(
            session,
            commune_id=runtime.profile.id,
            username="vanphong.lan",
            role="office",
            password_hash=hash_password_sync("Lúa chín vàng đồng thôn 3"),
            now=clock(),
        )
    agent = await signed_in(client.server, office.username, "Lúa chín vàng đồng thôn 3")
    try:
        page = await agent.get(f"/staff/petitions/{code}")
        assert page.status == 200
        html_text = agent.last_html
        assert "đã được xoá theo yêu cầu" in html_text
        assert "0934" not in html_text and NAME not in html_text
        assert "/attachments/" not in html_text
    finally:
        await agent.close()


def test_the_redactor_finds_a_name_and_number_however_they_are_typed() -> None:
    from handlers.workflow.erasure import Redactor

    redact = Redactor([NAME, "Hoa"], [PHONE])
    for text in (
        "Tôi là Vũ Thị Hoa",
        "toi la VU THI HOA",
        "tôi là vũ thị hoà",
        "sđt 0934567890",
        "sđt 0934 567 890",
        "sđt +84 934.567.890",
        "84934567890",
    ):
        assert "[đã xóa]" in redact(text), text
    # A one-word name is not scrubbed alone ("hoa màu" is crops), nor are other numbers...
    kept = "Hoa màu thôn 3 ngập, thiệt hại 8.400.000.000 đồng, quyết định 1234/QĐ-UBND"
    assert redact(kept) == kept
    # ...except, in the citizen's own words, anything shaped like a phone number.
    assert redact("gọi 0912 000 111", any_phone=True) == "gọi [đã xóa]"
    assert redact(kept, any_phone=True) == kept
