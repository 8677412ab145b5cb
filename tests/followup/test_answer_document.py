"""The UBND's written answer: attached when the answer is recorded (type read from the content,
at most 10 MB), shown in the timeline, and delivered to the citizen through the outbox — a link
in the web chat, a document on Telegram."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from storage.models import OutboxMessage, StoredFile
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.harness import flush, make_runtime, serve, telegram_env
from tests.staff.helpers import (
    CSRF_RE,
    VERSION_RE,
    make_account,
    make_petition,
    make_token,
    petition_row,
    signed_in,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n" + b" " * 2000
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000
CITIZEN = "citizen-answer-document-0001"


def _form(name: str, data: bytes, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field("document", data, filename=name, content_type="application/octet-stream")
    return form


async def _post(session: Any, url: Any, token: str, form: aiohttp.FormData) -> tuple[int, Any]:
    async with session.post(url, data=form, headers={"Authorization": f"Bearer {token}"}) as r:
        return r.status, await r.json()


async def _forwarded(runtime: Any, user: str, channel: str = "web") -> str:
    code = await make_petition(runtime, user=user, channel=channel)
    office = await make_account(runtime, "office")
    from bot.staff.actions import perform
    from bot.staff.auth import user_from_account
    from handlers.workflow import Change

    await perform(runtime, user_from_account(office), code, "forward", Change())
    return code


async def _files(runtime: Any) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(StoredFile)) or 0)


async def test_the_answer_pdf_reaches_the_web_chat_citizen_as_a_link(
    runtime: Any, server: TestServer, agents: list
) -> None:
    code = await _forwarded(runtime, CITIZEN)
    account = await make_account(runtime, "office")
    token = await make_token(runtime, account.id)
    url = server.make_url(f"/staff/api/petitions/{code}/events")
    async with aiohttp.ClientSession() as session:
        status, body = await _post(
            session,
            url,
            token,
            _form("Cong van 12-UBND.pdf", PDF, status="answered", public_note="Đã sửa xong."),
        )
        assert status == 200, body
        assert body["status"] == "answered"
        answer_event = body["events"][-1]
        assert answer_event["data"]["document"]["name"] == "Cong van 12-UBND.pdf"
        assert [a["kind"] for a in body["attachments"]] == ["answer"]
        async with runtime.db.read() as s:
            push = (
                (
                    await s.execute(
                        select(OutboxMessage.body)
                        .where(OutboxMessage.recipient == CITIZEN, OutboxMessage.kind == "push")
                        .order_by(OutboxMessage.id.desc())
                    )
                )
                .scalars()
                .first()
            )
        assert "Cong van 12-UBND.pdf" in push["text"]
        link = next(b["url"] for b in push["buttons"] if b.get("url"))
        assert link == push["meta"]["document"]["url"] and "/files/" in link
        async with session.get(server.make_url(link.split("8080", 1)[-1])) as response:
            assert response.status == 200
            assert response.content_type == "application/pdf"
            assert await response.read() == PDF
    # staff see it in the timeline, and can open it
    agent = await signed_in(server, account.username)
    agents.append(agent)
    await agent.get(f"/staff/petitions/{code}")
    assert "Văn bản trả lời «Cong van 12-UBND.pdf»" in agent.last_html


async def test_a_30_mb_file_or_an_executable_renamed_pdf_changes_nothing(
    runtime: Any, server: TestServer, agents: list
) -> None:
    code = await _forwarded(runtime, CITIZEN)
    account = await make_account(runtime, "office")
    token = await make_token(runtime, account.id)
    url = server.make_url(f"/staff/api/petitions/{code}/events")
    async with aiohttp.ClientSession() as session:
        for name, data, message in (
            ("traloi.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), "30,0 MB"),
            ("traloi.pdf", EXE, "kiểm tra theo nội dung"),
            ("traloi.pdf", PDF, "chỉ gửi kèm khi ghi nhận trả lời"),
        ):
            fields = {"status": "answered", "public_note": "Xong"}
            if message.startswith("chỉ"):
                fields = {"public_note": "Xong"}
            status, body = await _post(session, url, token, _form(name, data, **fields))
            assert status == 400 and message in body["error"], body
    row = await petition_row(runtime, code)
    assert row.status == "forwarded" and not row.attachments and await _files(runtime) == 0
    # the dashboard's answer form refuses the same way and keeps what was typed
    agent = await signed_in(server, account.username)
    agents.append(agent)
    await agent.get(f"/staff/petitions/{code}")
    csrf = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
    version = VERSION_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
    form = _form("a.pdf", EXE, _csrf=csrf, action="answer", version=version, public_note="Gõ dài")
    response = await agent.post(f"/staff/petitions/{code}/action", form)
    assert response.status == 400 and "kiểm tra theo nội dung" in agent.last_html
    assert "Gõ dài" in agent.last_html
    form = _form("b.png.exe", PDF, _csrf=csrf, action="answer", version=version, public_note="Ok")
    response = await agent.post(f"/staff/petitions/{code}/action", form)
    assert response.status == 303, agent.last_html[:400]
    row = await petition_row(runtime, code)
    assert row.status == "answered" and [a.name for a in row.attachments] == ["bpng.pdf"]


async def test_a_telegram_citizen_receives_the_answer_as_a_document(
    db_url: str, clock: Any, content: Any
) -> None:
    fake = await FakeTelegram().start()
    runtime = await make_runtime(db_url, clock, content, **telegram_env(fake, webhook=True))
    try:
        async with serve(runtime) as client:
            code = await _forwarded(runtime, "777001", channel="telegram")
            await flush(runtime)
            account = await make_account(runtime, "office")
            token = await make_token(runtime, account.id)
            form = _form("traloi.pdf", PDF, status="answered", public_note="Đã sửa đèn.")
            response = await client.post(
                f"/staff/api/petitions/{code}/events",
                data=form,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status == 200, await response.text()
            await flush(runtime)
    finally:
        await runtime.close()
        await fake.close()
    documents = fake.called("sendDocument")
    assert [str(d["chat_id"]) for d in documents] == ["777001"]
    assert [(f, n, d) for f, n, d in fake.uploads] == [("document", "traloi.pdf", PDF)]
    answer = fake.sent_to("777001")[-1]
    assert "traloi.pdf" in answer["text"]
    keyboard = answer.get("reply_markup") or {}
    urls = [b.get("url") for row in keyboard.get("inline_keyboard", []) for b in row]
    assert not any(u and "/files/" in u for u in urls)
