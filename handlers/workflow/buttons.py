"""The buttons under petition messages, and their payloads (one prefix, one meaning each).

Notifications (``notify``) and the chat flows (``handlers.chat``) both offer them; the chat
registers the handlers.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.payloads import Payload
from handlers.texts import Texts
from handlers.texts.intake import IntakeTexts
from handlers.texts.notifications import NotificationTexts
from handlers.types import Button


@dataclass(frozen=True)
class Track(Payload, prefix="ptrack"):
    """Shows one petition's status: ``ptrack:<code>``."""

    code: str


@dataclass(frozen=True)
class AnswerQuestion(Payload, prefix="pinfo"):
    """The submitter answers the council's question: ``pinfo:<code>``."""

    code: str


@dataclass(frozen=True)
class Rating(Payload, prefix="psat"):
    """Was the answer enough? ``psat:<code>:yes|no``."""

    code: str
    choice: str

    def answers(self) -> str | None:
        return self.choice if self.choice in ("yes", "no") else None


def track_button(texts: Texts, code: str) -> Button:
    return Button(text=IntakeTexts.of(texts).btn_track_this(), payload=Track(code).encode())


def rating_buttons(texts: Texts, code: str) -> list[Button]:
    """ "Resolved?" under an answer: in its notification and in the status shown in chat."""
    t = NotificationTexts.of(texts)
    return [
        Button(text=t.btn_resolved(), payload=Rating(code, "yes").encode()),
        Button(text=t.btn_not_resolved(), payload=Rating(code, "no").encode()),
    ]


def question_button(texts: Texts, code: str) -> Button:
    t = NotificationTexts.of(texts)
    return Button(text=t.btn_answer_question(), payload=AnswerQuestion(code).encode())
