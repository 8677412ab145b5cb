"""The inbox: filters, accent-insensitive search, pagination, counts per status, scoping."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aiohttp.test_utils import TestServer

from storage import petitions as repo
from tests.staff.helpers import make_account, make_petition, signed_in

ROW_RE = re.compile(r'<td data-label="Mã"><a class="code" href="/staff/petitions/(\w+)">')


def codes(html: str) -> list[str]:
    return ROW_RE.findall(html)


async def _set(runtime: Any, code: str, **fields: Any) -> None:
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        for name, value in fields.items():
            setattr(petition, name, value)


async def test_filters_each_narrow_the_list(runtime: Any, server: TestServer, clock: Any) -> None:
    now = clock()
    road = await make_petition(runtime, village="thon-1")
    school = await make_petition(
        runtime,
        content="Trường mầm non thôn 2 thiếu giáo viên",
        category="giao-duc-y-te",
        committee="vh-xh",
        village="thon-2",
        intake_channel="voter_meeting",
    )
    old = await make_petition(
        runtime, content="Cống thoát nước bị tắc", now=now - dt.timedelta(days=40)
    )
    late = await make_petition(runtime, content="Cầu tràn thôn 5 bị sạt")
    soon = await make_petition(runtime, content="Đèn đường thôn 6 không sáng")
    today = dt.date(2026, 11, 16)
    await _set(runtime, late, status="forwarded", due_date=today - dt.timedelta(days=3))
    await _set(runtime, soon, status="forwarded", due_date=today + dt.timedelta(days=1))
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:

        async def listed(query: str) -> list[str]:
            response = await agent.get(f"/staff/petitions?{query}")
            assert response.status == 200, agent.last_html[:300]
            return codes(agent.last_html)

        assert set(await listed("")) == {road, school, old, late, soon}
        assert await listed("category=giao-duc-y-te") == [school]
        assert await listed("committee=vh-xh") == [school]
        assert await listed("village=thon-1") == [road]
        assert await listed("channel=voter_meeting") == [school]
        assert await listed("status=forwarded") == [soon, late]
        assert await listed("flag=overdue") == [late]
        assert await listed("flag=nearly") == [soon]
        assert old not in await listed("from=2026-11-01")
        assert await listed("to=2026-10-31") == [old]
        assert await listed("from=01%2F10%2F2026&to=15%2F10%2F2026") == [old]  # dd/mm/yyyy
        # Overdue rows are marked in the list.
        await agent.get("/staff/petitions?flag=overdue")
        assert 'class="row-overdue"' in agent.last_html and "Quá hạn" in agent.last_html
    finally:
        await agent.close()


async def test_search_ignores_accents_and_finds_codes(runtime: Any, server: TestServer) -> None:
    match = await make_petition(runtime, content="Đường liên thôn bị sụt lún nghiêm trọng")
    other = await make_petition(runtime, content="Xin lắp thêm đèn chiếu sáng")
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        for query in ("sut lun", "SỤT LÚN", "Sụt lún", "duong sut"):
            await agent.get(f"/staff/petitions?q={query}")
            assert codes(agent.last_html) == [match], query
        await agent.get(f"/staff/petitions?q={other.lower()}")
        assert codes(agent.last_html) == [other]
    finally:
        await agent.close()


async def test_pagination_and_counts_per_status(runtime: Any, server: TestServer) -> None:
    created = [
        await make_petition(runtime, content=f"Kiến nghị số {i} về đường") for i in range(27)
    ]
    await _set(runtime, created[0], status="screening")
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        await agent.get("/staff/petitions")
        first = codes(agent.last_html)
        assert len(first) == 25 and "trang 1/2" in agent.last_html
        assert re.search(r'data-status="received">Đã tiếp nhận <b>26</b>', agent.last_html)
        assert re.search(r'data-status="screening">Đang xem xét <b>1</b>', agent.last_html)
        await agent.get("/staff/petitions?page=2")
        second = codes(agent.last_html)
        assert len(second) == 2 and not set(first) & set(second)
        assert set(first) | set(second) == set(created)
    finally:
        await agent.close()


async def test_bad_filters_get_a_clear_message(runtime: Any, server: TestServer) -> None:
    code = await make_petition(runtime)
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        response = await agent.get("/staff/petitions?from=2026-13-45&status=bogus")
        assert response.status == 400
        assert "Từ ngày «2026-13-45» không hợp lệ" in agent.last_html
        assert "Trạng thái «bogus» không có" in agent.last_html
        assert codes(agent.last_html) == [code]  # the bad filters were ignored, not guessed
    finally:
        await agent.close()


async def test_a_committee_sees_only_its_own_petitions(runtime: Any, server: TestServer) -> None:
    ours = await make_petition(runtime, committee="kt-ns")
    theirs = await make_petition(runtime, committee="vh-xh", content="Trạm y tế thiếu thuốc")
    unassigned = await make_petition(runtime, committee=None, content="Việc chưa giao ban nào")
    member = await make_account(runtime, "committee", committee="kt-ns")
    agent = await signed_in(server, member.username)
    try:
        await agent.get("/staff/petitions")
        assert codes(agent.last_html) == [ours]
        await agent.get("/staff/petitions?committee=vh-xh")  # cannot widen the scope
        assert codes(agent.last_html) == [ours]
        for code in (theirs, unassigned):
            response = await agent.get(f"/staff/petitions/{code}")
            assert response.status == 403 and "ban khác" in agent.last_html
    finally:
        await agent.close()
