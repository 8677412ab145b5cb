"""The staff JSON API for the knowledge base (shared/CONTRACTS.md, "Hand-off and knowledge
editing"): the entry fields of knowledge/README.md in and out.

``GET /staff/api/kb/entries`` lists every entry (``?q=`` searches, ``?origin=`` filters);
``GET …/{id}`` adds the preview and the audit trail. ``POST`` creates (409 if the id exists),
``PUT …/{id}`` creates or replaces — also over a bundled entry, which it then overrides. An
invalid entry is 400 with one message per field (``fields``) and nothing saved; a saved one is
answered by this process at once and by every other within seconds.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.runtime import Runtime
from bot.staff import kb_view
from bot.staff.api import api_route
from bot.staff.config import config
from bot.staff.forms import BadInput
from bot.staff.handoff_api import error, ok, read_json
from bot.staff.kb_pages import base_of, editor, entry_views
from bot.staff.roles import StaffUser
from handlers import kb_editing
from storage import kb_entries as repo

EXAMPLE = '{"id": "rac-thai", "topic": "…", "title": "…", "question": "…", "answer": "…"}'


def _joined(fields: dict[str, list[str]]) -> dict[str, str]:
    return {name: " ".join(messages) for name, messages in fields.items()}


async def _one(runtime: Runtime, entry_id: str) -> dict[str, Any] | None:
    view = next((v for v in await entry_views(runtime) if v.id == entry_id), None)
    if view is None:
        return None
    async with runtime.db.read() as session:
        changes = await repo.history(session, runtime.profile.id, entry_id)
    data = kb_view.view_json(view)
    entry = view.entry
    if entry is not None:
        reply = kb_editing.preview(runtime.texts, base_of(runtime), entry)
        data["preview"] = {"text": reply.text, "buttons": [b.to_dict() for b in reply.buttons]}
    data["history"] = kb_view.history_json(changes)
    return data


@api_route("kb")
async def list_entries(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    query = request.query.get("q", "")[:200]
    origin = request.query.get("origin", "")
    if origin and origin not in kb_view.ORIGINS:
        return error(400, "invalid", f"origin phải là một trong: {', '.join(kb_view.ORIGINS)}.")
    views = [
        v
        for v in await entry_views(runtime)
        if kb_view.matches(v, query) and (not origin or v.origin == origin)
    ]
    return ok({"entries": [kb_view.view_json(v) for v in views]})


@api_route("kb")
async def get_entry(request: web.Request) -> web.StreamResponse:
    found = await _one(config(request).runtime, request.match_info["entry_id"])
    if found is None:
        return error(404, "not_found", "Không có mục tri thức này.")
    return ok(found)


async def _save(request: web.Request, entry_id: str | None) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    user: StaffUser = request["staff_user"]
    try:
        body = await read_json(request, EXAMPLE)
    except BadInput as err:
        return error(400, "invalid", err.message)
    if entry_id is not None:
        given = body.get("id")
        if given is not None and given != entry_id:
            message = f"«id» trong nội dung ({str(given)[:60]}) khác mã trên đường dẫn."
            return error(400, "invalid", message, fields={"id": message})
        body = {**body, "id": entry_id}
    try:
        async with runtime.db.write() as session:
            row, checked = await kb_editing.save(
                session,
                texts=runtime.texts,
                commune_id=runtime.profile.id,
                base=base_of(runtime),
                raw=body,
                editor=editor(user),
                now=cfg.now(),
                creating=entry_id is None,
            )
    except kb_editing.EntryRefused as err:
        code = "exists" if err.status == 409 else "invalid"
        return error(err.status, code, err.message, fields=_joined(err.fields))
    assert runtime.knowledge is not None
    runtime.knowledge.refresh_soon()
    found = await _one(runtime, row.entry_id)
    return ok(
        {**(found or {}), "warnings": _joined(checked.warnings)},
        status=201 if entry_id is None else 200,
    )


@api_route("kb")
async def create_entry(request: web.Request) -> web.StreamResponse:
    return await _save(request, None)


@api_route("kb")
async def put_entry(request: web.Request) -> web.StreamResponse:
    return await _save(request, request.match_info["entry_id"])
