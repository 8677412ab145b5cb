"""The hot path of a message (issue 15 item 3): one statement finds the sender and locks their
state; no petition or outbox query unless the sender's row says one can matter; the delivery
worker is woken only for rows it must send — on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from bot.runtime import WEB
from handlers.types import Inbound
from storage.models import InboundEvent, OutboxMessage
from tests.staff.helpers import make_petition
from tests.staff.test_reports import _set

FAQ = "lam lai can cuoc bi mat o dau"


@contextmanager
def statements(runtime: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(("BEGIN", "COMMIT")):
            seen.append(" ".join(statement.split()))

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def web(user: str, text: str, message_id: str) -> Inbound:
    return Inbound(
        channel="web", user_key=user, text=text, external_id=f"{user}:{message_id}",
        capabilities=WEB,
    )  # fmt: skip


async def test_a_known_users_faq_message_costs_four_statements_and_no_wake_up(runtime) -> None:
    wakes: list[int] = []
    runtime.engine.on_commit = lambda: wakes.append(1)
    await runtime.engine.handle(web("u1", "xin chào", "m1"))  # first contact: rows created
    with statements(runtime) as seen:
        result = await runtime.engine.handle(web("u1", FAQ, "m2"))
    assert result.replies[0].meta["topic"] == "can-cuoc-card"
    assert len(seen) == 4, seen  # sender + lock, inbound event, state and identity, replies
    assert (
        seen[0].startswith("SELECT")
        and "FROM channel_identities JOIN conversation_states" in (seen[0])
    )
    assert not any("FROM petitions" in s and s.startswith("SELECT petitions") for s in seen)
    assert not any(s.startswith("UPDATE outbox") for s in seen)  # nothing deferred to re-queue
    assert wakes == []  # web replies are in the HTTP response: no worker wake-up
    async with runtime.db.read() as session:
        event_row = (
            await session.execute(select(InboundEvent).where(InboundEvent.external_id == "u1:m2"))
        ).scalar_one()
        rows = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.inbound_event_id == event_row.id)
                )
            )
            .scalars()
            .all()
        )
    assert event_row.identity_id is not None  # recorded with its sender, in the one INSERT
    assert rows and all(r.status == "sent" and r.kind == "reply" for r in rows)
    again = await runtime.engine.handle(web("u1", FAQ, "m2"))  # redelivered: answered from rows
    assert again.duplicate and [r.text for r in again.replies] == [r.text for r in result.replies]


async def test_a_channel_the_worker_sends_to_is_woken_for(runtime) -> None:
    wakes: list[int] = []
    runtime.engine.on_commit = lambda: wakes.append(1)
    await runtime.engine.handle(Inbound(channel="zalo", user_key="z1", text=FAQ))
    assert wakes == [1]


async def test_the_follow_up_query_runs_only_when_a_petition_waits_for_an_answer(
    runtime,
) -> None:
    await runtime.engine.handle(web("citizen-1", "xin chào", "m1"))
    with statements(runtime) as seen:
        await runtime.engine.handle(web("citizen-1", FAQ, "m2"))
    assert not any(s.startswith("SELECT petitions") for s in seen)
    code = await make_petition(runtime, user="citizen-1")  # the web citizen's petition
    await _set(runtime, code, status="needs_info")
    with statements(runtime) as seen:
        await runtime.engine.handle(web("citizen-1", FAQ, "m3"))
    assert any(s.startswith("SELECT petitions") for s in seen)  # the interceptor looks now
