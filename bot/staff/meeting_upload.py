"""A meeting's list as an XLSX upload: the template, the preview, the confirmation.

The office downloads the template (one sheet, fixed header row), fills one opinion per row and
uploads it with the meeting's details. The preview shows every row with its problems in
Vietnamese; nothing is saved until the office confirms, and the confirmation posts the rows to
the grid's save with the file's SHA-256 as its key — the same file again creates nothing new.
Reading and writing workbooks (openpyxl) runs in a thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import zipfile
from typing import Any

from aiohttp import web
from multidict import MultiDict

from bot.staff.auth import csrf_ok, page
from bot.staff.config import config
from bot.staff.meeting_entry import FORM_FIELDS, _context, meeting_from_form
from bot.staff.pages import error_page, render
from bot.staff.roles import StaffUser
from handlers.council.meetings import (
    MAX_ROWS,
    MeetingRefused,
    Opinion,
    check_meeting,
    row_problems,
)
from handlers.workflow.calendar import vn_today
from knowledge.normalize import fold
from knowledge.profile import CommuneProfile
from storage import council as council_repo

SHEET = "Ý kiến cử tri"
HEADERS = (
    "STT",
    "Nội dung ý kiến",
    "Tóm tắt",
    "Lĩnh vực",
    "Thôn",
    "Họ tên",
    "Điện thoại",
    "Đồng ý lưu họ tên, điện thoại",
    "Người trả lời tại chỗ",
    "Nội dung trả lời tại chỗ",
)
MAX_FILE = 2 * 1024 * 1024
YES = {"co", "x", "1", "dong y", "yes", "true"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadError(ValueError):
    """The file cannot be read as the template; the message is Vietnamese."""


def template_bytes(profile: CommuneProfile) -> bytes:
    """The template: the opinions sheet and a sheet listing the categories and villages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJ", (6, 60, 40, 24, 14, 22, 16, 14, 24, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    lists = book.create_sheet("Danh mục")
    lists.append(("Lĩnh vực", "Thôn"))
    names = [c.name for c in profile.categories]
    villages = [v.name for v in profile.villages]
    for n in range(max(len(names), len(villages))):
        lists.append(
            (names[n] if n < len(names) else None, villages[n] if n < len(villages) else None)
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone(value: Any) -> str:
    text = _text(value)
    # Excel keeps a typed 0912345678 as the number 912345678
    return "0" + text if isinstance(value, int | float) and not text.startswith("0") else text


def parse_xlsx(data: bytes) -> list[Opinion]:
    """The template's rows as opinions (empty rows skipped); UploadError otherwise."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UploadError("Tệp tải lên không phải tệp Excel (.xlsx).") from None
    try:
        if SHEET not in book.sheetnames:
            raise UploadError(
                f"Tệp không theo mẫu: không có trang «{SHEET}». Hãy tải mẫu ở trang này."
            )
        rows = book[SHEET].iter_rows(values_only=True)
        header = tuple(_text(v) for v in next(rows, ()))[: len(HEADERS)]
        if header != HEADERS:
            raise UploadError(
                "Tệp không theo mẫu: dòng tiêu đề khác mẫu. Hãy tải mẫu ở trang này."
            )
        opinions = []
        for values in rows:
            cells = list(values[: len(HEADERS)]) + [None] * (len(HEADERS) - len(values))
            if not any(_text(v) for v in cells[1:]):
                continue
            if len(opinions) == MAX_ROWS:
                raise UploadError(
                    f"Tệp có hơn {MAX_ROWS} ý kiến; một hội nghị nhập tối đa {MAX_ROWS} ý kiến "
                    "mỗi lần. Chưa có gì được lưu."
                )
            _, content, summary, category, village, name, phone, consent, by, answer = cells
            opinions.append(
                Opinion(
                    content=_text(content),
                    summary=_text(summary),
                    category=_text(category),
                    village=_text(village),
                    name=_text(name),
                    phone=_phone(phone),
                    consent=fold(_text(consent)) in YES,
                    spot_by=_text(by),
                    spot_answer=_text(answer),
                )
            )
        if not opinions:
            raise UploadError("Tệp chưa có ý kiến nào (từ dòng 2 trở đi).")
        return opinions
    finally:
        book.close()


@page("council")
async def template(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    data = await asyncio.to_thread(template_bytes, runtime.profile)
    return web.Response(
        body=data,
        content_type=XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="mau-y-kien-hoi-nghi.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@page("council")
async def upload_form(request: web.Request) -> web.StreamResponse:
    values: dict[str, Any] = dict.fromkeys(FORM_FIELDS, "")
    values.update(kind="voter_meeting", villages=[], session=request.query.get("session", ""))
    context = await _context(request, values)
    context.update(preview=None, problem="", seen=None)
    return render(request, "meeting_upload.html", context)


async def _read_upload(request: web.Request) -> tuple[MultiDict[str], bytes]:
    form: MultiDict[str] = MultiDict()
    data = b""
    reader = await request.multipart()
    async for part in reader:
        if part.name == "file":
            chunks, total = [], 0
            while chunk := await part.read_chunk(64 * 1024):
                total += len(chunk)
                if total > MAX_FILE:
                    raise UploadError("Tệp lớn quá 2 MB; một hội nghị không cần tệp lớn như vậy.")
                chunks.append(chunk)
            data = b"".join(chunks)
        elif part.name and len(form) < 100:
            form.add(part.name, (await part.text())[:5000])
    return form, data


@page("council", multipart=True)
async def preview(request: web.Request) -> web.StreamResponse:
    """Every row of the uploaded list with its problems; the confirmation when there are none."""
    runtime = config(request).runtime
    user: StaffUser = request["staff_user"]
    if not request.content_type.startswith("multipart/"):
        return error_page(
            request, 400, "Chưa chọn tệp", "Hãy chọn tệp Excel theo mẫu rồi tải lên."
        )
    try:
        form, data = await _read_upload(request)
    except UploadError as err:
        return error_page(request, 400, "Không đọc được tệp", str(err))
    if not csrf_ok(user.csrf, form.get("_csrf", "")):
        return error_page(request, 403, "Biểu mẫu không hợp lệ", "Hãy tải lại trang rồi thử lại.")
    values: dict[str, Any] = {k: form.get(k, "") for k in FORM_FIELDS}
    values["villages"] = form.getall("villages", [])
    problem, rows, problems, meeting_errors, seen = "", [], [], [], None
    try:
        if not data:
            raise UploadError("Hãy chọn tệp Excel theo mẫu rồi tải lên.")
        rows = await asyncio.to_thread(parse_xlsx, data)
    except UploadError as err:
        problem = str(err)
    key = "xlsx-" + hashlib.sha256(data).hexdigest()[:40]
    values["key"] = key
    if rows:
        async with runtime.db.read() as session:
            seen = await council_repo.meeting_by_key(session, runtime.profile.id, key)
        problems = row_problems(runtime.profile, runtime.texts, rows, values["villages"])
        try:
            check_meeting(
                runtime.profile,
                runtime.texts,
                meeting_from_form(form, []),
                vn_today(runtime.clock()),
            )
        except MeetingRefused as err:  # the meeting's own fields (rows are checked above)
            meeting_errors = [e for e in err.errors if "ý kiến" not in e.lower()]
    context = await _context(request, values)
    context.update(
        problem=problem,
        seen=seen,
        meeting_errors=meeting_errors,
        preview=[{"row": r, "problems": p} for r, p in zip(rows, problems, strict=True)],
        ok=bool(rows) and not meeting_errors and not any(problems) and seen is None,
    )
    status = 200 if context["ok"] or seen is not None else 400
    return render(request, "meeting_upload.html", context, status=status)
