"""The knowledge-base editor for the digital team and admins ("Nội dung hỏi đáp").

List and search every entry (bundled, ``KNOWLEDGE_DIR``, stored); create one — from a gap or a
closed hand-off the question comes pre-filled —, edit, disable or override a bundled one. The
checks are ``kb check``'s, shown beside each field; "Xem trước" shows the answer as a citizen
would read it, placeholders filled from the profile. A saved entry is answered by this process
at once and by every other within seconds (``bot.knowledge_sync``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from bot.runtime import Runtime
from bot.staff import kb_view
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.pages import PREFIX, error_page, redirect, render
from bot.staff.roles import StaffUser
from handlers import kb_editing
from handlers.workflow.calendar import vn_today
from storage import kb_entries as repo

MAX_QUERY = 200


def _user(request: web.Request) -> StaffUser:
    return request["staff_user"]


def editor(user: StaffUser) -> kb_editing.Editor:
    return kb_editing.Editor(user.id, user.label)


def base_of(runtime: Runtime) -> Any:
    assert runtime.knowledge is not None
    return runtime.knowledge.base


async def entry_views(runtime: Runtime) -> list[kb_view.EntryView]:
    async with runtime.db.read() as session:
        rows = await repo.entries(session, runtime.profile.id)
    return kb_view.views(base_of(runtime), rows, runtime.clock().date())


@page("kb")
async def list_page(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    query = request.query.get("q", "")[:MAX_QUERY]
    origin = request.query.get("origin", "")
    items = [
        v
        for v in await entry_views(runtime)
        if kb_view.matches(v, query) and (not origin or v.origin == origin)
    ]
    topics = runtime.kb.topics
    return render(
        request,
        "kb_list.html",
        {
            "items": items,
            "q": query,
            "origin": origin if origin in kb_view.ORIGINS else "",
            "origins": kb_view.ORIGINS,
            "topics": topics,
            "done": request.query.get("done", ""),
        },
    )


def _form_context(
    request: web.Request,
    form: dict[str, str],
    *,
    creating: bool,
    view: kb_view.EntryView | None = None,
    checked: kb_editing.Checked | None = None,
    error: str = "",
    history: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    runtime = config(request).runtime
    preview = None
    if checked is not None and checked.entry is not None and not checked.disabled:
        preview = kb_editing.preview(runtime.texts, base_of(runtime), checked.entry)
    return {
        "form": form,
        "creating": creating,
        "view": view,
        "errors": checked.errors if checked is not None else {},
        "warnings": checked.warnings if checked is not None else {},
        "preview": preview,
        "error": error,
        "topics": runtime.kb.topics,
        "labels": kb_view.FIELD_LABELS,
        "history": history or [],
        "done": request.query.get("done", ""),
    }


@page("kb")
async def new_page(request: web.Request) -> web.StreamResponse:
    """A blank entry; ``?question=`` (from a gap or a hand-off) fills the question and a phrasing,
    and the topic the bot would guess."""
    runtime = config(request).runtime
    question = request.query.get("question", "")[:500].strip()
    form = kb_view.form_from({"reviewed": vn_today(config(request).now()).isoformat()})
    if question:
        form["question"] = question
        form["phrasings"] = question
        guess = runtime.matcher.match(question)
        form["topic"] = guess.topic or ""
    return render(request, "kb_edit.html", _form_context(request, form, creating=True))


async def _history(runtime: Runtime, entry_id: str) -> list[dict[str, Any]]:
    async with runtime.db.read() as session:
        changes = await repo.history(session, runtime.profile.id, entry_id)
    return kb_view.changes_view(changes)


async def _find(runtime: Runtime, entry_id: str) -> kb_view.EntryView | None:
    return next((v for v in await entry_views(runtime) if v.id == entry_id), None)


@page("kb")
async def edit_page(request: web.Request) -> web.StreamResponse:
    runtime = config(request).runtime
    entry_id = request.match_info["entry_id"]
    found = await _find(runtime, entry_id)
    if found is None:
        return error_page(
            request, 404, "Không tìm thấy", f"Không có mục tri thức mã «{entry_id[:60]}»."
        )
    fields = kb_view.view_json(found)
    form = kb_view.form_from(fields)
    checked = kb_editing.check(
        {**kb_view.raw_from_form(form), "id": found.id},
        base_of(runtime),
        config(request).now().date(),
    )
    ctx = _form_context(
        request,
        form,
        creating=False,
        view=found,
        checked=checked,
        history=await _history(runtime, entry_id),
    )
    return render(request, "kb_edit.html", ctx)


async def _submit(request: web.Request, entry_id: str | None) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    form: MultiDict[str] = request["form"]
    values = {
        k: form.get(k, "")
        for k in (
            "id",
            "topic",
            "title",
            "question",
            "phrasings",
            "keywords",
            "answer",
            "links",
            "source",
            "reviewed",
        )
    }
    if entry_id is not None:
        values["id"] = entry_id
    raw = kb_view.raw_from_form(values)
    creating = entry_id is None
    view = await _find(runtime, entry_id) if entry_id else None
    history = await _history(runtime, entry_id) if entry_id else []
    if form.get("do") == "preview":
        checked = kb_editing.check(raw, base_of(runtime), cfg.now().date())
        ctx = _form_context(
            request, values, creating=creating, view=view, checked=checked, history=history
        )
        return render(request, "kb_edit.html", ctx)
    try:
        async with runtime.db.write() as session:
            await kb_editing.save(
                session,
                texts=runtime.texts,
                commune_id=runtime.profile.id,
                base=base_of(runtime),
                raw=raw,
                editor=editor(_user(request)),
                now=cfg.now(),
                creating=creating,
            )
    except kb_editing.EntryRefused as err:
        checked = kb_editing.check(raw, base_of(runtime), cfg.now().date())
        checked = kb_editing.Checked(
            checked.entry,
            {**checked.errors, **err.fields},
            checked.warnings,
            checked.fields,
            checked.disabled,
        )
        ctx = _form_context(
            request,
            values,
            creating=creating,
            view=view,
            checked=checked,
            error=err.message,
            history=history,
        )
        return render(request, "kb_edit.html", ctx, status=err.status)
    assert runtime.knowledge is not None
    runtime.knowledge.refresh_soon()
    return redirect(f"{PREFIX}/kb/{raw['id']}?done=saved")


@page("kb")
async def create(request: web.Request) -> web.StreamResponse:
    return await _submit(request, None)


@page("kb")
async def save(request: web.Request) -> web.StreamResponse:
    return await _submit(request, request.match_info["entry_id"])


async def _toggle(request: web.Request, disabled: bool) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    entry_id = request.match_info["entry_id"]
    try:
        async with runtime.db.write() as session:
            await kb_editing.set_disabled(
                session,
                texts=runtime.texts,
                commune_id=runtime.profile.id,
                base=base_of(runtime),
                entry_id=entry_id,
                disabled=disabled,
                editor=editor(_user(request)),
                now=cfg.now(),
            )
    except kb_editing.EntryRefused as err:
        return error_page(request, err.status, "Không lưu được", err.message)
    assert runtime.knowledge is not None
    runtime.knowledge.refresh_soon()
    return redirect(f"{PREFIX}/kb/{entry_id}?done={'disabled' if disabled else 'enabled'}")


@page("kb")
async def disable(request: web.Request) -> web.StreamResponse:
    return await _toggle(request, True)


@page("kb")
async def enable(request: web.Request) -> web.StreamResponse:
    return await _toggle(request, False)
