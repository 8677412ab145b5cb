"""/thon (which village I live in) and /tatthongbao, /batthongbao (announcements off / on)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers import villages
from handlers.buttons import menu_button
from handlers.chat.intake_words import village_in_text
from handlers.context import Context
from handlers.payloads import Payload
from handlers.texts.villages import VillageTexts
from handlers.types import Button
from storage import reach


@dataclass(frozen=True)
class VillagePick(Payload, prefix="thon"):
    """A tap on one village under /thon."""

    village: str


async def _save(ctx: Context, village_id: str) -> None:
    t = VillageTexts.of(ctx.texts)
    if not await villages.remember(ctx.session, ctx.profile, ctx.identity, village_id, ctx.now):
        await cmd_village(ctx, "")
        return
    village = ctx.profile.village(village_id)
    assert village is not None
    ctx.reply(t.saved(village=village.name), buttons=[menu_button(ctx.texts)])


async def cmd_village(ctx: Context, args: str) -> None:
    """/thon [tên thôn]: remember it, or offer the villages as buttons."""
    t = VillageTexts.of(ctx.texts)
    named = village_in_text(ctx.profile, args) if args.strip() else None
    if named is not None:
        await _save(ctx, named.id)
        return
    prefs = await reach.prefs(ctx.session, ctx.identity.id)
    current = ctx.profile.village(prefs.village) if prefs and prefs.village else None
    text = t.ask(current=t.current(village=current.name) if current else "")
    buttons = [
        Button(text=v.name, payload=VillagePick(v.id).encode()) for v in ctx.profile.villages
    ]
    ctx.reply(text, buttons=buttons)


async def on_pick(ctx: Context, pick: VillagePick) -> None:
    await _save(ctx, pick.village)


async def cmd_off(ctx: Context, args: str) -> None:
    """/tatthongbao: no more announcements to this chat."""
    await villages.set_announcements(ctx.session, ctx.profile.id, ctx.identity.id, False, ctx.now)
    ctx.reply(VillageTexts.of(ctx.texts).turned_off(), buttons=[menu_button(ctx.texts)])


async def cmd_on(ctx: Context, args: str) -> None:
    """/batthongbao: announcements again."""
    await villages.set_announcements(ctx.session, ctx.profile.id, ctx.identity.id, True, ctx.now)
    ctx.reply(VillageTexts.of(ctx.texts).turned_on(), buttons=[menu_button(ctx.texts)])
