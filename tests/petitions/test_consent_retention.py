"""The consent question says the real retention rule: contact details are erased
PERSONAL_DATA_RETENTION_DAYS days after the petition ends — not "until the job is done"."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.runtime import build_runtime
from tests.conftest import make_settings
from tests.helpers import WebChat


async def test_the_consent_question_states_the_configured_retention(
    db_url: str, clock, content
) -> None:
    runtime = await build_runtime(
        make_settings(db_url, PERSONAL_DATA_RETENTION_DAYS="90"),
        clock=clock,
        migrate=False,
        content=content,
    )
    try:
        async with TestClient(TestServer(create_app(runtime, run_background=False))) as client:
            chat = WebChat(client)
            await chat.say("/kiennghi")
            await chat.press("Điện, nước")
            await chat.say("Mất điện liên tục ở xóm Trên, mỗi tuần vài lần, ảnh hưởng sinh hoạt")
            await chat.press("Xong")
            await chat.press("Xóm Trên")
            await chat.say("Nguyễn Văn An")
            await chat.say("0912.345.678")
            consent = chat.text
    finally:
        await runtime.close()
    assert "90 ngày sau khi kiến nghị kết thúc" in consent
    assert "tự động xóa" in consent and "/xoadulieu" in consent
    assert "xong việc" not in consent
