"""The issue's bad inputs, each refused with a clear message and nothing half-saved."""

from __future__ import annotations

import asyncio
from typing import Any

from handlers.texts.handoff import HandoffTexts
from handlers.texts.kb_edit import KbEditTexts
from storage import kb_entries
from storage.communes import ensure_commune

GOOD = {
    "id": "rac-thai-sinh-hoat",
    "topic": "one-stop-office",
    "title": "Thu gom rác sinh hoạt",
    "question": "Rác sinh hoạt được thu gom ngày nào?",
    "phrasings": ["lich thu gom rac", "xe rac may gio"],
    "answer": "Hỏi {office_name} về lịch thu gom.\nBước tiếp theo: gọi {office_phone}.",
    "source": "Quyết định của UBND xã",
    "reviewed": "2026-11-16",
}


async def _version(runtime: Any) -> int:
    async with runtime.db.read() as session:
        return await kb_entries.version(session, runtime.profile.id)


async def _open_conversation(citizen: Any, name: str) -> Any:
    person = citizen(name)
    await person.say("/canbo tôi cần hỏi về hộ nghèo")
    return person


async def test_staff_replies_that_cannot_go_out(
    runtime: Any, citizen: Any, staff_api: Any
) -> None:
    t = HandoffTexts.of(runtime.texts)
    first = await staff_api("digital_team", full_name="Lê Văn Một")
    second = await staff_api("office", full_name="Phạm Thị Hai")
    person = await _open_conversation(citizen, "eve")
    _, listed = await first.get("/staff/api/conversations", status="open")
    cid = listed["conversations"][0]["id"]
    before = listed["conversations"][0]["messages"]

    status, body = await first.post(
        f"/staff/api/conversations/{cid}/messages", {"text": "x" * 50_000}
    )
    assert status == 400 and body["code"] == "too_long" and "50.000" in body["error"]
    for bad in ({"text": "   "}, {"text": 5}, {}):
        status, body = await first.post(f"/staff/api/conversations/{cid}/messages", bad)
        assert status == 400, (bad, body)
    status, body = await first.call(
        "POST", f"/staff/api/conversations/{cid}/messages", data=b"{not json"
    )
    assert status == 400 and "JSON" in body["error"]
    assert (await first.post("/staff/api/conversations/999999/messages", {"text": "a"}))[0] == 404
    _, detail = await first.get(f"/staff/api/conversations/{cid}")
    assert detail["messages"] == before and detail["assignee"] is None
    assert await person.pushed() == []

    # Two staff take it at the same moment: one wins, the other is told who.
    results = await asyncio.gather(
        first.post(f"/staff/api/conversations/{cid}/take"),
        second.post(f"/staff/api/conversations/{cid}/take"),
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    winner, loser = (first, second) if results[0][0] == 200 else (second, first)
    refused = next(body for status, body in results if status == 409)
    assert refused["code"] == "taken" and winner.account.full_name in refused["error"]
    status, body = await loser.post(f"/staff/api/conversations/{cid}/messages", {"text": "Chào"})
    assert status == 409 and body["code"] == "taken"
    assert await person.pushed() == []

    status, _ = await winner.post(f"/staff/api/conversations/{cid}/close")
    assert status == 200
    status, body = await winner.post(f"/staff/api/conversations/{cid}/messages", {"text": "Còn"})
    assert status == 409 and body["error"] == t.refused["closed"]()
    assert (await winner.post(f"/staff/api/conversations/{cid}/close"))[0] == 409
    assert [m["text"] for m in await person.pushed()] == [t.closed_by_staff()]


async def test_entries_the_checks_refuse(runtime: Any, staff_api: Any) -> None:
    team = await staff_api("digital_team")
    k = KbEditTexts.of(runtime.texts)
    start = await _version(runtime)
    cases = [
        ({**GOOD, "topic": "khong-co-chu-de"}, "topic", "khong-co-chu-de"),
        ({**GOOD, "answer": "Gọi {so_ban_tiep_dan}."}, "answer", "{so_ban_tiep_dan}"),
        ({**GOOD, "answer": "Rất dài. " * 625}, "answer", "vượt giới hạn 2000"),
        ({**GOOD, "links": [{"text": "Cổng", "url": "javascript:alert(1)"}]}, "links", "https://"),
        ({**GOOD, "reviewed": "hôm qua"}, "reviewed", "YYYY-MM-DD"),
        ({**GOOD, "mau_sac": "đỏ"}, "mau_sac", "trường không hợp lệ"),
        ({**GOOD, "id": "Rác Thải!"}, "id", "a-z"),
        ({k: v for k, v in GOOD.items() if k != "title"}, "title", "thiếu trường bắt buộc"),
    ]
    for body, name, words in cases:
        status, answer = await team.post("/staff/api/kb/entries", body)
        assert status == 400, (name, answer)
        assert answer["error"] == k.invalid() or name == "id"
        assert words in answer["fields"][name], (name, answer["fields"])
    # An id another commune of this deployment already uses.
    async with runtime.db.write() as session:
        await ensure_commune(session, "xa-ben-canh", "xã Bên Cạnh")
        await kb_entries.save(
            session,
            commune_id="xa-ben-canh",
            entry_id=GOOD["id"],
            fields={k: v for k, v in GOOD.items() if k != "id"},
            disabled=False,
            staff_id=None,
            staff_label="xã bên cạnh",
            now=runtime.clock(),
        )
    status, answer = await team.post("/staff/api/kb/entries", GOOD)
    assert status == 400 and answer["fields"]["id"] == k.taken_elsewhere(id=GOOD["id"])
    status, answer = await team.put(f"/staff/api/kb/entries/{GOOD['id']}", GOOD)
    assert status == 400 and "id" in answer["fields"]
    # Nothing of it was saved, and no process was told the knowledge base changed.
    assert await _version(runtime) == start  # the other commune's row is not ours
    _, listed = await team.get("/staff/api/kb/entries", origin="database")
    assert listed["entries"] == []
    assert runtime.kb.get(GOOD["id"]) is None

    # A body that is no entry at all, and an id that disagrees with the path.
    status, answer = await team.call("POST", "/staff/api/kb/entries", data=b"[1, 2]")
    assert status == 400 and "đối tượng JSON" in answer["error"]
    status, answer = await team.put("/staff/api/kb/entries/can-cuoc-card", {**GOOD, "id": "khac"})
    assert status == 400 and "id" in answer["fields"]
    # Creating over an existing id is a conflict: editing is PUT.
    status, answer = await team.post("/staff/api/kb/entries", {**GOOD, "id": "can-cuoc-card"})
    assert status == 409 and answer["code"] == "exists"
