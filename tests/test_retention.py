"""Contact details are erased automatically a retention period after a petition ends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from handlers import workflow
from handlers.types import Inbound
from handlers.workflow import Actor, Change
from handlers.workflow.retention import erase_expired_contacts
from storage import identities
from storage import petitions as repo
from storage.citizens import save_contact
from storage.models import ChannelIdentity, Citizen

DAY = dt.timedelta(days=1)


async def _file(runtime, user: str, name: str, phone: str) -> str:
    now = runtime.clock()
    async with runtime.db.write() as session:
        identity = await identities.get_or_create_identity(
            session, runtime.profile.id, "web", user
        )
        citizen = await save_contact(
            session, identity, name=name, phone=phone, consent_at=now, now=now
        )
        petition = await repo.create_petition(
            session,
            now=now,
            commune_id=runtime.profile.id,
            category="giao-thong",
            committee="kt-ns",
            content="Cống thoát nước ở thôn 4 bị tắc lâu ngày",
            intake_channel="web",
            identity_id=identity.id,
            citizen_id=citizen.id,
            contact_name=name,
            contact_phone=phone,
            consent_at=now,
        )
        return petition.code


async def _act(runtime, code: str, action: str, change: Change | None = None) -> None:
    async with workflow.transaction(runtime.db, runtime.services) as txn:
        petition = await workflow.petition_for_change(txn, code)
        await workflow.apply_action(txn, petition, action, Actor("staff", 1, "vp"), change)


async def test_contacts_of_ended_petitions_are_erased_after_the_retention_period(
    runtime, clock
) -> None:
    retention = dt.timedelta(days=30)
    ended = await _file(runtime, "u-ended", "Nguyễn Thị Mẫu", "0123456701")
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, ended)
        petition.content += " Liên hệ Nguyễn Thị Mẫu, số 0123 456 701."
        petition.latitude, petition.longitude = 10.5, 106.7
    still_open = await _file(runtime, "u-open", "Trần Văn Thử", "0123456702")
    await _act(runtime, ended, "reject", Change(reason="out_of_scope"))

    clock.advance(days=29)
    result = await erase_expired_contacts(runtime.db, runtime.profile.id, clock, retention)
    assert (result.petitions, result.citizens) == (0, 0)  # not yet: a reopening may come

    clock.advance(days=2)
    result = await erase_expired_contacts(runtime.db, runtime.profile.id, clock, retention)
    assert (result.petitions, result.citizens) == (1, 1)
    async with runtime.db.read() as session:
        gone = await repo.get_by_code(session, ended)
        kept = await repo.get_by_code(session, still_open)
        assert (gone.contact_name, gone.contact_phone) == (None, None)
        assert gone.anonymized_at is not None
        assert gone.content.startswith("Cống thoát nước")  # content stays for statistics
        assert "Mẫu" not in gone.content and "701" not in gone.content
        assert (gone.latitude, gone.longitude) == (None, None)
        assert (kept.contact_name, kept.contact_phone) == ("Trần Văn Thử", "0123456702")
        citizens = {c.phone: c for c in (await session.execute(select(Citizen))).scalars()}
        assert "0123456701" not in citizens and "0123456702" in citizens
        unlinked = (
            await session.execute(
                select(ChannelIdentity).where(ChannelIdentity.external_user_id == "u-ended")
            )
        ).scalar_one()
        assert unlinked.citizen_id is None

    # Running again changes nothing more.
    again = await erase_expired_contacts(runtime.db, runtime.profile.id, clock, retention)
    assert (again.petitions, again.citizens) == (0, 0)


async def test_delivered_messages_are_deleted_after_a_month(runtime, clock) -> None:
    from handlers.workflow.retention import MESSAGE_RETENTION
    from storage.models import OutboxMessage

    await _file(runtime, "u1", "Lê Văn Thử", "0123456703")
    await runtime.engine.handle(Inbound(channel="web", user_key="u1", text="xin chào"))
    async with runtime.db.read() as session:
        before = len((await session.execute(select(OutboxMessage))).scalars().all())
    assert before >= 1
    clock.advance(seconds=MESSAGE_RETENTION.total_seconds() + 60)
    result = await erase_expired_contacts(
        runtime.db, runtime.profile.id, clock, dt.timedelta(days=365)
    )
    assert result.messages == before
    async with runtime.db.read() as session:
        assert (await session.execute(select(OutboxMessage))).first() is None


def test_retention_is_configurable_and_validated() -> None:
    import pytest

    from bot.config import ConfigError, load_settings

    assert load_settings(env={}, dotenv=None).personal_data_retention_days == 365
    env = {"PERSONAL_DATA_RETENTION_DAYS": "90"}
    assert load_settings(env=env, dotenv=None).personal_data_retention_days == 90
    with pytest.raises(ConfigError) as info:
        load_settings(env={"PERSONAL_DATA_RETENTION_DAYS": "-1"}, dotenv=None)
    assert info.value.variable == "PERSONAL_DATA_RETENTION_DAYS"
