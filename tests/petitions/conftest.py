"""Fixtures for the petition tests: a web-chat client on the per-test runtime, and staff helpers.

Staff changes go through ``workflow.apply_action`` inside ``workflow.transaction`` — exactly what
the staff dashboard and JSON API call — so these tests do not depend on those being built.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import create_app
from handlers import workflow
from handlers.workflow import Actor, Change
from storage import identities
from storage import petitions as repo
from storage.models import ConversationState, OutboxMessage, Petition
from tests.helpers import WebChat

STAFF = Actor("staff", None, "vanphong")
ROAD = "Đường liên thôn đoạn qua cầu Đá bị sụt lún, ổ gà rất nhiều, xe máy đi nguy hiểm"


@pytest.fixture
async def client(runtime):
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def file_petition(
    chat: WebChat,
    content: str = ROAD,
    *,
    category: str = "Giao thông",
    village: str | None = "Thôn 3",
    name_phone: str | None = None,
) -> str:
    """File one petition through the web chat, anonymously unless ``name_phone`` is given."""
    await chat.say("/kiennghi")
    await chat.press(category)
    await chat.say(content)
    await chat.press("Xong")
    if village:
        await chat.press(village)
    else:
        await chat.press("Bỏ qua")
    if any("Theo dõi kiến nghị" in b["text"] for b in chat.buttons()):
        await chat.press("Vẫn gửi kiến nghị mới")
    if name_phone:
        await chat.say(name_phone)
        await chat.press("Đồng ý")
    else:
        await chat.press("Gửi ẩn danh")
    await chat.press("Xác nhận gửi")
    code = chat.replies[0]["meta"]["petition_code"]
    assert code
    return code


async def staff_does(
    runtime: Any, code: str, action: str, change: Change | None = None, *, actor: Actor = STAFF
) -> None:
    """One staff action, as the dashboard would apply it."""
    async with workflow.transaction(runtime.db, runtime.services) as txn:
        petition = await workflow.petition_for_change(txn, code)
        await workflow.apply_action(txn, petition, action, actor, change or Change())
    runtime.worker.wake()


async def load(runtime: Any, code: str) -> Petition:
    async with runtime.db.read() as session:
        petition = await repo.get_by_code(session, code, with_details=True)
        assert petition is not None
        return petition


async def count_petitions(runtime: Any) -> int:
    async with runtime.db.read() as session:
        return len((await session.execute(select(Petition.id))).all())


async def outbox_rows(runtime: Any, **where: Any) -> list[OutboxMessage]:
    async with runtime.db.read() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(OutboxMessage, key) == value)
        return list((await session.execute(stmt)).scalars().all())


async def deliver(runtime: Any) -> None:
    """Run the delivery worker until the outbox is drained (what the app does in background)."""
    while await runtime.worker.run_once():
        pass


def without_bookkeeping(data: dict[str, Any]) -> dict[str, Any]:
    """A conversation's data (the offered buttons are kept beside it, in ``offered``)."""
    return dict(data or {})


async def state_of(runtime: Any, user_id: str, channel: str = "web") -> ConversationState | None:
    """The conversation row of one chat user (the draft lives here)."""
    async with runtime.db.read() as session:
        identity = await identities.find_identity(session, runtime.profile.id, channel, user_id)
        if identity is None:
            return None
        return await session.get(ConversationState, identity.id)
