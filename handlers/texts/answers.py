"""How the bot words the matcher's decision (handlers.chat.answers)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map


class AnswerTexts(MessageSet, file="answers"):
    """The keys of answers.yaml and the fields each is filled with."""

    greeting: MsgMap = msg_map(keys=("hello", "thanks", "ack", "bye"))
    fallback: Msg = msg()
    foreign_prefix: Msg = msg()
    suggest: Msg = msg("choices")
    suggest_choice: Msg = msg("n", "title")
