"""Dates on the dashboard are dd/mm/yyyy everywhere — shown and typed, whatever the browser's
language — and the timeline names who wrote a note (the citizen's added information is not a
message "to the citizen")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aiohttp.test_utils import TestServer

from bot.staff.dates import fmt_day, iso_day
from storage.models import PetitionEvent
from tests.staff.helpers import make_account, make_petition, petition_row, signed_in

DATE_INPUT_RE = re.compile(r"<input[^>]*name=\"(?:due|from|to|reviewed)\"[^>]*>")


def test_days_read_and_written_as_dd_mm_yyyy() -> None:
    assert fmt_day("2026-12-07") == "07/12/2026"
    assert fmt_day(dt.date(2027, 2, 5)) == "05/02/2027"
    assert fmt_day("7/12/2026") == "07/12/2026"
    assert fmt_day("") == "" and fmt_day("hôm qua") == "hôm qua"
    assert iso_day("07/12/2026") == "2026-12-07" and iso_day("2026-12-07") == "2026-12-07"


def _date_inputs(html: str) -> list[str]:
    found = DATE_INPUT_RE.findall(html)
    assert found, html[:300]
    for tag in found:  # a text input: the browser's language cannot turn it into mm/dd/yyyy
        assert 'type="text"' in tag and 'placeholder="dd/mm/yyyy"' in tag, tag
        assert 'type="date"' not in tag
    return found


async def test_the_forward_form_takes_dd_mm_yyyy_and_the_timeline_shows_it(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(runtime)
    office = await make_account(runtime, "office", full_name="Nguyễn Thị Lan")
    agent = await signed_in(server, office.username)
    try:
        await agent.get(f"/staff/petitions/{code}")
        assert any('value="08/12/2026"' in tag for tag in _date_inputs(agent.last_html))
        assert (await agent.act(code, "screen", public_note="Đã nhận.")).status == 303
        response = await agent.act(code, "forward", forwarded_to="UBND xã", due="20/12/2026")
        assert response.status == 303
        assert (await petition_row(runtime, code)).due_date == dt.date(2026, 12, 20)

        await agent.get(f"/staff/petitions/{code}")
        timeline = agent.last_html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
        assert "hạn 20/12/2026" in timeline
        assert not re.search(r"\d{4}-\d{2}-\d{2}", timeline), timeline

        await agent.get("/staff/petitions?from=2026-11-01&to=30/11/2026")
        shown = _date_inputs(agent.last_html)
        assert any('value="01/11/2026"' in tag for tag in shown)
        assert any('value="30/11/2026"' in tag for tag in shown)
        await agent.get("/staff/reports?period=custom&from=2026-11-01&to=2026-11-30")
        assert any('value="01/11/2026"' in tag for tag in _date_inputs(agent.last_html))
    finally:
        await agent.close()


async def test_the_citizens_added_information_is_labelled_as_theirs(
    runtime: Any, server: TestServer
) -> None:
    code = await make_petition(runtime)
    row = await petition_row(runtime, code)
    async with runtime.db.write() as session:
        session.add(
            PetitionEvent(
                petition_id=row.id,
                at=runtime.clock(),
                actor_kind="citizen",
                action="info_received",
                from_status="needs_info",
                to_status="screening",
                public_note="Đoạn sụt lún ở gần cầu Đá, trước nhà số 12.",
            )
        )
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        assert (
            await agent.act(code, "screen", public_note="Đã nhận, đang xem xét.")
        ).status == 303
        await agent.get(f"/staff/petitions/{code}")
        html = agent.last_html
        assert '<span class="tag">Công dân bổ sung</span> Đoạn sụt lún ở gần cầu Đá' in html
        assert '<span class="tag">Gửi công dân</span> Đã nhận, đang xem xét.' in html
    finally:
        await agent.close()
