"""The "done when" flow through the staff API: a meeting of ten opinions (two the same issue, one
answered on the spot) plus a petition from chat, grouping, forwarding, two answers, and the
session's three Word documents opened back with python-docx."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import OutboxMessage, Petition
from tests.documents.reading import all_xml_text, lines, open_docx
from tests.staff.helpers import make_petition

ROAD = "Đường liên thôn từ Thôn 1 đi Thôn 3 xuống cấp, nhiều ổ gà, đề nghị sửa chữa"
OPINIONS: list[dict[str, Any]] = [
    {"content": ROAD, "summary": "Đề nghị sửa chữa tuyến đường liên thôn Thôn 1 – Thôn 3."},
    {"content": "Đèn đường ngõ 5 hỏng hai tháng chưa thay", "category": "dien-nuoc"},
    {"content": "Kênh mương nội đồng bị bồi lấp, đề nghị nạo vét", "category": "nong-nghiep"},
    {
        "content": "Trạm y tế thiếu thuốc thông thường",
        "category": "giao-duc-y-te",
        "name": "Phạm Thị Riêng",
        "phone": "0987 654 321",
        "consent": True,
    },
    {"content": "Rác thải tập kết sai nơi đầu ngõ 2", "category": "moi-truong"},
    {"content": "Đường liên thôn Thôn 1 – Thôn 3 có ổ gà rất nguy hiểm", "village": "thon-3"},
    {"content": "Hỗ trợ hộ nghèo sửa nhà trước mùa mưa", "category": "chinh-sach-xa-hoi"},
    {"content": "Mạng Internet ở nhà văn hóa thôn chập chờn", "category": "chuyen-doi-so"},
    {
        "content": "Khi nào cấp giấy chứng nhận quyền sử dụng đất đợt 2",
        "category": "dat-dai",
        "answered_on_spot": {
            "by": "Công chức địa chính",
            "answer": "Dự kiến trong tháng 12/2026.",
        },
    },
    {"content": "Trường tiểu học cần thêm nhà vệ sinh cho học sinh", "category": "giao-duc-y-te"},
]


async def _setup(runtime: Any, api_for: Any) -> tuple[Any, int, list[str], str]:
    office = await api_for("office")
    status, session = await office.call(
        "POST",
        "/staff/api/sessions",
        {"number": 9, "term": "khóa XXI, nhiệm kỳ 2021–2026", "date": "2026-12-10"},
    )
    assert status == 201
    status, body = await office.call(
        "POST",
        "/staff/api/meetings",
        {
            "kind": "voter_meeting",
            "date": "2026-11-14",
            "venue": "Nhà văn hóa thôn 1",
            "villages": ["thon-1"],
            "delegates": ["Đại biểu A"],
            "attendance": 120,
            "session": session["id"],
            "petitions": OPINIONS,
        },
        **{"Idempotency-Key": "txct-1"},
    )
    assert status == 201, body
    codes = [p["code"] for p in body["petitions"]]
    chat = await make_petition(runtime, content="Đường Thôn 1 đi Thôn 3 hư hỏng nặng", user="c-1")
    return office, session["id"], codes, chat


async def test_the_council_cycle_from_meeting_to_documents(runtime: Any, api_for: Any) -> None:
    office, session_id, codes, chat = await _setup(runtime, api_for)
    road, road_again = codes[0], codes[5]

    # grouping: the repeat and the chat petition join the first; self and unknown refused
    for code in (road_again, chat):
        status, body = await office.call(
            "POST", f"/staff/api/petitions/{code}/events", {"group_with": road}
        )
        assert status == 200, body
    status, err = await office.call(
        "POST", f"/staff/api/petitions/{road}/events", {"group_with": road}
    )
    assert status == 400 and "chính nó" in err["error"]
    status, err = await office.call(
        "POST", f"/staff/api/petitions/{road}/events", {"group_with": "ZZZZ9999"}
    )
    assert status == 400 and "ZZZZ9999" in err["error"]
    status, err = await office.call(
        "POST", f"/staff/api/petitions/{road}/events", {"summary": "x" * 1001}
    )
    assert status == 400 and "1000" in err["error"]

    # forward everything not answered on the spot (the group once), then two answers
    for code in codes[:5] + codes[6:8] + codes[9:]:
        status, body = await office.call(
            "POST",
            f"/staff/api/petitions/{code}/events",
            {"status": "forwarded", "forwarded_to": "UBND xã"},
        )
        assert status == 200, body
    status, body = await office.call(
        "POST",
        f"/staff/api/petitions/{road}/events",
        {
            "status": "answered",
            "public_note": "UBND xã sửa tuyến đường trong quý I/2027.",
            "resolution": "in_progress",
        },
    )
    assert status == 200, body
    status, body = await office.call(
        "POST",
        f"/staff/api/petitions/{codes[1]}/events",
        {
            "status": "answered",
            "public_note": "Đã thay bóng đèn ngày 20/11.",
            "resolution": "resolved",
        },
    )
    assert status == 200, body

    async with runtime.db.read() as session:
        rows = {p.code: p for p in (await session.scalars(select(Petition))).all()}
        pushes = (
            await session.scalars(
                select(OutboxMessage.body).where(
                    OutboxMessage.recipient == "c-1", OutboxMessage.kind == "push"
                )
            )
        ).all()
    # the whole group was forwarded and answered once; the chat citizen was told the answer
    for code in (road, road_again, chat):
        assert rows[code].status == "answered"
        assert rows[code].answer == "UBND xã sửa tuyến đường trong quý I/2027."
        assert rows[code].resolution == "in_progress"
    assert any("quý I/2027" in str(body) for body in pushes)
    assert rows[codes[0]].content == ROAD  # the citizen's words never change

    # the compilation report
    status, data = await office.call(
        "GET", f"/staff/api/sessions/{session_id}/report.docx?kind=compilation"
    )
    assert status == 200
    text = lines(open_docx(data))
    joined = "\n".join(text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in joined
    assert "Độc lập - Tự do - Hạnh phúc" in joined
    assert "kỳ họp thứ 9" in joined.lower()
    # one item for three voters (two at the meeting, one in chat), with both villages
    assert (
        "1. Đề nghị sửa chữa tuyến đường liên thôn Thôn 1 – Thôn 3 "
        "(Thôn 1, Thôn 3; 3 lượt cử tri)." in text
    )
    assert "có 11 lượt ý kiến" in joined and "còn 9 ý kiến" in joined
    assert "1 ý kiến đã được trả lời trực tiếp" in joined
    # committees in the profile's order: Kinh tế - Ngân sách before Văn hóa - Xã hội
    economy = next(i for i, line in enumerate(text) if "KINH TẾ - NGÂN SÁCH" in line.upper())
    society = next(i for i, line in enumerate(text) if "VĂN HÓA - XÃ HỘI" in line.upper())
    assert economy < society
    assert "Dự kiến trong tháng 12/2026." in joined  # answered on the spot
    assert "120" in joined  # voters attending
    everything = all_xml_text(data)
    for secret in ("Phạm Thị Riêng", "0987", "654 321"):
        assert secret not in everything
    # the repeat is merged: it does not appear as an item of its own
    assert "ổ gà rất nguy hiểm" not in joined

    # the appendix: one row per item, the body responsible
    status, data = await office.call(
        "GET", f"/staff/api/sessions/{session_id}/report.docx?kind=appendix"
    )
    assert status == 200
    appendix = "\n".join(lines(open_docx(data)))
    assert "UBND xã" in appendix and "Thôn 1 – Thôn 3" in appendix
    assert "Dự kiến trong tháng 12/2026." not in appendix

    # the results report: classes and counts
    status, data = await office.call(
        "GET", f"/staff/api/sessions/{session_id}/report.docx?kind=results"
    )
    assert status == 200
    results = "\n".join(lines(open_docx(data)))
    assert "Đã giải quyết" in results and "Đang giải quyết" in results
    assert "Chưa giải quyết" in results
    assert "Tổng số 8 ý kiến" in results  # 10 opinions + chat − 2 merged − 1 answered on the spot

    status, sup = await office.call("GET", f"/staff/api/sessions/{session_id}/supervision")
    assert status == 200
    (body,) = sup["bodies"]
    assert body["body"] == "UBND xã" and body["items"] == 8 and body["answered"] == 2
    assert body["forwarded"] == 8 and body["on_time_share"] == 0.25

    status, err = await office.call("GET", f"/staff/api/sessions/{session_id}/report.docx?kind=x")
    assert status == 400 and "compilation" in err["error"]


async def test_a_session_without_petitions_gets_an_honest_empty_report(
    runtime: Any, api_for: Any
) -> None:
    office = await api_for("office")
    status, session = await office.call(
        "POST", "/staff/api/sessions", {"number": 3, "term": "khóa XXI", "date": "2026-11-01"}
    )
    assert status == 201
    for kind in ("compilation", "appendix", "results"):
        status, data = await office.call(
            "GET", f"/staff/api/sessions/{session['id']}/report.docx?kind={kind}"
        )
        assert status == 200, data
        text = "\n".join(lines(open_docx(data)))
        assert "KỲ HỌP THỨ 3" in text.upper()
        assert "không có ý kiến" in text.lower(), text
    status, _ = await office.call("GET", "/staff/api/sessions/999/report.docx?kind=results")
    assert status == 404


async def test_moving_a_petition_to_another_session(runtime: Any, api_for: Any) -> None:
    office = await api_for("office")
    _, first = await office.call(
        "POST", "/staff/api/sessions", {"number": 9, "term": "khóa XXI", "date": "2026-12-10"}
    )
    code = await make_petition(runtime, content="Xin hỗ trợ giống lúa cho vụ đông xuân năm nay")
    # by default in the next session after it was received: the one on 17/12 from the profile
    # is later, so 10/12 — then moved to the profile's session
    _, listed = await office.call("GET", "/staff/api/sessions")
    later = next(s for s in listed["sessions"] if s["from_profile"])
    status, body = await office.call(
        "POST", f"/staff/api/petitions/{code}/events", {"session": later["id"]}
    )
    assert status == 200, body
    _, data = await office.call("GET", f"/staff/api/sessions/{later['id']}/report.docx")
    assert "giống lúa" in "\n".join(lines(open_docx(data)))
    _, data = await office.call("GET", f"/staff/api/sessions/{first['id']}/report.docx")
    assert "giống lúa" not in "\n".join(lines(open_docx(data)))
    status, err = await office.call(
        "POST", f"/staff/api/petitions/{code}/events", {"session": 4242}
    )
    assert status == 400 and "4242" in err["error"]
    committee = await api_for("committee", committee="kt-ns")
    status, _ = await committee.call(
        "POST", f"/staff/api/petitions/{code}/events", {"session": first["id"]}
    )
    assert status == 403


async def test_an_open_item_from_an_earlier_session_is_called_out_as_repeated(
    runtime: Any, api_for: Any, clock: Any
) -> None:
    office = await api_for("office")
    _, eighth = await office.call(
        "POST", "/staff/api/sessions", {"number": 8, "term": "khóa XXI", "date": "2026-11-20"}
    )
    _, ninth = await office.call(
        "POST", "/staff/api/sessions", {"number": 9, "term": "khóa XXI", "date": "2026-12-10"}
    )
    old = await make_petition(runtime, content="Cầu treo Thôn 5 xuống cấp cần sửa chữa gấp")
    clock.advance(days=7)  # received after the 8th session: compiled for the 9th
    new = await make_petition(
        runtime, content="Cầu treo Thôn 5 hư hỏng, đề nghị sửa chữa", user="citizen-9"
    )
    status, body = await office.call(
        "POST", f"/staff/api/petitions/{new}/events", {"group_with": old}
    )
    assert status == 200, body
    _, data = await office.call(
        "GET", f"/staff/api/sessions/{ninth['id']}/report.docx?kind=results"
    )
    text = "\n".join(lines(open_docx(data)))
    assert "lần đầu tại kỳ họp thứ 8" in text
    _, sup = await office.call("GET", f"/staff/api/sessions/{ninth['id']}/supervision")
    assert sup["items"][0]["carried_over"] is True
    assert sup["items"][0]["first_raised_session"] == 8
    _, data = await office.call(
        "GET", f"/staff/api/sessions/{eighth['id']}/report.docx?kind=results"
    )
    assert "lần đầu tại kỳ họp" not in "\n".join(lines(open_docx(data)))
