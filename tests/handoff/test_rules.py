"""Hand-off rules: honest hours, the office's reminder, the 24-hour close, a petition with
consent, erasure, the figures, and phone numbers masked for the digital team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from handlers.chat.handoff import wants_person
from handlers.handoff.hours import next_opening, when_text, working_seconds
from handlers.handoff.timers import remind_unanswered
from handlers.outgoing import NoticeTarget
from handlers.texts.handoff import HandoffTexts
from storage.models import OutboxMessage, Petition
from tests.staff.helpers import PASSWORD, make_account, signed_in

ICT = dt.timezone(dt.timedelta(hours=7))


def at(text: str) -> dt.datetime:
    """A Vietnam-time instant, '2026-11-20 18:00'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ICT).astimezone(dt.UTC)


def test_which_messages_ask_for_a_person() -> None:
    asks = [
        "Cho tôi gặp cán bộ!",
        "ờ thôi cho tui nói chuyện với người thật đi, cán bộ nào cũng được",
        "bot không hiểu, cho tôi gặp cán bộ",
        "cho toi noi chuyen voi nguoi that",
        "tôi muốn hỏi trực tiếp cán bộ",
        "cần người tư vấn trực tiếp",
    ]
    others = [
        "tôi đã gặp cán bộ địa chính nhưng chưa được giải quyết",  # a report: a petition
        "xin cán bộ xuống kiểm tra đường",
        "số điện thoại cán bộ xã",  # a fact the bot gives
        "đường thôn 3 hỏng, đề nghị cán bộ xã về xem",
        "làm lại căn cước ở đâu",
    ]
    assert [t for t in asks if not wants_person(t)] == []
    assert [t for t in others if wants_person(t)] == []


def test_when_staff_answer(runtime: Any) -> None:
    profile, texts = runtime.profile, runtime.texts
    assert next_opening(at("2026-11-16 09:00"), profile) is None  # Monday morning: on duty
    lunch = next_opening(at("2026-11-16 12:10"), profile)
    assert when_text(texts, lunch, at("2026-11-16 12:10")) == "13h30 hôm nay"
    friday = next_opening(at("2026-11-20 18:00"), profile)  # Friday evening → Monday morning
    assert when_text(texts, friday, at("2026-11-20 18:00")) == "7h30 thứ Hai, ngày 23/11/2026"
    # 1 and 2 September 2026 are holidays in the sample profile: Monday evening → Thursday.
    assert next_opening(at("2026-08-31 17:30"), profile) == at("2026-09-03 07:30")
    # Friday 16:00 → Monday 8:30 is two working hours (16–17, 7:30–8:30), not 64.
    seconds = working_seconds(at("2026-11-20 16:00"), at("2026-11-23 08:30"), profile)
    assert seconds == 2 * 3600


async def test_out_of_hours_the_citizen_is_told_the_next_working_morning(
    runtime: Any, citizen: Any, clock: Any
) -> None:
    clock.now = at("2026-11-20 19:45")
    replies = await citizen("gia").say("/canbo")
    text = replies[0]["text"]
    assert "ngoài giờ làm việc" in text and "7h30 thứ Hai, ngày 23/11/2026" in text
    assert runtime.profile.hotline in text


async def test_the_office_is_reminded_once_after_the_working_hours_no_personal_data(
    runtime: Any, citizen: Any, staff_api: Any, clock: Any
) -> None:
    runtime.services.staff_notices.append(NoticeTarget("telegram", "-1001234"))
    team = await staff_api("digital_team")
    clock.now = at("2026-11-20 16:00")
    person = citizen("hoa")
    await person.say("/canbo Tôi là Vũ Thị Hoa, số 0934 567 890, hỏi về sổ hộ nghèo")
    _, listed = await team.get("/staff/api/conversations", status="open")
    cid = listed["conversations"][0]["id"]

    async def notices() -> list[str]:
        async with runtime.db.read() as session:
            rows = await session.execute(
                select(OutboxMessage).where(OutboxMessage.kind == "notice")
            )
            return [r.body["text"] for r in rows.scalars()]

    clock.now = at("2026-11-20 16:59")
    assert await remind_unanswered(runtime.db, runtime.services) == 0
    clock.now = at("2026-11-23 08:31")  # two working hours later, over a weekend
    assert await remind_unanswered(runtime.db, runtime.services) == 1
    assert await remind_unanswered(runtime.db, runtime.services) == 0  # once per wait
    [notice] = await notices()
    assert f"#{cid}" in notice
    assert "Hoa" not in notice and "567" not in notice and "hộ nghèo" not in notice

    # An answer ends the wait; the citizen's next message starts a new one.
    await team.post(f"/staff/api/conversations/{cid}/messages", {"text": "Chào chị"})
    await person.say("Cảm ơn, còn một việc nữa")
    clock.now = at("2026-11-23 11:00")
    assert await remind_unanswered(runtime.db, runtime.services) == 1
    assert len(await notices()) == 2


async def test_24_hours_after_staff_without_the_citizen_it_closes(
    runtime: Any, citizen: Any, staff_api: Any, clock: Any
) -> None:
    t = HandoffTexts.of(runtime.texts)
    team = await staff_api("office")
    person = citizen("ivy")
    await person.say("/canbo")
    _, listed = await team.get("/staff/api/conversations", status="open")
    cid = listed["conversations"][0]["id"]
    clock.advance(hours=30)  # nobody answered yet: a waiting citizen is never closed on
    assert await runtime.engine.expire_flows() == 0
    await team.post(f"/staff/api/conversations/{cid}/messages", {"text": "Chào anh"})
    clock.advance(hours=23)
    assert await runtime.engine.expire_flows() == 0
    clock.advance(hours=2)
    assert await runtime.engine.expire_flows() == 1
    pushed = [m["text"] for m in await person.pushed()]
    hours = runtime.profile.handoff.close_after_hours
    assert pushed[-1] == t.expired(hours=hours)
    _, detail = await team.get(f"/staff/api/conversations/{cid}")
    assert detail["status"] == "closed" and detail["closed_by"] == "timeout"
    assert (await person.say("làm lại căn cước ở đâu"))[0]["meta"]["intent"] == "faq"


