"""A citizen's Telegram photo, shown to staff through the dashboard (the bot token stays on the
server), with the real Telegram adapter talking to the fake Bot API."""

from __future__ import annotations

from typing import Any

from storage import petitions as repo
from storage.models import PetitionAttachment
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.harness import make_runtime, serve, telegram_env
from tests.staff.helpers import make_account, make_petition, signed_in


async def test_staff_see_a_telegram_photo_through_the_dashboard(
    db_url: str, clock: Any, content: Any
) -> None:
    fake = await FakeTelegram().start()
    runtime = await make_runtime(db_url, clock, content, **telegram_env(fake, webhook=True))
    try:
        code = await make_petition(runtime, channel="telegram", user="4242")
        async with runtime.db.write() as session:
            petition = await repo.get_by_code(session, code)
            photo = PetitionAttachment(
                petition_id=petition.id, kind="photo", channel="telegram", ref="large-photo"
            )
            session.add(photo)
            await session.flush()
            photo_id = photo.id
        office = await make_account(runtime, "office")
        viewer = await make_account(runtime, "viewer")
        async with serve(runtime) as client:
            agent = await signed_in(client.server, office.username)
            response = await agent.get(f"/staff/petitions/{code}/attachments/{photo_id}")
            body = await response.read()
            assert response.status == 200 and response.content_type == "image/jpeg"
            assert body.startswith(b"\xff\xd8")
            assert "sandbox" in response.headers["Content-Security-Policy"]
            assert fake.called("getFile")[-1]["file_id"] == "large-photo"
            assert fake.token not in str(response.headers)

            missing = await agent.get(f"/staff/petitions/{code}/attachments/999999")
            assert missing.status == 404 and "Không có tệp đính kèm này" in agent.last_html
            fake.fail(
                "getFile", 400, "Bad Request: wrong file_id or the file is temporarily unavailable"
            )
            broken = await agent.get(f"/staff/petitions/{code}/attachments/{photo_id}")
            assert broken.status == 502 and "Chưa tải được tệp" in agent.last_html
            await agent.close()

            other = await signed_in(client.server, viewer.username)
            denied = await other.get(f"/staff/petitions/{code}/attachments/{photo_id}")
            assert denied.status == 403
            await other.close()
    finally:
        await runtime.close()
        await fake.close()
