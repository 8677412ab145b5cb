"""``GET /files/{token}``: a file the council gave a citizen (the UBND's written answer).

The link is the capability: a random 256-bit token, made only for files marked ``shared``. A
citizen's own uploads are never reachable here; staff see them through the petition's attachment
route, which checks the role. Every file is served as an inert download (no sniffing, no script).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from aiohttp import web

from bot.keys import RUNTIME
from storage import files as file_store
from storage.models import StoredFile

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
INLINE_MIMES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


def file_response(row: StoredFile, *, cache: str = "private, max-age=3600") -> web.Response:
    """The file as a download the browser will not execute (shared by staff routes too)."""
    inline = row.mime in INLINE_MIMES
    disposition = "inline" if inline else "attachment"
    name = row.name or f"tep.{row.kind}"
    return web.Response(
        body=row.data,
        content_type=row.mime,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": cache,
            "X-Content-Type-Options": "nosniff",
        },
    )


async def get_shared_file(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    if not TOKEN_RE.fullmatch(token):
        raise web.HTTPNotFound(text="Không tìm thấy tệp.")
    runtime = request.app[RUNTIME]
    async with runtime.db.read() as session:
        row = await file_store.shared_file(session, token)
    if row is None:
        raise web.HTTPNotFound(text="Không tìm thấy tệp (đường dẫn sai hoặc tệp đã bị xóa).")
    return file_response(row)


def file_url(public_base: str, row: StoredFile) -> str:
    """The link a citizen receives for a shared file."""
    return f"{public_base.rstrip('/')}/files/{row.token}"


def setup(app: web.Application) -> None:
    app.router.add_get("/files/{token}", get_shared_file)
