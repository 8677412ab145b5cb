"""The council pages over HTTP: the petition's council card (summary, session, grouping offered
beside similar petitions), the grid's refusals, a double submit, and the session page."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from storage.models import CouncilMeeting, Petition
from tests.staff.helpers import make_account, make_petition, petition_row, signed_in

ROAD = "Đường liên thôn 3 bị sụt lún nặng, xe máy đi rất nguy hiểm vào ban đêm"


async def _count(runtime: Any, model: Any) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_card_groups_a_similar_petition_and_keeps_the_citizens_words(
    runtime: Any, server: TestServer, agents: list
) -> None:
    first = await make_petition(runtime, content=ROAD)
    second = await make_petition(runtime, content=ROAD + " cần sửa gấp", user="citizen-2")
    account = await make_account(runtime, "office")
    office = await signed_in(server, account.username)
    agents.append(office)
    response = await office.get(f"/staff/petitions/{second}")
    assert response.status == 200
    html = office.last_html
    assert "Kỳ họp thứ" in html  # the profile's session, by default
    assert f'name="group_with" value="{first}"' in html  # offered beside the similar petition

    response = await office.form(f"/staff/petitions/{second}/council", {"group_with": first})
    assert response.status == 303
    response = await office.form(
        f"/staff/petitions/{second}/council", {"summary": "Sửa đường liên thôn 3 bị sụt lún."}
    )
    assert response.status == 303
    row = await petition_row(runtime, second)
    lead = await petition_row(runtime, first)
    assert row.group_id == lead.id
    assert row.summary == "Sửa đường liên thôn 3 bị sụt lún."
    assert row.content == ROAD + " cần sửa gấp"
    await office.get(f"/staff/petitions/{first}")
    assert "Cùng nhóm ý kiến (2 lượt cử tri)" in office.last_html
    assert "Gộp ý kiến trùng" in office.last_html or "Gộp" in office.last_html

    response = await office.form(f"/staff/petitions/{first}/council", {"group_with": first})
    assert response.status == 400
    assert "chính nó" in office.last_html


async def test_the_grid_refuses_bad_rows_and_a_double_submit_creates_nothing(
    runtime: Any, server: TestServer, agents: list
) -> None:
    account = await make_account(runtime, "office")
    office = await signed_in(server, account.username)
    agents.append(office)
    response = await office.get("/staff/meetings/new")
    assert response.status == 200
    key = re.search(r'name="key" value="([^"]+)"', office.last_html).group(1)
    bad = {
        "kind": "voter_meeting",
        "date": "2026-11-12",
        "villages": "thon-1",
        "key": key,
        "r-1-content": "Đèn đường ngõ 5 hỏng",
        "r-2-summary": "thiếu nội dung",
        "r-3-content": "Mương thoát nước tắc",
        "r-3-phone": "abc",
    }
    response = await office.form("/staff/meetings", bad)
    assert response.status == 400
    assert "Ý kiến dòng 2: chưa có nội dung ý kiến." in office.last_html
    assert "abc" in office.last_html and "Mương thoát nước tắc" in office.last_html
    assert await _count(runtime, Petition) == 0

    good = {k: v for k, v in bad.items() if not k.startswith(("r-2", "r-3"))}
    for _ in range(2):  # the second submit (a double click) finds the first
        response = await office.form("/staff/meetings", good)
        assert response.status == 303
        assert re.search(r"/staff/meetings/\d+\?created=1$", response.headers["Location"])
    assert await _count(runtime, Petition) == 1
    assert await _count(runtime, CouncilMeeting) == 1
    response = await office.get(response.headers["Location"])
    assert "Đèn đường ngõ 5 hỏng" in office.last_html

    response = await office.get("/staff/sessions")
    assert response.status == 200 and "Kỳ họp thứ" in office.last_html
    viewer = await signed_in(server, (await make_account(runtime, "viewer")).username)
    agents.append(viewer)
    response = await viewer.get("/staff/meetings/new")
    assert response.status == 403


async def test_the_category_suggestion_follows_similar_petitions(
    runtime: Any, server: TestServer, agents: list
) -> None:
    office = await signed_in(server, (await make_account(runtime, "office")).username)
    agents.append(office)
    response = await office.get("/staff/meetings/suggest?text=Đường liên thôn bị sụt lún")
    assert (await response.json())["category"] == "giao-thong"  # the category's own words
    await make_petition(
        runtime,
        content="Bóng đèn đường ngõ 5 thôn 2 bị hỏng, buổi tối tối om",
        category="dien-nuoc",
    )
    response = await office.get("/staff/meetings/suggest?text=Đèn đường ngõ 5 thôn 2 bị hỏng")
    assert (await response.json())["category"] == "dien-nuoc"  # as staff classified the like
