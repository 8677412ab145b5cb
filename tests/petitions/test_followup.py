"""After filing: staff changes reach submitter and followers, the council's question is answered
in chat, the answer is rated (or closed in silence), and a notification the platform refused
for now reaches the citizen before the reply to their next message."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.delivery import SendResult
from handlers.types import Attachment, Inbound
from handlers.workflow import Change
from storage import identities
from storage import petitions as repo
from storage.models import PetitionAttachment
from tests.helpers import WebChat
from tests.petitions.conftest import (
    ROAD,
    deliver,
    file_petition,
    load,
    outbox_rows,
    staff_does,
)

QUESTION = "Bạn cho biết đoạn đường hỏng dài khoảng bao nhiêu mét?"


async def _with_follower(client, runtime) -> tuple[WebChat, WebChat, str]:
    submitter, follower = WebChat(client), WebChat(client)
    code = await file_petition(submitter, name_phone="Đỗ Văn Giang 0913000111")
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        identity = await identities.get_or_create_identity(
            session, runtime.profile.id, "web", follower.user_id
        )
        await repo.add_follower(session, petition.id, identity.id, runtime.clock())
    return submitter, follower, code


async def _job(runtime):
    return next(job for _, name, job in runtime.periodic if name == "close-unrated-petitions")


async def test_staff_changes_reach_submitter_and_follower_in_the_web_chat(client, runtime) -> None:
    submitter, follower, code = await _with_follower(client, runtime)
    await staff_does(runtime, code, "screen")
    await staff_does(
        runtime, code, "forward", Change(forwarded_to="UBND xã", internal_note="NỘI BỘ")
    )
    await deliver(runtime)
    for chat in (submitter, follower):
        pushed = await chat.pushed()
        texts = [m["text"] for m in pushed]
        assert len(texts) == 2, texts
        assert "bắt đầu xem xét" in texts[0]
        assert "UBND xã" in texts[1] and "08/12/2026" in texts[1]
        assert all("NỘI BỘ" not in t for t in texts)
        assert all(m["meta"]["petition_code"] == code for m in pushed)
    rows = await outbox_rows(runtime, kind="push")
    assert {r.status for r in rows} == {"sent"}


async def test_a_needs_information_round_trip_by_the_next_message(client, runtime, clock) -> None:
    submitter, follower, code = await _with_follower(client, runtime)
    await staff_does(runtime, code, "forward")
    await staff_does(runtime, code, "request_info", Change(public_note=QUESTION))
    await deliver(runtime)
    asked = (await submitter.pushed())[-1]
    assert QUESTION in asked["text"]
    assert asked["buttons"] == [{"text": "Trả lời câu hỏi này", "payload": f"pinfo:{code}"}]
    told = (await follower.pushed())[-1]
    assert "người gửi bổ sung" in told["text"]
    # Only the submitter may answer: the follower gets no answer button.
    assert not any(b["payload"].startswith("pinfo:") for b in told["buttons"])

    # The follower writing something is not an answer.
    await follower.say("Đoạn đó dài lắm, khoảng một cây số")
    assert (await load(runtime, code)).status == "needs_info"
    clock.advance(minutes=1)
    greeting = await submitter.say("cảm ơn")  # thanks are not an answer...
    assert greeting[0]["meta"].get("intent") == "greeting"
    clock.advance(minutes=1)
    await submitter.say(f"tra cứu {code}")  # ...nor is looking at the question again
    assert QUESTION in submitter.text
    assert (await load(runtime, code)).status == "needs_info"
    clock.advance(minutes=1)
    answer = "Khoảng 200 mét, từ nhà văn hóa thôn 3 đến cầu Đá"
    replies = await submitter.say(answer)  # ...so this is the next message that answers
    assert "Cảm ơn bạn" in replies[0]["text"] and code in replies[0]["text"]
    petition = await load(runtime, code)
    assert petition.status == "screening"
    event = petition.events[-1]
    assert (event.action, event.actor_kind, event.public_note) == (
        "info_received",
        "citizen",
        answer,
    )
    assert (await follower.say(f"tra cứu {code}"))[0]["text"].count(answer) == 0
    assert answer in (await submitter.say(f"tra cứu {code}"))[0]["text"]

    # The old button now does nothing, and says why.
    await submitter.tap(f"pinfo:{code}")
    assert "không cần bổ sung thông tin nữa" in submitter.text
    await follower.tap(f"pinfo:{code}")
    assert "Chỉ người gửi" in follower.text
    stranger = WebChat(client)
    await stranger.tap(f"pinfo:{code}")
    assert "Không tìm thấy" in stranger.text
    assert len((await load(runtime, code)).events) == len(petition.events)

    # A second question, answered with the button after a detour through another flow.
    await staff_does(runtime, code, "request_info", Change(public_note="Có ảnh chụp không?"))
    await deliver(runtime)
    clock.advance(minutes=1)
    await submitter.say("/kiennghi")
    clock.advance(minutes=1)
    await submitter.say("/huy")
    clock.advance(minutes=1)
    faq = await submitter.say("làm lại căn cước bị mất ở đâu")  # not swallowed any more
    assert faq[0]["meta"].get("intent") == "faq"
    assert (await load(runtime, code)).status == "needs_info"
    await submitter.tap(f"pinfo:{code}")
    assert "Có ảnh chụp không?" in submitter.text
    await submitter.say("Tôi sẽ ra chụp rồi gửi sau ạ, hiện trời tối quá")
    petition = await load(runtime, code)
    assert petition.status == "screening"
    assert petition.events[-1].public_note.startswith("Tôi sẽ ra chụp")

    # A question left a day without an answer no longer captures the next message.
    await staff_does(runtime, code, "request_info", Change(public_note="Đoạn nào hỏng nhất?"))
    await deliver(runtime)
    clock.advance(hours=runtime.profile.petitions.draft_expiry_hours + 1)
    later = await submitter.say("làm lại căn cước bị mất ở đâu")
    assert later[0]["meta"].get("intent") == "faq"
    assert (await load(runtime, code)).status == "needs_info"


async def test_answering_with_photos_after_pressing_the_button(runtime) -> None:
    engine = runtime.engine
    async with runtime.db.write() as session:
        identity = await identities.get_or_create_identity(
            session, runtime.profile.id, "telegram", "tg-42"
        )
        petition = await repo.create_petition(
            session,
            now=runtime.clock(),
            commune_id=runtime.profile.id,
            category="giao-thong",
            content=ROAD,
            intake_channel="telegram",
            identity_id=identity.id,
        )
        code = petition.code
    await staff_does(runtime, code, "request_info", Change(public_note=QUESTION))
    first = await engine.handle(
        Inbound(channel="telegram", user_key="tg-42", payload=f"pinfo:{code}")
    )
    assert QUESTION in first.replies[0].text
    empty = await engine.handle(Inbound(channel="telegram", user_key="tg-42", text=""))
    assert "chưa nhận được câu trả lời" in empty.replies[0].text
    done = await engine.handle(
        Inbound(
            channel="telegram",
            user_key="tg-42",
            attachments=(
                Attachment(kind="photo", ref="tg-photo-1"),
                Attachment(kind="photo", ref="tg-photo-2"),
            ),
        )
    )
    assert "2 ảnh/tệp" in done.replies[0].text
    petition = await load(runtime, code)
    assert petition.status == "screening"
    async with runtime.db.read() as session:
        refs = (await session.execute(select(PetitionAttachment.ref))).scalars().all()
    assert sorted(refs) == ["tg-photo-1", "tg-photo-2"]


async def test_a_deferred_notification_arrives_before_the_reply_to_the_next_message(
    runtime,
) -> None:
    """Zalo refuses messages outside its window; the citizen's next message reopens it."""
    sent: list[str] = []

    class WindowSender:
        channel = "zalo"
        window_open = False

        async def send(self, message) -> SendResult:
            if not self.window_open and message.kind == "push":
                return SendResult.deferred("outside the messaging window")
            sent.append(message.body["text"])
            return SendResult.ok()

    sender = WindowSender()
    runtime.add_sender(sender)
    async with runtime.db.write() as session:
        identity = await identities.get_or_create_identity(
            session, runtime.profile.id, "zalo", "zalo-9"
        )
        petition = await repo.create_petition(
            session,
            now=runtime.clock(),
            commune_id=runtime.profile.id,
            category="giao-thong",
            content=ROAD,
            intake_channel="zalo",
            identity_id=identity.id,
        )
        code = petition.code
    await staff_does(runtime, code, "request_info", Change(public_note=QUESTION))
    await deliver(runtime)
    assert sent == []
    assert [r.status for r in await outbox_rows(runtime, kind="push")] == ["deferred"]

    sender.window_open = True
    result = await runtime.engine.handle(
        Inbound(channel="zalo", user_key="zalo-9", text="cho hỏi làm căn cước ở đâu")
    )
    await deliver(runtime)
    assert len(sent) == 1 + len(result.replies)
    assert QUESTION in sent[0]  # the waiting notification first
    assert sent[1:] == [r.text for r in result.replies]
    # That message was written before the question reached the citizen: it is not the answer.
    assert (await load(runtime, code)).status == "needs_info"
    answer = await runtime.engine.handle(
        Inbound(channel="zalo", user_key="zalo-9", text="Đoạn hỏng dài khoảng 200 mét")
    )
    assert code in answer.replies[0].text
    assert (await load(runtime, code)).status == "screening"


