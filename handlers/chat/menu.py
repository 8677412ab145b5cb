"""The menu, help, the menu's topic pages and the buttons that show one knowledge entry.

Also the platform's follow/unfollow events: a new follower gets the introduction; one who left
is not pushed to until they write again.
"""

from __future__ import annotations

import dataclasses

from handlers.buttons import main_menu_buttons
from handlers.chat.answers import entry_reply
from handlers.chat.intake_place import VILLAGE
from handlers.context import Context
from handlers.payloads import AskPayload, EntryPayload, MenuPage, TopicPayload
from handlers.texts import TemplateMap
from handlers.texts.chat import ChatTexts
from handlers.types import Button

PETITION_WORDS = (
    # "tôi muốn gửi kiến nghị", "cho em gửi phản ánh ạ": a wish to file, not a question
    r"(?:(?:tôi|toi|em|cháu|chau|mình|minh|con|cho\s+(?:tôi|toi|em|cháu|chau|mình|minh))\s+)?"
    r"(?:(?:muốn|muon|cần|can|xin|định|dinh|sẽ|se)\s+)?"
    r"(?:gửi|gui|viết|viet|làm|lam)?\s*(?:kiến\s*nghị|kien\s*nghi|phản\s*ánh|phan\s*anh)"
    r"(?:\s*,?\s*(?:phản\s*ánh|phan\s*anh|kiến\s*nghị|kien\s*nghi))?(?:\s+(?:ạ|a))?[.!]?"
)
MENU_TRIGGER = r"(menu|/?menu chinh|menu chính)"


def topic_buttons(topics: TemplateMap) -> list[Button]:
    """One button per topic of a menu page (topic id → label, in chat.yaml)."""
    return [
        Button(text=label(), payload=TopicPayload(topic).encode())
        for topic, label in topics.items()
    ]


async def show_intro(ctx: Context) -> None:
    """The full introduction: a first contact (/start, following the Official Account)."""
    note = await _leave_flow(ctx)
    ctx.reply(note + ChatTexts.of(ctx.texts).menu(), buttons=main_menu_buttons(ctx.texts))


async def show_menu(ctx: Context, _args: str = "") -> None:
    """The menu; short for someone who has seen the introduction already."""
    if not ctx.state.message_count:
        await show_intro(ctx)
        return
    note = await _leave_flow(ctx)
    ctx.reply(note + ChatTexts.of(ctx.texts).menu_short(), buttons=main_menu_buttons(ctx.texts))


async def _leave_flow(ctx: Context) -> str:
    """Asking for the menu in the middle of a flow: a flow that can pause does (its note is shown
    above the menu); any other keeps going and the router reminds the citizen of it."""
    flow = ctx.active_flow
    if flow is None:
        return ""
    note = await flow.on_menu(ctx)
    return f"{note}\n\n" if note else ""


async def show_help(ctx: Context, _args: str = "") -> None:
    ctx.reply(ChatTexts.of(ctx.texts).help(), buttons=main_menu_buttons(ctx.texts))


async def start(ctx: Context, args: str) -> None:
    """/start, optionally with a deep-link parameter such as a village QR code (``v_thon-1``)."""
    if args.startswith("v_"):
        village = ctx.profile.village(args[2:])
        if village is not None:
            ctx.remember(VILLAGE, village.id)
    await show_intro(ctx)


async def on_menu_page(ctx: Context, press: MenuPage) -> None:
    chat = ChatTexts.of(ctx.texts)
    if press.page == "ask":
        ctx.reply(chat.ask_menu(), buttons=topic_buttons(chat.ask_topics))
        ctx.reply(chat.ask_more(), buttons=topic_buttons(chat.ask_more_topics))
    elif press.page == "digital":
        ctx.reply(chat.digital_menu(), buttons=topic_buttons(chat.digital_topics))
    else:
        await show_menu(ctx)


def _stale(ctx: Context) -> None:
    ctx.reply(ChatTexts.of(ctx.texts).stale_button(), buttons=main_menu_buttons(ctx.texts))


async def on_ask(ctx: Context, press: AskPayload) -> None:
    """ask:<phrase> — a button that asks what an answer told the citizen to type."""
    phrase = press.phrase.strip()
    if not phrase:
        _stale(ctx)
        return
    ctx.inbound = dataclasses.replace(ctx.inbound, text=phrase, payload=None)
    match = ctx.services.matcher.match(phrase)
    await ctx.routing.intent_handler(match.intent)(ctx, match)


async def on_entry(ctx: Context, press: EntryPayload) -> None:
    entry = ctx.services.kb.get(press.entry_id)
    if entry is None:
        _stale(ctx)
        return
    ctx.replies.append(entry_reply(ctx.texts, ctx.services.kb, entry, ctx.capabilities))


async def on_topic(ctx: Context, press: TopicPayload) -> None:
    entry = next(iter(ctx.services.kb.by_topic(press.topic)), None)
    if entry is None:
        _stale(ctx)
        return
    ctx.replies.append(entry_reply(ctx.texts, ctx.services.kb, entry, ctx.capabilities))


async def on_follow(ctx: Context) -> None:
    """A user followed the Official Account: welcome them with the menu."""
    await show_intro(ctx)


async def on_unfollow(ctx: Context) -> None:
    """A user unfollowed: stop pushing to them until they write again."""
    ctx.identity.active = False
    ctx.identity.blocked_at = ctx.now
