"""The first step of a petition: a question answered on the way, a category guessed."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class IntakeFirstStepTexts(MessageSet, file="intake_first_step"):
    """The keys of intake_first_step.yaml and the fields each is filled with."""

    still_filing: Msg = msg()
    guessed: Msg = msg("name")
