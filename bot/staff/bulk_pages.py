"""The inbox's bulk form: the ticked petitions, one action, and a page of what became of each."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict

from bot.staff import bulk
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.dates import parse_date
from bot.staff.forms import BadInput, field, note_field
from bot.staff.pages import error_page, render
from handlers.workflow import Change

BULK_ACTIONS = ("assign", "forward", "close")


def _change(form: MultiDict[str], action: str) -> Change:
    change = Change(public_note=note_field(form, "public_note", "Ghi chú gửi công dân"))
    change.committee = field(form, "committee", limit=40) or None
    if action == "assign" and not change.committee:
        raise BadInput("Hãy chọn ban để giao các kiến nghị đã chọn.")
    if action == "forward":
        change.forwarded_to = field(form, "forwarded_to", limit=200, label="Nơi nhận") or None
        change.forward_doc_no = field(form, "doc_no", limit=100, label="Số văn bản") or None
        change.due = parse_date(form.get("due", "")[:40], "Hạn trả lời")
    return change


@page("act")
async def bulk_submit(request: web.Request) -> web.StreamResponse:
    """Apply one action to the ticked petitions; each is reported on its own line."""
    runtime = config(request).runtime
    user = request["staff_user"]
    form = request["form"]
    action = form.get("bulk_action", "")
    try:
        if action not in BULK_ACTIONS:
            raise BadInput("Hãy chọn một thao tác: giao cho ban, chuyển cơ quan hoặc kết thúc.")
        if not form.getall("code", []):
            raise BadInput("Hãy đánh dấu ít nhất một kiến nghị trong hộp thư rồi làm lại.")
        codes = bulk.clean_codes(form.getall("code", []))
        versions = {}
        for code in codes:
            raw = form.get(f"version_{code}", "")
            if raw.isdigit() and len(raw) < 10:
                versions[code] = int(raw)
        change = _change(form, action)
        results = await bulk.apply_to_each(
            runtime, user, codes, None, change, versions, action=action
        )
    except BadInput as err:
        return error_page(request, 400, "Không thực hiện được", err.message)
    done = sum(1 for r in results if r["ok"])
    return render(
        request,
        "bulk_result.html",
        {"results": results, "done": done, "failed": len(results) - done, "action": action},
    )
