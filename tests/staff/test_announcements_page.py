"""The dashboard's announcement form: bad input refused in Vietnamese, a good one queued."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Announcement
from tests.channels.harness import flush
from tests.helpers import WebChat
from tests.staff.helpers import make_account, signed_in


async def _count(runtime) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Announcement)) or 0)


async def test_the_form_refuses_bad_input_and_sends_a_good_one(runtime, server, agents) -> None:
    from aiohttp.test_utils import TestClient

    await make_account(runtime, "office", username="vp2")
    agent = await signed_in(server, "vp2")
    agents.append(agent)
    empty = await agent.form("/staff/announcements", {"text": "  "})
    assert empty.status == 400 and "chưa nhập nội dung" in agent.last_html
    bad = await agent.form("/staff/announcements", {"text": "x", "village": "khong-co"})
    assert bad.status == 400 and "không thuộc danh sách" in agent.last_html
    assert await _count(runtime) == 0

    async with TestClient(server) as client:
        back, other = WebChat(client), WebChat(client)
        await back.say("/thon Thôn 2")
        await back.say("/tatthongbao")
        await back.say("/batthongbao")
        assert "bật lại" in back.text
        await other.say("/thon Thôn 3")
        sent = await agent.form(
            "/staff/announcements", {"text": "Họp tổ dân phố tối nay.", "village": "thon-2"}
        )
        assert sent.status == 303
        page = await agent.get(sent.headers["Location"])
        assert page.status == 200 and 'data-testid="total">1<' in agent.last_html
        await flush(runtime)
        assert any("Họp tổ dân phố" in m["text"] for m in await back.pushed())
        assert not any("Họp tổ dân phố" in m["text"] for m in await other.pushed())
        listing = await agent.get("/staff/announcements")
        assert listing.status == 200 and "Họp tổ dân phố tối nay." in agent.last_html
        viewer_only = await make_account(runtime, "viewer", username="xem")
        assert viewer_only is not None
        viewer = await signed_in(server, "xem")
        agents.append(viewer)
        assert (await viewer.get("/staff/announcements")).status == 403


async def test_erasing_my_data_forgets_my_village(runtime, server) -> None:
    from aiohttp.test_utils import TestClient

    from storage.models import IdentityPrefs

    async with TestClient(server) as client:
        chat = WebChat(client)
        await chat.say("/thon Thôn 2")
        async with runtime.db.read() as session:
            assert (await session.execute(select(IdentityPrefs))).scalar_one().village == "thon-2"
        await chat.say("/xoadulieu")
        await chat.press("Xóa dữ liệu của tôi")
        async with runtime.db.read() as session:
            assert (await session.execute(select(IdentityPrefs))).first() is None