async def test_a_conversation_becomes_a_petition_once_with_consent(
    runtime: Any, citizen: Any, staff_api: Any
) -> None:
    t = HandoffTexts.of(runtime.texts)
    office = await staff_api("office")
    person = citizen("kim")
    await person.say("/canbo")
    await person.say("Đèn đường thôn 2 hỏng cả tháng nay, tối đi rất nguy hiểm")
    _, listed = await office.get("/staff/api/conversations", status="open")
    cid = listed["conversations"][0]["id"]
    body = {"content": "Đèn đường thôn 2 hỏng cả tháng nay", "category": "giao-thong"}
    status, answer = await office.post(f"/staff/api/conversations/{cid}/petition", body)
    assert status == 400 and answer["code"] == "no_consent"
    status, answer = await office.post(
        f"/staff/api/conversations/{cid}/petition", {**body, "consent": True, "category": "x"}
    )
    assert status == 400 and answer["code"] == "bad_category"
    async with runtime.db.read() as session:
        assert (await session.execute(select(Petition))).first() is None  # nothing filed yet
    status, answer = await office.post(
        f"/staff/api/conversations/{cid}/petition", {**body, "consent": True, "village": "thon-2"}
    )
    assert status == 201, answer
    code = answer["petition_code"]
    assert answer["conversation"]["petition"] == code
    assert [m["text"] for m in await person.pushed()] == [t.petition_filed(code=code)]
    status, again = await office.post(
        f"/staff/api/conversations/{cid}/petition", {**body, "consent": True}
    )
    assert status == 409 and code in again["error"]
    await person.say("/huy")
    replies = await person.say(f"/tracuu {code}")  # the citizen's own petition
    assert code in replies[0]["text"] and "Đèn đường" in replies[0]["text"]


async def test_erasing_the_citizen_erases_what_they_wrote_to_staff(
    runtime: Any, citizen: Any, staff_api: Any
) -> None:
    office = await staff_api("office")
    person = citizen("lan")
    await person.say("/canbo Tôi là Nguyễn Thị Lan, nhà ở xóm Trên")
    _, listed = await office.get("/staff/api/conversations", status="open")
    cid = listed["conversations"][0]["id"]
    await person.say("/huy")
    await person.say("/xoadulieu")
    await person.press("Xóa")
    _, detail = await office.get(f"/staff/api/conversations/{cid}")
    assert detail["messages"] == [] and detail["status"] == "closed"


async def test_the_digital_team_reads_phone_numbers_masked_and_the_figures(
    runtime: Any, server: Any, agents: list, citizen: Any, staff_api: Any, clock: Any
) -> None:
    team = await staff_api("digital_team")
    office = await staff_api("office")
    first, second = citizen("mai"), citizen("nam")
    await first.say("/canbo gọi lại giúp tôi số 0912 345 678")
    await second.say("/canbo")
    _, listed = await team.get("/staff/api/conversations", status="open")
    seen = [m["text"] for c in listed["conversations"] for m in c["messages"]]
    assert any("***" in text for text in seen) and not any("345 678" in s for s in seen)
    _, listed = await office.get("/staff/api/conversations", status="open")
    assert any("0912 345 678" in m["text"] for c in listed["conversations"] for m in c["messages"])

    ids = sorted(c["id"] for c in listed["conversations"])
    clock.advance(minutes=10)
    await office.post(f"/staff/api/conversations/{ids[0]}/messages", {"text": "Vâng"})
    clock.advance(minutes=20)
    await office.post(f"/staff/api/conversations/{ids[1]}/messages", {"text": "Vâng"})
    account = await make_account(runtime, "digital_team")
    agent = await signed_in(server, account.username, PASSWORD)
    agents.append(agent)
    response = await agent.get("/staff/handoff")
    assert response.status == 200
    html = agent.last_html
    assert 'data-kpi="handoffs">2<' in html
    assert 'data-kpi="median-first-response">20 phút<' in html
    assert "0912 345 678" not in html
    # The council's report shows the same figures for its period (this month).
    clerk = await make_account(runtime, "office")
    desk = await signed_in(server, clerk.username, PASSWORD)
    agents.append(desk)
    assert (await desk.get("/staff/reports")).status == 200
    assert 'data-kpi="handoffs">2<' in desk.last_html
    assert 'data-kpi="handoff-median">20 phút<' in desk.last_html


async def test_a_question_older_than_half_an_hour_is_not_carried_nor_kept(
    runtime: Any, citizen: Any, staff_api: Any, clock: Any
) -> None:
    from storage.models import ConversationState

    office = await staff_api("office")
    person = citizen("son")
    await person.say("Ở xã có chỗ nào thu gom pin cũ không?")
    clock.advance(minutes=31)
    await person.say("làm lại căn cước ở đâu")  # the stale question is dropped here
    async with runtime.db.read() as session:
        states = (await session.execute(select(ConversationState))).scalars().all()
    assert all("_asked" not in (s.data or {}) for s in states)
    await person.say("/canbo")
    _, listed = await office.get("/staff/api/conversations", status="open")
    assert [m["from"] for m in listed["conversations"][0]["messages"]] == ["bot"]