async def test_satisfied_closes_once(client, runtime) -> None:
    submitter, follower, code = await _with_follower(client, runtime)
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "answer", Change(public_note="Đã vá xong đường."))
    await deliver(runtime)
    answer = (await submitter.pushed())[-1]
    assert "Đã vá xong đường." in answer["text"] and "7 ngày" in answer["text"]
    await follower.pushed()
    stranger = WebChat(client)
    await stranger.tap(f"psat:{code}:yes")
    assert "Không tìm thấy" in stranger.text
    assert (await load(runtime, code)).status == "answered"

    await submitter.tap(f"psat:{code}:yes")
    assert "Cảm ơn bạn đã xác nhận" in submitter.text
    petition = await load(runtime, code)
    assert (petition.status, petition.satisfaction) == ("closed", "satisfied")
    events = len(petition.events)
    await submitter.tap(f"psat:{code}:no")  # a second press changes nothing
    assert "đã được ghi nhận" in submitter.text
    await follower.tap(f"psat:{code}:yes")
    assert len((await load(runtime, code)).events) == events
    await deliver(runtime)
    assert "đã kết thúc" in (await follower.pushed())[-1]["text"]
    assert await submitter.pushed() == []  # answered directly, not notified twice


async def test_not_satisfied_reopens_with_the_comment(client, runtime) -> None:
    submitter, follower, code = await _with_follower(client, runtime)
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "answer", Change(public_note="Đã vá xong đường."))
    await deliver(runtime)
    await follower.pushed()
    await submitter.tap(f"psat:{code}:no")
    assert "còn vướng" in submitter.text
    assert [b["text"] for b in submitter.buttons()] == ["Bỏ qua"]
    await submitter.say("x" * 3000)
    assert "dài quá" in submitter.replies[0]["text"]
    comment = "Mới vá một nửa, đoạn gần cầu vẫn còn ổ gà lớn"
    await submitter.say(comment)
    assert "mở lại" in submitter.text
    petition = await load(runtime, code)
    assert (petition.status, petition.satisfaction) == ("reopened", "unsatisfied")
    event = petition.events[-1]
    assert (event.action, event.actor_kind, event.public_note) == ("reopen", "citizen", comment)
    await deliver(runtime)
    told = (await follower.pushed())[-1]["text"]
    assert "mở lại" in told and comment not in told  # followers learn the fact, not the words
    await submitter.tap(f"psat:{code}:yes")  # the old answer's button
    assert "đã được ghi nhận" in submitter.text
    assert (await load(runtime, code)).status == "reopened"

    # A new answer can be rated again; skipping the comment still reopens.
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "answer", Change(public_note="Đã vá nốt đoạn gần cầu."))
    await submitter.tap(f"psat:{code}:no")
    await submitter.press("Bỏ qua")
    petition = await load(runtime, code)
    assert petition.status == "reopened"
    assert petition.events[-1].public_note == "Người gửi cho biết việc chưa được giải quyết."


