"""The knowledge editor on the dashboard: per-field messages, preview, save, override, disable,
the audit trail, and "create an entry" from a gap and from a closed hand-off."""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Any

from handlers.capabilities import PLAIN
from handlers.chat.answers import entry_reply
from storage.unanswered import record_unanswered
from tests.staff.helpers import make_account, signed_in

FORM = {
    "id": "gio-mo-cua-thu-vien",
    "topic": "one-stop-office",
    "title": "Giờ mở cửa thư viện xã",
    "question": "Thư viện xã mở cửa giờ nào?",
    "phrasings": "thu vien xa mo cua may gio\ngio mo cua thu vien",
    "keywords": "thư viện",
    "answer": "Thư viện xã mở cửa {office_hours}.\nBước tiếp theo: gọi {office_phone}.",
    "links": "Trang của xã | https://tanphuan.example/thu-vien",
    "source": "Thông báo của UBND xã",
    "reviewed": "2026-11-16",
}


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


async def test_create_preview_save_override_disable_with_an_audit_trail(
    runtime: Any, server: Any, agents: list, citizen: Any
) -> None:
    account = await make_account(runtime, "digital_team", full_name="Đoàn Văn Giả")
    agent = await signed_in(server, account.username)
    agents.append(agent)

    # Errors are shown beside their fields and nothing is saved.
    bad = {**FORM, "topic": "khong-co", "answer": "Gọi {so_khong_co}"}
    response = await agent.form("/staff/kb/new", {**bad, "do": "save"})
    assert response.status == 400
    page = agent.last_html
    assert 'data-error="topic"' in page and 'data-error="answer"' in page
    assert "{so_khong_co}" in _text(page) and FORM["title"] in page  # what was typed stays
    assert (await agent.get(f"/staff/kb/{FORM['id']}")).status == 404

    # The preview shows the answer as a citizen reads it, the profile's facts filled in.
    response = await agent.form("/staff/kb/new", {**FORM, "do": "preview"})
    assert response.status == 200
    preview = re.search(r"data-preview>(.*?)</div>", agent.last_html, re.S).group(1)
    assert runtime.profile.office.phone in html.unescape(preview) and "{" not in preview
    assert "Trang của xã" in agent.last_html
    assert (await agent.get(f"/staff/kb/{FORM['id']}")).status == 404  # a preview saves nothing

    response = await agent.form("/staff/kb/new", {**FORM, "do": "save"})
    assert response.status == 303, agent.last_html[:500]
    assert response.headers["Location"] == f"/staff/kb/{FORM['id']}?done=saved"
    await runtime.knowledge.settled()  # the rebuild the save started
    replies = await citizen("oanh").say("thu vien xa mo cua may gio")
    assert replies[0]["meta"].get("entry_id") == FORM["id"]

    # Overriding a bundled entry: the same id, the citizen gets the commune's wording.
    original = runtime.kb.get("can-cuoc-card")
    await agent.get("/staff/kb/can-cuoc-card")
    assert "Lưu ở đây sẽ tạo bản của xã" in agent.last_html
    fields = {k: v for k, v in FORM.items() if k != "id"}
    fields.update(
        topic=original.topic,
        title=original.title,
        question=original.question,
        phrasings="\n".join(original.phrasings),
        answer="Làm căn cước tại Công an xã, mang giấy hẹn.\nBước tiếp theo: gọi {hotline}.",
    )
    response = await agent.form("/staff/kb/can-cuoc-card", {**fields, "do": "save"})
    assert response.status == 303
    await runtime.knowledge.settled()
    assert runtime.kb.get("can-cuoc-card").answer.startswith("Làm căn cước tại Công an xã")
    await agent.get("/staff/kb?origin=database")
    assert "can-cuoc-card" in agent.last_html and "thay mục có sẵn" in agent.last_html

    # Disabling: the bot no longer answers with it; enabling brings it back.
    response = await agent.form(f"/staff/kb/{FORM['id']}/disable", {})
    assert response.status == 303
    await runtime.knowledge.settled()
    assert runtime.kb.get(FORM["id"]) is None
    replies = await citizen("phuong").say("thu vien xa mo cua may gio")
    assert replies[0]["meta"].get("entry_id") != FORM["id"]
    await agent.form(f"/staff/kb/{FORM['id']}/enable", {})
    await runtime.knowledge.settled()
    assert runtime.kb.get(FORM["id"]) is not None

    await agent.get(f"/staff/kb/{FORM['id']}")
    history = _text(agent.last_html.split("Lịch sử thay đổi", 1)[1])
    for action in ("Tạo mới", "Tắt", "Bật lại"):
        assert action in history
    assert "Đoàn Văn Giả" in history


