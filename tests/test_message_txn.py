"""One message's transaction (``storage.message_txn``), on both databases: on PostgreSQL the hot
statements run on the driver and the ORM session opens only on demand — it must still be one
transaction, with the sender's objects in the session, and nothing a handler changed lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.message_txn import SenderSave
from storage.models import ChannelIdentity, ConversationState, InboundEvent, OutboxMessage

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


def commune(runtime: Any) -> str:
    return runtime.services.commune_id


async def count(runtime: Any, model: Any) -> int:
    async with runtime.db.read() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_the_hot_statements_and_a_sessions_work_commit_together(runtime) -> None:
    async with runtime.db.message() as txn:
        sender = await txn.lock_sender(commune(runtime), "web", "u-together", NOW)
        event = await txn.record_inbound(
            commune(runtime), "web", "u-together:1", NOW, sender.identity.id
        )
        session = txn.session  # opened mid-message: the sender's objects are in it
        assert await session.get(ChannelIdentity, sender.identity.id) is sender.identity
        sender.state.flow, sender.state.data = "petition", {"draft": "đèn hỏng"}
        await txn.save_sender(SenderSave(sender.identity, sender.state, NOW, [], True))
        session.add(
            OutboxMessage(
                commune_id=commune(runtime), channel="web", recipient="u-together",
                identity_id=sender.identity.id, inbound_event_id=event, kind="push",
                body={"text": "x"}, status="pending", attempts=0, next_attempt_at=NOW,
                created_at=NOW,
            )
        )  # fmt: skip
    async with runtime.db.read() as session:
        state = await session.get(ConversationState, sender.identity.id)
        assert state is not None and state.flow == "petition"
        assert state.data == {"draft": "đèn hỏng"}
    assert await count(runtime, OutboxMessage) == 1
    assert await count(runtime, InboundEvent) == 1


async def test_an_error_mid_message_leaves_nothing(runtime) -> None:
    with pytest.raises(RuntimeError):
        async with runtime.db.message() as txn:
            sender = await txn.lock_sender(commune(runtime), "web", "u-error", NOW)
            await txn.record_inbound(commune(runtime), "web", "u-error:1", NOW, sender.identity.id)
            txn.session.add(ConversationState(identity_id=sender.identity.id + 1000, data={}))
            raise RuntimeError("a handler failed")
    assert await count(runtime, ChannelIdentity) == 0
    assert await count(runtime, InboundEvent) == 0
    # the connection went back clean: the next message works
    async with runtime.db.message() as txn:
        await txn.lock_sender(commune(runtime), "web", "u-after", NOW)
    assert await count(runtime, ChannelIdentity) == 1


async def test_an_identity_changed_without_a_session_is_written(runtime) -> None:
    async with runtime.db.message() as txn:
        sender = await txn.lock_sender(commune(runtime), "web", "u-quiet", NOW)
    async with runtime.db.message() as txn:
        again = await txn.lock_sender(commune(runtime), "web", "u-quiet", NOW)
        assert again.identity.id == sender.identity.id and again.identity.active
        again.identity.active = False  # no handler asked for the session
        await txn.save_sender(SenderSave(again.identity, again.state, NOW, [], False))
    async with runtime.db.read() as session:
        stored = await session.get(ChannelIdentity, sender.identity.id)
        assert stored is not None and stored.active is False


async def test_a_second_lock_of_the_same_sender_reads_what_the_first_saved(runtime) -> None:
    later = NOW + dt.timedelta(minutes=5)
    async with runtime.db.message() as txn:
        first = await txn.lock_sender(commune(runtime), "web", "u-twice", NOW)
        first.state.message_count = 1
        first.state.offered = {"a": "1"}
        await txn.save_sender(SenderSave(first.identity, first.state, later, [], True))
    async with runtime.db.message() as txn:
        second = await txn.lock_sender(commune(runtime), "web", "u-twice", later)
    assert second.state.message_count == 1 and second.state.offered == {"a": "1"}
    assert second.identity.last_inbound_at == later
    assert second.state.updated_at.tzinfo is not None
