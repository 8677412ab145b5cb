"""Menu, help, FAQ answers, greetings and the fallback.

The FAQ answers come from the ``knowledge`` package; this module only decides how to present a
match: a confident answer with its link buttons, a middle-band "did you mean" with up to three
choices, or an honest fallback with a way to reach a person. Middle-band and fallback messages are
counted (normalised text only) so the digital team can grow the knowledge base.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from handlers import router, texts, typed_choices
from handlers.context import Context
from handlers.router import Registry, handle_text
from handlers.types import Button
from knowledge.intents import is_acknowledgement
from knowledge.normalize import fold

MAX_BUTTONS = 5
# An answer that tells the citizen to type a command gets that command as a button, and one that
# says `nhắn "tổ công nghệ số"` gets a button asking exactly that: pressing beats typing.
COMMAND_BUTTONS = (
    ("/kiennghi", texts.BTN_PETITION, "cmd:kiennghi"),
    ("/tracuu", texts.BTN_TRACK, "cmd:tracuu"),
    ("/xoadulieu", texts.BTN_ERASE_DATA, "cmd:xoadulieu"),
)
_ASK_PHRASE = re.compile(r"nhắn\s+[\"“]([^\"”/\d]{2,40})[\"”]", re.I)
MAX_ASK_PAYLOAD = 60  # Telegram carries at most 64 bytes of button data

ASK_TOPICS_1 = [
    ("VNeID", "vneid-register"),
    ("Căn cước", "can-cuoc-card"),
    ("Khai sinh", "birth-registration"),
    ("Cư trú", "residence-registration"),
    ("Nộp hồ sơ trực tuyến", "dvc-how-to"),
]
ASK_TOPICS_2 = [
    ("Đất đai", "land-procedures"),
    ("Bảo hiểm y tế", "health-insurance"),
    ("Trợ cấp xã hội", "social-allowance"),
    ("Giờ làm việc một cửa", "one-stop-office"),
    ("Lừa đảo qua mạng", "online-scam"),
]
DIGITAL_TOPICS = [
    ("Nghị quyết 57 là gì", "resolution-57"),
    ("Kế hoạch của xã", "commune-digital-plan"),
    ("Tổ công nghệ số", "community-digital-team"),
    ("Học kỹ năng số", "digital-literacy"),
    ("Thanh toán không tiền mặt", "cashless-payment"),
]


PETITION_WORDS = (
    r"(?:gửi|gui|viết|viet|làm|lam)?\s*(?:kiến\s*nghị|kien\s*nghi|phản\s*ánh|phan\s*anh)"
    r"(?:\s*,?\s*(?:phản\s*ánh|phan\s*anh|kiến\s*nghị|kien\s*nghi))?[.!]?"
)


def _fmt(ctx: Context, template: str) -> str:
    profile = ctx.profile
    return template.format(
        commune=profile.name,
        hotline=profile.hotline,
        office=f"{profile.office.name}, {profile.office.address}",
    )


def topic_buttons(pairs: list[tuple[str, str]]) -> list[Button]:
    return [Button(text=label, payload=f"topic:{topic}") for label, topic in pairs]


async def show_intro(ctx: Context) -> None:
    """The full introduction: a first contact (/start, following the Official Account)."""
    note = await _leave_flow(ctx)
    ctx.reply(note + _fmt(ctx, texts.MENU), buttons=texts.main_menu_buttons())


async def show_menu(ctx: Context, _args: str = "") -> None:
    """The menu; short for someone who has seen the introduction already."""
    if not ctx.state.message_count:
        await show_intro(ctx)
        return
    note = await _leave_flow(ctx)
    ctx.reply(note + _fmt(ctx, texts.MENU_SHORT), buttons=texts.main_menu_buttons())


async def _leave_flow(ctx: Context) -> str:
    """Asking for the menu in the middle of a flow: a flow that can pause does (its note is shown
    above the menu); any other keeps going and the router reminds the citizen of it."""
    flow = ctx.registry.flows.get(ctx.flow) if ctx.flow else None
    pause = getattr(flow, "on_menu", None)
    if pause is None:
        return ""
    note = await pause(ctx)
    return f"{note}\n\n" if note else ""


async def show_help(ctx: Context, _args: str = "") -> None:
    ctx.reply(_fmt(ctx, texts.HELP), buttons=texts.main_menu_buttons())


async def start(ctx: Context, args: str) -> None:
    """/start, optionally with a deep-link parameter such as a village QR code (``v_thon-1``)."""
    if args.startswith("v_"):
        village = ctx.profile.village(args[2:])
        if village is not None:
            ctx.remember("village", village.id)
    await show_intro(ctx)


async def on_menu_payload(ctx: Context, which: str) -> None:
    if which == "ask":
        ctx.reply(texts.ASK_MENU, buttons=topic_buttons(ASK_TOPICS_1))
        ctx.reply("Hoặc:", buttons=topic_buttons(ASK_TOPICS_2))
    elif which == "digital":
        ctx.reply(texts.DIGITAL_MENU, buttons=topic_buttons(DIGITAL_TOPICS))
    else:
        await show_menu(ctx)


def action_buttons(answer: str) -> list[Button]:
    """Buttons for what the answer tells the citizen to type (commands, `nhắn "…"` phrases)."""
    buttons = [
        Button(text=label, payload=payload)
        for command, label, payload in COMMAND_BUTTONS
        if re.search(re.escape(command) + r"\b", answer)
    ]
    seen = set()
    for phrase in _ASK_PHRASE.findall(answer):
        phrase = " ".join(phrase.split())
        payload = f"ask:{phrase}"
        if phrase.lower() in seen or len(payload.encode("utf-8")) > MAX_ASK_PAYLOAD:
            continue
        seen.add(phrase.lower())
        buttons.append(Button(text="💬 " + phrase[0].upper() + phrase[1:], payload=payload))
    return buttons


def answer_buttons(answer: str, links: Any) -> list[Button]:
    """Links first, then the actions the answer mentions, then the menu: at most five."""
    actions = action_buttons(answer)[: MAX_BUTTONS - 2]
    room = MAX_BUTTONS - 1 - len(actions)
    buttons = [Button(text=link.text, url=link.url) for link in links][:room]
    return [*buttons, *actions, texts.menu_button()]


def answer_entry(ctx: Context, entry: Any) -> None:
    """Send one knowledge-base entry with its link and action buttons."""
    answer = ctx.services.kb.render(entry)
    ctx.reply(
        answer,
        buttons=answer_buttons(answer, entry.links),
        meta={"topic": entry.topic, "entry_id": entry.id},
    )


async def on_ask_payload(ctx: Context, phrase: str) -> None:
    """ask:<phrase> — a button that asks what an answer told the citizen to type."""
    phrase = phrase.strip()
    if not phrase:
        ctx.reply(texts.STALE_BUTTON, buttons=texts.main_menu_buttons())
        return
    ctx.inbound = dataclasses.replace(ctx.inbound, text=phrase, payload=None)
    await handle_text(ctx)


async def on_faq_payload(ctx: Context, entry_id: str) -> None:
    entry = ctx.services.kb.get(entry_id)
    if entry is None:
        ctx.reply(texts.STALE_BUTTON, buttons=texts.main_menu_buttons())
        return
    answer_entry(ctx, entry)


async def on_topic_payload(ctx: Context, topic: str) -> None:
    entry = next(iter(ctx.services.kb.by_topic(topic)), None)
    if entry is None:
        ctx.reply(texts.STALE_BUTTON, buttons=texts.main_menu_buttons())
        return
    answer_entry(ctx, entry)


async def on_faq(ctx: Context, match: Any) -> None:
    """A knowledge-base answer, or in the middle band a choice of up to three entries."""
    kb = ctx.services.kb
    meta = {"intent": "faq", "topic": match.topic, "score": round(match.score, 3)}
    if match.band == "suggest":
        choices = []
        top = kb.get(match.entry_id) if match.entry_id else None
        if top is not None:
            choices.append(Button(text=top.title, payload=f"faq:{top.id}"))
        choices += [Button(text=s.title, payload=f"faq:{s.entry_id}") for s in match.suggestions]
        choices = choices[:3]
        ctx.reply(match.answer, buttons=[*choices, texts.menu_button()], meta=meta)
        ctx.record_unanswered(
            match.normalized, "suggest", tuple(s.topic for s in match.suggestions)
        )
        return
    meta["entry_id"] = match.entry_id
    ctx.reply(match.answer, buttons=answer_buttons(match.answer, match.links), meta=meta)


async def on_greeting(ctx: Context, match: Any) -> None:
    ctx.reply(match.answer, buttons=texts.main_menu_buttons(), meta={"intent": "greeting"})


async def on_fallback(ctx: Context, match: Any) -> None:
    """No good answer: say so plainly and offer a person, a petition and the menu.

    A thumbs-up, an "ok" or a lone "?" is no question: it gets a short nod and the menu, not an
    apology, and is not counted as unanswered.
    """
    raw = ctx.inbound.clean_text
    folded = fold(raw)
    # Punctuation or emoji alone folds to nothing; a worded nod is normally answered by the
    # matcher already (the same ``is_acknowledgement``), this catches it on any other path.
    if not folded or is_acknowledgement(folded, raw):
        ctx.reply(texts.ACKNOWLEDGED, buttons=texts.main_menu_buttons(), meta={"intent": "ack"})
        return
    buttons = [
        Button(text=texts.BTN_HUMAN, payload="topic:contact-human"),
        Button(text=texts.BTN_PETITION, payload="cmd:kiennghi"),
        texts.menu_button(),
    ]
    ctx.reply(match.answer, buttons=buttons, meta={"intent": "fallback"})
    ctx.record_unanswered(match.normalized, "none")


async def on_petition_intent(ctx: Context, match: Any) -> None:
    """The text reports a problem: offer to file it (the petitions package refines this)."""
    ctx.reply(
        match.answer,
        buttons=[Button(text=texts.BTN_PETITION, payload="cmd:kiennghi"), texts.menu_button()],
        meta={"intent": "petition"},
    )


async def on_follow(ctx: Context) -> None:
    """A user followed the Official Account: welcome them with the menu."""
    await show_intro(ctx)


async def on_unfollow(ctx: Context) -> None:
    """A user unfollowed: stop pushing to them until they write again."""
    ctx.identity.active = False
    ctx.identity.blocked_at = ctx.now


def register(registry: Registry) -> None:
    """Add this module's handlers to the registry."""
    registry.command("start", help_text="mở menu chính")(start)
    registry.command("tieptuc", "tiep")(router.resume)
    registry.command("menu")(show_menu)
    registry.command("help", "trogiup", "huongdan", help_text="hướng dẫn sử dụng")(show_help)
    registry.command_help["huy"] = "hủy việc đang làm dở"
    registry.trigger(r"(menu|/?menu chinh|menu chính)", "menu")
    # The main menu's words typed bare, as older users do: "gui kien nghi", "kiến nghị".
    registry.trigger(PETITION_WORDS, "kiennghi")
    registry.interceptors.append(typed_choices.typed_choice)
    registry.payloads["ask"] = on_ask_payload
    registry.payloads["menu"] = on_menu_payload
    registry.payloads["faq"] = on_faq_payload
    registry.payloads["topic"] = on_topic_payload
    registry.intents["faq"] = on_faq
    registry.intents["greeting"] = on_greeting
    registry.intents["fallback"] = on_fallback
    registry.intents["petition"] = on_petition_intent
    registry.events["follow"] = on_follow
    registry.events["unfollow"] = on_unfollow
