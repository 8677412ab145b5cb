"""Status lookup in chat: who may see what, forgiving codes, due dates, and nothing internal."""

from __future__ import annotations

from handlers.workflow import Change
from storage import identities
from storage import petitions as repo
from tests.helpers import WebChat
from tests.petitions.conftest import ROAD, file_petition, staff_does


async def test_submitter_and_follower_see_it_everyone_else_gets_the_same_not_found(
    client, runtime
) -> None:
    submitter, follower, stranger = WebChat(client), WebChat(client), WebChat(client)
    code = await file_petition(submitter)
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        identity = await identities.get_or_create_identity(
            session, runtime.profile.id, "web", follower.user_id
        )
        await repo.add_follower(session, petition.id, identity.id, runtime.clock())

    for viewer in (submitter, follower):
        replies = await viewer.say(f"/tracuu {code}")
        assert replies[0]["meta"]["petition_code"] == code
        assert "Đã tiếp nhận" in replies[0]["text"] and "Giao thông" in replies[0]["text"]

    seen = await stranger.say(f"/tracuu {code}")
    unknown_code = "ZZZZ2345" if code != "ZZZZ2345" else "YYYY2345"
    unknown = await stranger.say(f"/tracuu {unknown_code}")
    assert "Không tìm thấy" in seen[0]["text"]
    assert seen[0]["text"].replace(code, "#") == unknown[0]["text"].replace(unknown_code, "#")
    assert seen[0]["buttons"] == unknown[0]["buttons"]
    assert seen[0]["meta"] == unknown[0]["meta"]
    assert "Giao thông" not in seen[0]["text"]


async def test_codes_are_typed_forgivingly(client, runtime) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    spaced = f"{code[:4].lower()}-{code[4:].lower()}"
    for text in (
        f"tra cứu {code}",
        f"tra cuu {code.lower()}",
        f"Tra cứu kiến nghị {code}",
        f"tracuu: KN-{spaced}",
        f"/tracuu {spaced}",
        f"/tracuu  kn {code}",
    ):
        replies = await chat.say(text)
        assert replies[0]["meta"].get("petition_code") == code, text
    bad = await chat.say("/tracuu 12345")
    assert "không phải mã kiến nghị" in bad[0]["text"]
    # "tra cứu" followed by ordinary words is a question for the knowledge base, not a code.
    faq = await chat.say("tra cứu hồ sơ đất đai ở đâu")
    assert "không phải mã" not in faq[0]["text"]


async def test_timeline_shows_public_notes_due_date_and_overdue_never_internal_notes(
    client, runtime, clock
) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    await staff_does(runtime, code, "screen", Change(internal_note="NỘI BỘ: người quen ông X"))
    await staff_does(
        runtime, code, "assign", Change(committee="kt-ns", internal_note="NỘI BỘ: giao ban")
    )
    await staff_does(runtime, code, "note", Change(internal_note="NỘI BỘ: gọi điện rồi"))
    await staff_does(
        runtime,
        code,
        "forward",
        Change(
            forwarded_to="UBND xã",
            public_note="Đã gửi văn bản đề nghị UBND xã sửa đường.",
            internal_note="NỘI BỘ: công văn 12",
        ),
    )
    text = (await chat.say(f"tra cứu {code}"))[0]["text"]
    assert "NỘI BỘ" not in text
    assert "Đã chuyển cơ quan giải quyết" in text and "Đã chuyển tới: UBND xã" in text
    assert "Đã gửi văn bản đề nghị UBND xã sửa đường." in text
    assert "Hạn trả lời: 08/12/2026 (còn 15 ngày làm việc)" in text
    assert text.count("• 16/11/2026") == 3  # received, screening, forwarded: notes-only hidden

    clock.advance(days=18)  # Friday 4/12: two working days left
    assert "sắp đến hạn" in (await chat.say(f"tra cứu {code}"))[0]["text"]
    clock.advance(days=5)  # Wednesday 9/12: past the due date (8/12, 24/11 was a holiday)
    assert "đã quá hạn" in (await chat.say(f"tra cứu {code}"))[0]["text"]

    await staff_does(
        runtime,
        code,
        "answer",
        Change(public_note="Đã vá xong đường ngày 7/12.", internal_note="NỘI BỘ: nghiệm thu"),
    )
    replies = await chat.say(f"tra cứu {code}")
    assert "Trả lời:\n«Đã vá xong đường ngày 7/12.»" in replies[0]["text"]
    assert "NỘI BỘ" not in replies[0]["text"]
    payloads = {b["payload"] for b in replies[0]["buttons"]}
    assert {f"psat:{code}:yes", f"psat:{code}:no"} <= payloads


