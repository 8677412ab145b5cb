"""Sessions and meetings through the staff API: one list with the profile's schedule, a meeting
of fifty opinions in one save, idempotency, and bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from storage.models import CouncilMeeting, CouncilSession, Petition, PetitionEvent

SESSION = {"number": 9, "term": "khóa XXI, nhiệm kỳ 2021–2026", "date": "2026-12-10"}


def opinion(n: int, **extra: Any) -> dict[str, Any]:
    return {"content": f"Đề nghị sửa đường bê tông ngõ {n} thôn 1 bị nứt vỡ nhiều chỗ", **extra}


def meeting(opinions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "kind": "voter_meeting",
        "date": "2026-11-14",
        "venue": "Nhà văn hóa thôn 1",
        "villages": ["Thôn 1"],
        "delegates": ["Đại biểu A", "Đại biểu B"],
        "attendance": 85,
        "session": None,
        "petitions": opinions,
        **extra,
    }


async def count(runtime: Any, model: Any) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_sessions_are_one_list_with_the_profile_schedule(runtime: Any, api_for: Any) -> None:
    office = await api_for("office")
    status, body = await office.call("POST", "/staff/api/sessions", SESSION)
    assert status == 201, body
    assert body["number"] == 9 and body["date"] == "2026-12-10" and body["id"]

    status, listed = await office.call("GET", "/staff/api/sessions")
    assert status == 200
    sessions = listed["sessions"]
    # the profile's session (17/12/2026) is in the same list, after the one entered
    assert [s["date"] for s in sessions] == ["2026-12-10", "2026-12-17"]
    assert sessions[1]["from_profile"] is True
    assert sessions[1]["title"].startswith("Kỳ họp thường lệ cuối năm 2026")
    # reading again stores nothing twice
    await office.call("GET", "/staff/api/sessions")
    assert await count(runtime, CouncilSession) == 2

    status, err = await office.call(
        "POST", "/staff/api/sessions", {**SESSION, "date": "2027-06-01"}
    )
    assert status == 400
    assert "Kỳ họp thứ 9" in err["error"] and "đã có" in err["error"]
    status, err = await office.call("POST", "/staff/api/sessions", {**SESSION, "date": "10/12/26"})
    assert status == 400 and "năm-tháng-ngày" in err["error"]
    assert await count(runtime, CouncilSession) == 2

    status, edited = await office.call(
        "PUT", f"/staff/api/sessions/{body['id']}", {**SESSION, "title": "Kỳ họp thứ 9"}
    )
    assert status == 200 and edited["title"] == "Kỳ họp thứ 9"

    viewer = await api_for("viewer")
    status, _ = await viewer.call("POST", "/staff/api/sessions", {**SESSION, "number": 10})
    assert status == 403


async def test_a_meeting_of_fifty_opinions_is_one_save_and_idempotent(
    runtime: Any, api_for: Any
) -> None:
    office = await api_for("office")
    opinions = [opinion(n) for n in range(1, 51)]
    opinions[3] = opinion(
        4, answered_on_spot={"by": "Trưởng thôn 1", "answer": "Thôn đã lên kế hoạch sửa."}
    )
    opinions[7] = opinion(8, name="Nguyễn Văn Thử", phone="0912 345 678", consent=True)
    key = {"Idempotency-Key": "txct-thon1-2026-11-14"}
    status, body = await office.call("POST", "/staff/api/meetings", meeting(opinions), **key)
    assert status == 201, body
    codes = [p["code"] for p in body["petitions"]]
    assert len(set(codes)) == 50
    statuses = [p["status"] for p in body["petitions"]]
    assert statuses[3] == "answered"
    assert statuses.count("received") == 49

    again_status, again = await office.call(
        "POST", "/staff/api/meetings", meeting(opinions), **key
    )
    assert again_status == 201 and again == body  # the first answer, replayed
    assert await count(runtime, Petition) == 50
    assert await count(runtime, CouncilMeeting) == 1

    async with runtime.db.read() as session:
        spot = await session.scalar(select(Petition).where(Petition.code == codes[3]))
        assert spot.answer == "Thôn đã lên kế hoạch sửa."
        assert spot.spot_answered_by == "Trưởng thôn 1"
        assert spot.village == "thon-1"  # the meeting's village by default
        assert spot.category == "giao-thong"  # suggested from "đường"
        named = await session.scalar(select(Petition).where(Petition.code == codes[7]))
        assert named.contact_phone == "0912345678" and named.consent_at is not None
        events = (
            await session.scalars(
                select(PetitionEvent.action).where(PetitionEvent.petition_id == spot.id)
            )
        ).all()
        assert list(events) == ["create", "answer"]

    status, shown = await office.call("GET", f"/staff/api/meetings/{body['id']}")
    assert status == 200
    assert shown["petitions"][3]["answer"] == "Thôn đã lên kế hoạch sửa."


async def test_bad_meetings_are_refused_whole_in_vietnamese(runtime: Any, api_for: Any) -> None:
    office = await api_for("office")
    rows = [
        opinion(1),
        {"content": "   "},
        opinion(3, village="Thôn 99"),
        opinion(4, phone="12ab"),
        opinion(5, category="khong-co"),
        opinion(6, name="Trần Thị Mẫu"),  # no consent
    ]
    status, err = await office.call("POST", "/staff/api/meetings", meeting(rows))
    assert status == 400
    problems = err["errors"]
    assert "Ý kiến dòng 2: chưa có nội dung ý kiến." in problems
    assert any("dòng 3" in p and "Thôn 99" in p for p in problems)
    assert any("dòng 4" in p and "số điện thoại" in p for p in problems)
    assert any("dòng 5" in p and "khong-co" in p for p in problems)
    assert any("dòng 6" in p and "đồng ý" in p for p in problems)

    status, err = await office.call(
        "POST", "/staff/api/meetings", meeting([opinion(1)], date="2026-12-30")
    )
    assert status == 400 and "chưa tới" in err["error"]
    status, err = await office.call(
        "POST", "/staff/api/meetings", meeting([opinion(1)], villages=["Xóm Mây"])
    )
    assert status == 400 and "Xóm Mây" in err["error"]
    status, err = await office.call("POST", "/staff/api/meetings", meeting([], kind="picnic"))
    assert status == 400 and "picnic" in err["error"] and "ít nhất một ý kiến" in err["error"]
    status, err = await office.call(
        "POST", "/staff/api/meetings", meeting([opinion(1)], session=999)
    )
    assert status == 400 and "999" in err["error"]
    assert await count(runtime, Petition) == 0
    assert await count(runtime, CouncilMeeting) == 0


async def test_malformed_meetings_and_a_committees_view(runtime: Any, api_for: Any) -> None:
    office = await api_for("office")
    for body, words in (
        ({**meeting([opinion(1)]), "petitions": "một ý kiến"}, "danh sách"),
        (meeting([opinion(1)], attendance=-5), "cử tri tham dự"),
        (meeting([opinion(1)], date=20261114), "chuỗi"),
        (meeting([{"content": 5}]), "chuỗi"),
        (meeting([opinion(1, answered_on_spot="đã trả lời")]), "answered_on_spot"),
        (meeting([opinion(1, answered_on_spot={"by": "Trưởng thôn"})]), "trả lời thế nào"),
    ):
        status, err = await office.call("POST", "/staff/api/meetings", body)
        assert status == 400, body
        assert words in err["error"], err
    assert await count(runtime, Petition) == 0

    _, session = await office.call("POST", "/staff/api/sessions", SESSION)
    rows = [
        opinion(1),  # giao thông: Ban Kinh tế - Ngân sách
        {"content": "Trường mầm non thiếu đồ chơi cho trẻ", "category": "giao-duc-y-te"},
    ]
    status, _ = await office.call(
        "POST", "/staff/api/meetings", meeting(rows, session=session["id"])
    )
    assert status == 201
    committee = await api_for("committee", committee="vh-xh")
    status, seen = await committee.call("GET", f"/staff/api/sessions/{session['id']}/supervision")
    assert status == 200
    assert [i["summary"] for i in seen["items"]] == ["Trường mầm non thiếu đồ chơi cho trẻ"]
    status, _ = await committee.call("POST", "/staff/api/meetings", meeting(rows))
    assert status == 403


async def test_the_same_key_sent_twice_at_once_creates_one_meeting(
    runtime: Any, api_for: Any
) -> None:
    import asyncio

    office = await api_for("office")
    key = {"Idempotency-Key": "txct-song-song"}
    body = meeting([opinion(n) for n in range(1, 6)])
    first, second = await asyncio.gather(
        office.call("POST", "/staff/api/meetings", body, **key),
        office.call("POST", "/staff/api/meetings", body, **key),
    )
    assert first[0] == second[0] == 201
    assert first[1] == second[1]
    assert await count(runtime, CouncilMeeting) == 1
    assert await count(runtime, Petition) == 5


async def test_opinions_raised_at_a_meeting_go_to_the_next_session_after_the_meeting(
    runtime: Any, api_for: Any
) -> None:
    office = await api_for("office")
    # the meeting on 14/11, a session on 15/11, the office types the minutes on 16/11
    _, session = await office.call(
        "POST", "/staff/api/sessions", {**SESSION, "date": "2026-11-15"}
    )
    status, body = await office.call("POST", "/staff/api/meetings", meeting([opinion(1)]))
    assert status == 201
    async with runtime.db.read() as db_session:
        row = await db_session.scalar(
            select(Petition).where(Petition.code == body["petitions"][0]["code"])
        )
        held = await db_session.get(CouncilMeeting, body["id"])
    assert row.session_id == session["id"]
    assert held.session_id == session["id"]


async def test_the_chat_tells_the_sessions_staff_entered(runtime: Any, api_for: Any) -> None:
    """One list: "when does the council meet" answers with the dashboard's sessions."""
    kb = runtime.services.kb
    entry = kb.get("council-sessions")
    today = dt.date(2026, 12, 1)
    assert "10/12/2026" not in kb.render(entry, today)
    office = await api_for("office")
    status, body = await office.call("POST", "/staff/api/sessions", SESSION)
    assert status == 201, body
    await runtime.knowledge.poll()
    told = runtime.services.kb.render(entry, today)
    assert "10/12/2026" in told and "Kỳ họp thứ 9 của HĐND xã" in told
    # the profile's own session is still told, once
    assert told.count("17/12/2026") == 1
    status, _ = await office.call(
        "PUT",
        f"/staff/api/sessions/{body['id']}",
        {**SESSION, "date": "2026-12-11", "title": "Kỳ họp chuyên đề"},
    )
    assert status == 200
    await runtime.knowledge.poll()
    told = runtime.services.kb.render(entry, today)
    assert "11/12/2026: Kỳ họp chuyên đề" in told and "10/12/2026" not in told