async def test_silence_closes_an_answered_petition_and_tells_the_citizen(
    client, runtime, clock
) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "answer", Change(public_note="Đã vá xong đường."))
    await deliver(runtime)
    await chat.pushed()
    job = await _job(runtime)
    days = runtime.profile.petitions.satisfaction_timeout_days
    clock.advance(days=days - 1)
    assert await job() == 0
    assert (await load(runtime, code)).status == "answered"
    clock.advance(days=1, minutes=1)
    assert await job() == 1
    assert await job() == 0  # once
    petition = await load(runtime, code)
    assert (petition.status, petition.satisfaction) == ("closed", "no_response")
    assert (petition.events[-1].actor_kind, petition.events[-1].action) == ("system", "close")
    await deliver(runtime)
    told = (await chat.pushed())[-1]["text"]
    assert f"sau {days} ngày" in told and "/kiennghi" in told
    await chat.tap(f"psat:{code}:yes")
    assert "đã được ghi nhận" in chat.text


async def test_an_unanswered_comment_request_still_reopens_when_it_expires(
    client, runtime, clock
) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "answer", Change(public_note="Đã vá xong đường."))
    await chat.tap(f"psat:{code}:no")
    clock.advance(hours=runtime.profile.petitions.draft_expiry_hours + 1)
    assert await runtime.engine.expire_flows() == 1
    assert (await load(runtime, code)).status == "reopened"
    assert await (await _job(runtime))() == 0  # a "not satisfied" is never closed in silence
    assert "mở lại" in (await chat.pushed())[-1]["text"]
    assert clock.now - (await load(runtime, code)).answered_at > dt.timedelta(hours=24)
