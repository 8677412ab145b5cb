"""The menu, help, buttons and the router's answers (stale button, cancel…)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map


class ChatTexts(MessageSet, file="chat"):
    """The keys of chat.yaml and the fields each is filled with."""

    btn_menu: Msg = msg()
    btn_cancel: Msg = msg()
    btn_skip: Msg = msg()
    btn_ask: Msg = msg()
    btn_petition: Msg = msg()
    btn_track: Msg = msg()
    btn_digital: Msg = msg()
    btn_human: Msg = msg()
    btn_erase_data: Msg = msg()
    btn_continue: Msg = msg()
    menu: Msg = msg()
    menu_short: Msg = msg()
    help: Msg = msg()
    ask_menu: Msg = msg()
    ask_more: Msg = msg()
    digital_menu: Msg = msg()
    ask_topics: MsgMap = msg_map()
    ask_more_topics: MsgMap = msg_map()
    digital_topics: MsgMap = msg_map()
    ask_button: Msg = msg("phrase")
    flow_cancelled: Msg = msg()
    flow_expired: Msg = msg()
    nothing_to_cancel: Msg = msg()
    stale_button: Msg = msg()
    flow_reminder: Msg = msg()
    flow_reminder_here: Msg = msg()
    nothing_to_resume: Msg = msg()
    unknown_command: Msg = msg("command")
    command_line: Msg = msg("command", "help")
    help_start: Msg = msg()
    help_help: Msg = msg()
    help_cancel: Msg = msg()
    empty_message: Msg = msg()
    unsupported_media: Msg = msg()
    acknowledged: Msg = msg()
