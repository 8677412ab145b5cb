"""The buttons every part of the conversation offers: the menu, the main menu, a person.

They take the message catalog rather than a context so the petition workflow (notifications)
and the chat flows word them the same way.
"""

from __future__ import annotations

from handlers.payloads import Command, MenuPage
from handlers.texts import Texts
from handlers.texts.chat import ChatTexts
from handlers.types import Button

HUMAN_TOPIC = "contact-human"  # the knowledge-base topic that says how to reach a person


def menu_button(texts: Texts) -> Button:
    return Button(text=ChatTexts.of(texts).btn_menu(), payload=Command("menu").encode())


def cancel_button(texts: Texts) -> Button:
    return Button(text=ChatTexts.of(texts).btn_cancel(), payload=Command("huy").encode())


def human_button(texts: Texts) -> Button:
    """ "☎ Gặp cán bộ": opens a live conversation with staff (/canbo)."""
    return Button(text=ChatTexts.of(texts).btn_human(), payload=Command("canbo").encode())


def petition_button(texts: Texts) -> Button:
    return Button(text=ChatTexts.of(texts).btn_petition(), payload=Command("kiennghi").encode())


def main_menu_buttons(texts: Texts) -> list[Button]:
    """The main menu's five choices."""
    chat = ChatTexts.of(texts)
    return [
        Button(text=chat.btn_ask(), payload=MenuPage("ask").encode()),
        petition_button(texts),
        Button(text=chat.btn_track(), payload=Command("tracuu").encode()),
        Button(text=chat.btn_digital(), payload=MenuPage("digital").encode()),
        human_button(texts),
    ]
