"""A question typed at the petition's first step is answered, and the draft waits where it was.

"quen mat khau vneid" typed while the bot asks for a category used to become the petition's
content. A message the matcher answers confidently from the knowledge base is a question, not a
story (a story is ``@petition`` to the matcher): it gets its answer, then the category question
again. An interceptor, so the flow itself needs nothing of ``answers``.
"""

from __future__ import annotations

from handlers.chat.answers import replies_for
from handlers.chat.drafts import IntakeStep
from handlers.chat.intake import INTAKE
from handlers.chat.intake_words import category_from_text
from handlers.context import Context
from handlers.texts.intake_first_step import IntakeFirstStepTexts


async def question_at_first_step(ctx: Context) -> bool:
    """Answer a clear question at the category step; True when it was one."""
    msg = ctx.inbound
    text = msg.clean_text
    if ctx.flow != INTAKE.name or ctx.step != IntakeStep.CATEGORY.value:
        return False
    if msg.payload or msg.attachments or not text or ctx.routing.routed_elsewhere(text):
        return False
    if category_from_text(ctx.profile, text) is not None:
        return False
    match = ctx.services.matcher.match(text)
    if match.intent != "faq" or match.band != "answer":
        return False
    ctx.replies += replies_for(
        match, text, texts=ctx.texts, kb=ctx.services.kb, capabilities=ctx.capabilities
    )
    ctx.reply(IntakeFirstStepTexts.of(ctx.texts).still_filing())
    await INTAKE.prompt(ctx)
    return True
