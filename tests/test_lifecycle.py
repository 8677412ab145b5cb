"""The petition lifecycle on both databases: transitions, events, due dates, codes, notices."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from bot.config import load_settings
from bot.runtime import WEB, load_content
from handlers import workflow as lifecycle
from handlers.context import Services
from handlers.workflow import Actor, Change, calendar
from storage import identities
from storage import petitions as repo
from storage.communes import ensure_commune
from storage.db import Database
from storage.models import OutboxMessage, Petition, PetitionEvent

CONTENT = load_content(load_settings(env={}, dotenv=None))
PROFILE = CONTENT.profile
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # Monday 16/11/2026, 9:00 in Vietnam
STAFF = Actor("staff", 1, "vanphong")


async def _setup(db_url: str) -> Database:
    db = Database(db_url)
    async with db.write() as session:
        await ensure_commune(session, PROFILE.id, PROFILE.name)
    return db


async def _petition(db: Database, user: str = "u1", **fields) -> str:
    async with db.write() as session:
        identity = await identities.get_or_create_identity(session, PROFILE.id, "web", user)
        petition = await repo.create_petition(
            session,
            now=NOW,
            commune_id=PROFILE.id,
            category="giao-thong",
            committee="kt-ns",
            content="Đường thôn 1 bị sụt lún",
            content_norm="duong thon 1 bi sut lun",
            intake_channel="web",
            identity_id=identity.id,
            **fields,
        )
        return petition.code


async def _apply(
    db: Database, code: str, action: str, change: Change | None = None, now: dt.datetime = NOW
) -> PetitionEvent:
    services = Services(
        profile=PROFILE,
        kb=CONTENT.kb,
        matcher=CONTENT.matcher,
        texts=CONTENT.texts,
        clock=lambda: now,
        capabilities={"web": WEB},
    )
    async with lifecycle.transaction(db, services) as txn:
        petition = await lifecycle.petition_for_change(txn, code)
        return await lifecycle.apply_action(txn, petition, action, STAFF, change or Change())


def test_working_days_skip_weekends_and_holidays() -> None:
    holidays = [dt.date(2026, 9, 1), dt.date(2026, 9, 2)]
    # Friday 28/8/2026 + 3 working days: Mon 31/8, (1/9 and 2/9 off), Thu 3/9, Fri 4/9.
    assert calendar.add_working_days(dt.date(2026, 8, 28), 3, holidays) == dt.date(2026, 9, 4)
    assert calendar.working_days_between(dt.date(2026, 8, 28), dt.date(2026, 9, 4), holidays) == 3
    assert calendar.working_days_between(dt.date(2026, 9, 4), dt.date(2026, 8, 28), holidays) == -3
    assert calendar.vn_today(dt.datetime(2026, 11, 16, 18, 0, tzinfo=dt.UTC)) == dt.date(
        2026, 11, 17
    )


def test_deadline_flags_are_computed() -> None:
    due = dt.date(2026, 11, 20)  # a Friday
    assert calendar.deadline_flags(due, dt.date(2026, 11, 10), [], 3) == (False, False)
    assert calendar.deadline_flags(due, dt.date(2026, 11, 17), [], 3) == (False, True)
    assert calendar.deadline_flags(due, dt.date(2026, 11, 23), [], 3) == (True, False)


def test_transition_table_is_complete() -> None:
    for status in lifecycle.STATES:
        names = {a.name for a in lifecycle.allowed_actions(status)}
        assert "note" in names
    assert {a.name for a in lifecycle.allowed_actions("closed")} == {"reopen", "note"}
    for status, action in lifecycle.ACTION_FOR_STATUS.items():
        assert lifecycle.ACTIONS[action].target == status


async def test_a_petition_travels_received_to_closed_with_events(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db)
        await _apply(db, code, "screen")
        await _apply(db, code, "forward", Change(forwarded_to="UBND xã", forward_doc_no="12/HĐND"))
        await _apply(
            db,
            code,
            "answer",
            Change(public_note="Đã sửa xong đường.", internal_note="nội bộ: kinh phí"),
        )
        await _apply(db, code, "close")
        async with db.read() as session:
            petition = await repo.get_by_code(session, code, with_details=True)
            assert petition.status == "closed"
            steps = [(e.action, e.from_status, e.to_status) for e in petition.events]
            assert steps == [
                ("create", None, "received"),
                ("screen", "received", "screening"),
                ("forward", "screening", "forwarded"),
                ("answer", "forwarded", "answered"),
                ("close", "answered", "closed"),
            ]
            # 15 working days from Monday 16/11/2026 (24/11, Vietnam Culture Day, is off).
            assert petition.due_date == dt.date(2026, 12, 8)
            assert petition.forward_doc_no == "12/HĐND"
            answer_event = petition.events[3]
            assert (answer_event.public_note, answer_event.internal_note) == (
                "Đã sửa xong đường.",
                "nội bộ: kinh phí",
            )
            pushes = (
                (
                    await session.execute(
                        select(OutboxMessage)
                        .where(OutboxMessage.kind == "push")
                        .order_by(OutboxMessage.id)
                    )
                )
                .scalars()
                .all()
            )
        texts = [p.body["text"] for p in pushes]
        assert len(texts) == 4  # screen, forward, answer, close all reach the citizen
        assert "08/12/2026" in texts[1]
        assert "Đã sửa xong đường." in texts[2]
        # The internal note never leaves the office.
        assert all("kinh phí" not in t for t in texts)
        assert {b["payload"] for b in pushes[2].body["buttons"]} == {
            f"psat:{code}:yes",
            f"psat:{code}:no",
        }
    finally:
        await db.dispose()


async def test_forbidden_transitions_change_nothing(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db)
        with pytest.raises(lifecycle.TransitionNotAllowed):
            await _apply(db, code, "close")
        with pytest.raises(lifecycle.InvalidChange):
            await _apply(db, code, "reject", Change(reason="because"))
        with pytest.raises(lifecycle.InvalidChange):
            await _apply(db, code, "request_info", Change(public_note="  "))
        with pytest.raises(lifecycle.InvalidChange):
            await _apply(db, code, "note", Change(internal_note="x" * 6000))
        async with db.read() as session:
            petition = await repo.get_by_code(session, code, with_details=True)
            assert petition.status == "received"
            assert len(petition.events) == 1
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    finally:
        await db.dispose()


async def test_reject_with_reason_and_duplicate_link(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        original = await _petition(db, "u1")
        copy = await _petition(db, "u2")
        await _apply(db, copy, "mark_duplicate", Change(duplicate_of=original.lower()))
        third = await _petition(db, "u3")
        await _apply(db, third, "reject", Change(reason="complaint_denunciation"))
        await _apply(db, original, "screen")
        async with db.read() as session:
            dup = await repo.get_by_code(session, copy)
            orig = await repo.get_by_code(session, original)
            assert dup.status == "duplicate" and dup.duplicate_of_id == orig.id
            rejected = await repo.get_by_code(session, third)
            assert rejected.rejection_reason == "complaint_denunciation"
            # The duplicate's submitter now follows the original and hears about it.
            recipients = [i.external_user_id for i in await repo.recipients(session, orig)]
            assert recipients == ["u1", "u2"]
    finally:
        await db.dispose()


async def test_needs_info_pauses_the_clock(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db)
        await _apply(db, code, "forward")
        await _apply(db, code, "request_info", Change(public_note="Cụ thể đoạn nào?"))
        later = NOW + dt.timedelta(days=7)  # one working week later
        await _apply(db, code, "info_received", now=later)
        async with db.read() as session:
            petition = await repo.get_by_code(session, code)
        assert petition.status == "screening"
        assert petition.due_date == dt.date(2026, 12, 15)  # 8/12 + 5 working days
    finally:
        await db.dispose()


async def test_stale_versions_are_refused(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db)
        async with db.read() as session:
            seen = (await repo.get_by_code(session, code)).version
        await _apply(db, code, "screen", Change(expected_version=seen))
        with pytest.raises(lifecycle.StaleVersion):
            await _apply(db, code, "note", Change(internal_note="x", expected_version=seen))
    finally:
        await db.dispose()


async def test_concurrent_writers_cannot_overwrite_each_other(db_url: str) -> None:
    """Two staff load the same petition, both save: the second save fails instead of winning."""
    db = await _setup(db_url)
    try:
        code = await _petition(db)
        async with db.read_sessionmaker() as first, db.read_sessionmaker() as second:
            a = await repo.get_by_code(first, code)
            b = await repo.get_by_code(second, code)
            first.expunge(a)  # detached with the version each of them saw
            second.expunge(b)
        async with db.write() as session:
            session.add(a)
            a.priority = True
        with pytest.raises(StaleDataError):
            async with db.write() as session:
                session.add(b)
                b.private = True
    finally:
        await db.dispose()


async def test_two_hundred_concurrent_petitions_get_distinct_codes(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        # A tiny code space forces collisions, so the retry path is exercised for real.
        import itertools
        import random

        rng = random.Random(7)
        space = [
            "".join(p) for p in itertools.islice(itertools.product("ABCDEFGHJK", repeat=3), 400)
        ]

        def small_code() -> str:
            return "ZZZZZ" + rng.choice(space)

        async def file(i: int) -> str:
            async with db.write() as session:
                petition = await repo.create_petition(
                    session,
                    now=NOW,
                    code_factory=small_code,
                    max_attempts=200,
                    commune_id=PROFILE.id,
                    category="khac",
                    content=f"Kiến nghị số {i}",
                    intake_channel="web",
                )
                return petition.code

        codes = await asyncio.gather(*(file(i) for i in range(200)))
        assert len(set(codes)) == 200
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(Petition)) == 200
    finally:
        await db.dispose()


def test_codes_are_unambiguous_and_typed_forgivingly() -> None:
    code = repo.new_code()
    assert len(code) == 8 and not set(code) & set("01OILUV")
    assert repo.normalize_code(f" kn-{code[:4].lower()} {code[4:]} ") == code
    assert repo.normalize_code("hello") is None
    assert repo.normalize_code("0000OOOO") is None


async def test_each_recipient_reads_the_notice_their_channel_can_act_on(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db, "web-user")
        async with db.write() as session:
            petition = await repo.get_by_code(session, code)
            zalo = await identities.get_or_create_identity(session, PROFILE.id, "zalo", "z1")
            await repo.add_follower(session, petition.id, zalo.id, NOW)
        await _apply(db, code, "screen")
        await _apply(db, code, "request_info", Change(public_note="Đoạn nào bị lún?"))
        async with db.read() as session:
            rows = (
                (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                .scalars()
                .all()
            )
        by = {(r.channel, r.body["meta"]["action"]): r.body for r in rows}
        # Every notice offers a next step; the follower is not told "your petition".
        screen = by[("zalo", "screen")]
        assert [b["payload"] for b in screen["buttons"]] == [f"ptrack:{code}", "cmd:menu"]
        # The web chat sends photos too (📷 on its page), so its question asks for them.
        assert "kèm ảnh" in by[("web", "request_info")]["text"]
        assert by[("web", "request_info")]["buttons"][0]["payload"] == f"pinfo:{code}"
    finally:
        await db.dispose()


async def test_reclassify_moves_category_village_and_routing(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db, village="thon-1")
        # giao-thong (kt-ns) → giao-duc-y-te, whose committee is vh-xh: the routing follows
        event = await _apply(
            db, code, "reclassify", Change(category="giao-duc-y-te", village="thon-2")
        )
        assert event.data["from_category"] == "giao-thong"
        assert event.data["from_village"] == "thon-1"
        async with db.read() as session:
            row = await repo.get_by_code(session, code)
            assert (row.category, row.committee, row.village) == (
                "giao-duc-y-te",
                "vh-xh",
                "thon-2",
            )
            assert row.status == "received"  # a correction, not a step of the lifecycle
            pushes = await session.scalar(select(func.count()).select_from(OutboxMessage))
            assert pushes == 0  # nothing to tell the citizen

        # a ban chosen by hand stays when only the category changes again
        await _apply(db, code, "assign", Change(committee="kt-ns"))
        await _apply(db, code, "reclassify", Change(category="khac"))
        async with db.read() as session:
            row = await repo.get_by_code(session, code)
            assert (row.category, row.committee) == ("khac", "kt-ns")
    finally:
        await db.dispose()


async def test_reclassify_refuses_unknown_or_unchanged_values(db_url: str) -> None:
    db = await _setup(db_url)
    try:
        code = await _petition(db, village="thon-1")
        for change in (
            Change(category="khong-co"),
            Change(village="thon-99"),
            Change(category="giao-thong", village="thon-1"),  # nothing would change
            Change(),
        ):
            with pytest.raises(lifecycle.InvalidChange):
                await _apply(db, code, "reclassify", change)
        async with db.read() as session:
            row = await repo.get_by_code(session, code)
            assert (row.category, row.village, row.version) == ("giao-thong", "thon-1", 1)
    finally:
        await db.dispose()