async def test_create_an_entry_from_a_gap_and_from_a_closed_handoff(
    runtime: Any, server: Any, agents: list, citizen: Any, staff_api: Any
) -> None:
    async with runtime.db.write() as session:
        await record_unanswered(
            session, runtime.profile.id, "xa co cho muon loa khong", runtime.clock()
        )
    account = await make_account(runtime, "digital_team")
    agent = await signed_in(server, account.username)
    agents.append(agent)
    await agent.get("/staff/gaps")
    link = re.search(r'href="(/staff/kb/new\?[^"]+)"', agent.last_html).group(1)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(html.unescape(link)).query) == {
        "question": ["xa co cho muon loa khong"]
    }
    await agent.get(html.unescape(link))
    assert 'value="xa co cho muon loa khong"' in agent.last_html

    team = await staff_api("digital_team")
    person = citizen("quang")
    await person.say("/canbo Nhà văn hóa thôn có cho thuê làm đám cưới không?")
    _, listed = await team.get("/staff/api/conversations", status="open")
    cid = listed["conversations"][0]["id"]
    await team.post(f"/staff/api/conversations/{cid}/close")
    await agent.get(f"/staff/handoff/{cid}")
    link = re.search(r'href="(/staff/kb/new\?[^"]+)"', agent.last_html).group(1)
    await agent.get(html.unescape(link))
    assert 'value="Nhà văn hóa thôn có cho thuê làm đám cưới không?"' in agent.last_html


async def test_a_reply_from_the_inbox_page_reaches_the_citizen(
    runtime: Any, server: Any, agents: list, citizen: Any
) -> None:
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    agents.append(agent)
    person = citizen("rin")
    await person.say("/canbo")
    await agent.get("/staff/handoff")
    cid = re.search(r'data-conversation="(\d+)"', agent.last_html).group(1)
    response = await agent.form(f"/staff/handoff/{cid}/reply", {"text": "x" * 2001})
    assert response.status == 400 and "2000" in _text(agent.last_html)
    assert await person.pushed() == []
    response = await agent.form(f"/staff/handoff/{cid}/reply", {"text": "Chào bạn, tôi nghe."})
    assert response.status == 303
    assert "Chào bạn, tôi nghe." in (await person.pushed())[0]["text"]
    entry = runtime.kb.get("contact-human")
    assert "/canbo" in entry_reply(runtime.texts, runtime.kb, entry, PLAIN).text


async def test_the_review_date_is_typed_and_shown_as_dd_mm_yyyy(
    runtime: Any, server: Any, agents: list
) -> None:
    account = await make_account(runtime, "digital_team")
    agent = await signed_in(server, account.username)
    agents.append(agent)
    typed = {**FORM, "id": "gio-mo-cua-nha-van-hoa", "reviewed": "16/11/2026", "do": "save"}
    response = await agent.form("/staff/kb/new", typed)
    assert response.status == 303, agent.last_html[:500]
    await agent.get("/staff/kb/gio-mo-cua-nha-van-hoa")
    field = re.search(r'<input[^>]*name="reviewed"[^>]*>', agent.last_html).group(0)
    assert 'type="text"' in field and 'value="16/11/2026"' in field, field
    async with runtime.db.read() as session:
        from storage import kb_entries

        rows = await kb_entries.entries(session, runtime.profile.id)
    stored = {r.entry_id: r.fields for r in rows}["gio-mo-cua-nha-van-hoa"]
    assert str(stored["reviewed"]) == "2026-11-16"  # kept as the data files write it