async def test_a_bare_lookup_lists_own_petitions_and_takes_the_next_message_as_code(
    client, runtime
) -> None:
    chat = WebChat(client)
    newcomer = WebChat(client)
    replies = await newcomer.say("/tracuu")
    assert "chưa gửi hoặc theo dõi" in replies[0]["text"]

    first = await file_petition(chat)
    second = await file_petition(
        chat,
        "Trạm y tế xã thiếu thuốc cảm sốt, người dân phải mua ngoài rất tốn kém",
        category="Giáo dục",
        village=None,
    )
    replies = await chat.tap("cmd:tracuu")  # the menu button
    payloads = [b["payload"] for b in replies[0]["buttons"]]
    assert payloads[:2] == [f"ptrack:{second}", f"ptrack:{first}"]  # newest first
    assert len(replies[0]["buttons"]) <= 5
    await chat.press(second)
    assert chat.replies[0]["meta"]["petition_code"] == second

    await chat.say("tra cứu")
    await chat.say(first.lower())  # just the code, as asked
    assert chat.replies[0]["meta"]["petition_code"] == first
    await chat.say("/tracuu")
    await chat.say("AB12 XY")  # looks like a code, is not one
    assert "không phải mã kiến nghị" in chat.replies[0]["text"]
    await chat.say("xin chào")  # moved on: answered as usual
    assert chat.replies[0]["meta"].get("intent") == "greeting"
    await chat.say(first)  # the one-message wait is over: a bare code is no longer taken
    assert chat.replies[0]["meta"].get("petition_code") is None


async def test_a_petition_filed_by_staff_is_followed_by_whoever_has_the_printed_code(
    client, runtime
) -> None:
    """Assisted intake hands the citizen a slip with the code; typing it in chat follows it."""
    from storage.models import StaffAccount

    async with runtime.db.write() as session:
        staff = StaffAccount(
            commune_id=runtime.profile.id,
            username="totruong",
            role="digital_team",
            password_hash="x",
        )
        session.add(staff)
        await session.flush()
        petition = await repo.create_petition(
            session,
            now=runtime.clock(),
            commune_id=runtime.profile.id,
            category="giao-thong",
            committee="kt-ns",
            content="Đèn đường thôn 2 hỏng đã hai tuần",
            intake_channel="in_person",
            created_by_staff_id=staff.id,
        )
        code = petition.code

    citizen = WebChat(client)
    replies = await citizen.say(f"/tracuu {code}")
    assert replies[0]["meta"]["petition_code"] == code
    await staff_does(runtime, code, "screen")
    pushed = await citizen.pushed()
    assert [m["meta"]["petition_code"] for m in pushed] == [code]


async def test_the_status_says_what_it_is_about_and_what_happens_next(client, runtime) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    text = (await chat.say(f"tra cứu {code}"))[0]["text"]
    assert f"Nội dung: «{ROAD}»" in text  # which petition this is, at a glance
    assert text.endswith(
        "Tiếp theo: HĐND xã sẽ xem xét kiến nghị; có tiến triển tôi sẽ nhắn cho bạn."
    )
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "request_info", Change(public_note="Đoạn hỏng dài bao nhiêu?"))
    replies = await chat.say(f"tra cứu {code}")
    assert "đang chờ bạn trả lời câu hỏi" in replies[0]["text"]
    assert replies[0]["buttons"][0]["payload"] == f"pinfo:{code}"
    await chat.press("Trả lời câu hỏi")
    await chat.say("Khoảng 200 mét")
    await staff_does(runtime, code, "answer", Change(public_note="Sẽ vá trong tháng 12."))
    await chat.tap(f"psat:{code}:no")
    await chat.press("Bỏ qua")
    text = (await chat.say(f"tra cứu {code}"))[0]["text"]
    assert "Tình trạng: Mở lại" in text
    assert "Trả lời trước đó:\n«Sẽ vá trong tháng 12.»" in text  # not lost on reopening
    assert "xem xét lại" in text

    other = WebChat(client)
    second = await file_petition(other, "Đường qua cầu Đá sụt lún nặng, trời mưa không đi được")
    await staff_does(runtime, second, "mark_duplicate", Change(duplicate_of=code))
    text = (await other.say(f"tra cứu {second}"))[0]["text"]
    assert f"giải quyết chung với kiến nghị {code}" in text
