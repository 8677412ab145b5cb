"""The one wording path: the matcher's decision (``knowledge.Match``) → what the bot sends.

``replies_for`` is used by the chat (the intent handlers below) and by ``python -m bot ask``, so
the CLI prints exactly what a citizen would read: a confident answer with its link and action
buttons, a middle-band "did you mean" with up to three choices, a greeting, the offer to file a
petition, a short nod, or an honest fallback with a way to reach a person. Middle-band and
fallback messages are counted (normalised text only) so the digital team can grow the knowledge
base.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from handlers.buttons import human_button, main_menu_buttons, menu_button, petition_button
from handlers.capabilities import Capabilities
from handlers.chat import handoff, offer
from handlers.context import Context
from handlers.payloads import AskPayload, Command, EntryPayload
from handlers.texts import Texts
from handlers.texts.answers import AnswerTexts
from handlers.texts.chat import ChatTexts
from handlers.types import Button, Reply
from knowledge import Entry, KnowledgeBase, Match
from knowledge.normalize import fold

# An answer that tells the citizen to type a command gets that command as a button, and one that
# says `nhắn "tổ công nghệ số"` gets a button asking exactly that: pressing beats typing.
COMMAND_BUTTONS = (
    ("/kiennghi", "btn_petition", "kiennghi"),
    ("/tracuu", "btn_track", "tracuu"),
    ("/xoadulieu", "btn_erase_data", "xoadulieu"),
    ("/canbo", "btn_human", "canbo"),
)
_ASK_PHRASE = re.compile(r"nhắn\s+[\"“]([^\"”/\d]{2,40})[\"”]", re.I)
# A longer phrase reads as a sentence, not a thing to press (the limit dates from when these
# buttons had to fit Telegram's callback data; a long payload now travels as a digest).
MAX_ASK_PAYLOAD = 60
MAX_CHOICES = 3


def action_buttons(texts: Texts, answer: str) -> list[Button]:
    """Buttons for what the answer tells the citizen to type (commands, `nhắn "…"` phrases)."""
    chat = ChatTexts.of(texts)
    buttons = [
        Button(text=getattr(chat, label)(), payload=Command(command).encode())
        for typed, label, command in COMMAND_BUTTONS
        if re.search(re.escape(typed) + r"\b", answer)
    ]
    seen = set()
    for phrase in _ASK_PHRASE.findall(answer):
        phrase = " ".join(phrase.split())
        payload = AskPayload(phrase).encode()
        if phrase.lower() in seen or len(payload.encode("utf-8")) > MAX_ASK_PAYLOAD:
            continue
        seen.add(phrase.lower())
        label = chat.ask_button(phrase=phrase[0].upper() + phrase[1:])
        buttons.append(Button(text=label, payload=payload))
    return buttons


def answer_buttons(
    texts: Texts, answer: str, links: Sequence[Any], capabilities: Capabilities
) -> list[Button]:
    """Links first, then the actions the answer mentions, then the menu: one message's worth."""
    most = capabilities.max_buttons
    actions = action_buttons(texts, answer)[: most - 2]
    room = most - 1 - len(actions)
    buttons = [Button(text=link.text, url=link.url) for link in links][:room]
    return [*buttons, *actions, menu_button(texts)]


def entry_reply(
    texts: Texts, kb: KnowledgeBase, entry: Entry, capabilities: Capabilities
) -> Reply:
    """One knowledge-base entry with its link and action buttons."""
    answer = kb.render(entry)
    return Reply(
        answer,
        buttons=answer_buttons(texts, answer, entry.links, capabilities),
        meta={"topic": entry.topic, "entry_id": entry.id},
    )


def _suggestions(texts: Texts, kb: KnowledgeBase, match: Match, meta: dict) -> Reply:
    top = kb.get(match.entry_id) if match.entry_id else None
    titles = [top.title] if top is not None else []
    titles += [s.title for s in match.suggestions]
    t = AnswerTexts.of(texts)
    lines = "\n".join(t.suggest_choice(n=n, title=title) for n, title in enumerate(titles, 1))
    choices = [Button(text=top.title, payload=EntryPayload(top.id).encode())] if top else []
    choices += [
        Button(text=s.title, payload=EntryPayload(s.entry_id).encode()) for s in match.suggestions
    ]
    buttons = [*choices[:MAX_CHOICES], menu_button(texts)]
    return Reply(t.suggest(choices=lines), buttons=buttons, meta=meta)


def is_nod(match: Match, text: str) -> bool:
    """A thumbs-up, an "ok" or a lone "?" is no question: a short nod, not an apology."""
    return match.intent == "fallback" and not fold(text)


def replies_for(
    match: Match,
    text: str,
    *,
    texts: Texts,
    kb: KnowledgeBase,
    capabilities: Capabilities,
    offer_id: str = "",
) -> list[Reply]:
    """What the bot sends for ``match`` of the message ``text``."""
    t = AnswerTexts.of(texts)
    if match.intent == "faq":
        meta: dict[str, Any] = {
            "intent": "faq",
            "topic": match.topic,
            "score": round(match.score, 3),
        }
        if match.band == "suggest":
            return [_suggestions(texts, kb, match, meta)]
        meta["entry_id"] = match.entry_id
        buttons = answer_buttons(texts, match.answer, match.links, capabilities)
        return [Reply(match.answer, buttons=buttons, meta=meta)]
    if match.intent == "greeting":
        words = t.greeting.text(match.greeting_kind or "hello")
        return [Reply(words, buttons=main_menu_buttons(texts), meta={"intent": "greeting"})]
    if match.intent == "petition":
        return [offer.offer_reply(texts, match, offer_id)]
    if is_nod(match, text):
        nod = ChatTexts.of(texts).acknowledged()
        return [Reply(nod, buttons=main_menu_buttons(texts), meta={"intent": "ack"})]
    words = (t.foreign_prefix() if match.foreign else "") + t.fallback()
    buttons = [human_button(texts), petition_button(texts), menu_button(texts)]
    return [Reply(words, buttons=buttons, meta={"intent": "fallback"})]


def _send(ctx: Context, match: Match) -> None:
    ctx.replies += replies_for(
        match,
        ctx.inbound.clean_text,
        texts=ctx.texts,
        kb=ctx.services.kb,
        capabilities=ctx.capabilities,
    )


async def on_faq(ctx: Context, match: Match) -> None:
    """A knowledge-base answer, or in the middle band a choice of up to three entries."""
    _send(ctx, match)
    if match.band == "suggest":
        ctx.record_unanswered(
            match.normalized, "suggest", tuple(s.topic for s in match.suggestions)
        )
        handoff.remember_unanswered(ctx)


async def on_greeting(ctx: Context, match: Match) -> None:
    _send(ctx, match)


async def on_fallback(ctx: Context, match: Match) -> None:
    """No good answer: say so plainly and offer a person, a petition and the menu; a nod is not
    counted as unanswered."""
    _send(ctx, match)
    if not is_nod(match, ctx.inbound.clean_text):
        ctx.record_unanswered(match.normalized, "none")
        handoff.remember_unanswered(ctx)
