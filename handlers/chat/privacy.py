"""Deleting a citizen's personal data on request (/xoadulieu) or when they withdraw consent.

After one confirmation (none for the platform's own "withdraw consent" event) the workflow's
erasure rules run (``handlers.workflow.erasure``) and the conversation forgets everything (drafts,
preferences, offered buttons).
"""

from __future__ import annotations

from enum import StrEnum

from handlers import offered_buttons
from handlers.buttons import main_menu_buttons
from handlers.context import Context
from handlers.flow import Flow, NoDraft
from handlers.texts.privacy import PrivacyTexts
from handlers.workflow import erasure


async def erase_everything(ctx: Context) -> erasure.Erasure:
    """Erase this user's personal data and forget the conversation (drafts, preferences)."""
    result = await erasure.erase_identity(ctx.session, ctx.identity, ctx.now)
    ctx.forget_everything()
    offered_buttons.clear(ctx.state)
    return result


class EraseStep(StrEnum):
    CONFIRM = "confirm"


class EraseFlow(Flow[NoDraft]):
    """Explain what goes and what stays, then one confirmation."""

    name = "erase"
    Step = EraseStep
    first_step = EraseStep.CONFIRM

    async def prompt_confirm(self, ctx: Context) -> None:
        t = PrivacyTexts.of(ctx.texts)
        has_contact, filed, follows = await erasure.holdings(ctx.session, ctx.identity)
        ctx.reply(
            t.erase_explain(
                contact_note="" if has_contact else t.erase_no_contact(),
                filed=filed,
                follows=follows,
            ),
            buttons=[ctx.button(t.btn_erase(), "yes"), ctx.button(t.btn_keep_data(), "no")],
        )

    async def on_confirm(self, ctx: Context, value: str | None) -> None:
        t = PrivacyTexts.of(ctx.texts)
        if value == "yes":
            await erase_everything(ctx)
            ctx.reply(t.erased(), buttons=main_menu_buttons(ctx.texts), meta={"erased": True})
        elif value == "no":
            self.finish(ctx)
            ctx.reply(t.erase_kept(), buttons=main_menu_buttons(ctx.texts))
        else:
            await self.reprompt(ctx, t.erase_help())

    async def on_cancel(self, ctx: Context) -> None:
        ctx.end_flow()
        ctx.reply(PrivacyTexts.of(ctx.texts).erase_kept(), buttons=main_menu_buttons(ctx.texts))

    async def on_expire(self, ctx: Context) -> str:
        ctx.end_flow()
        return PrivacyTexts.of(ctx.texts).erase_expired()


ERASE = EraseFlow()


async def cmd_erase(ctx: Context, _args: str) -> None:
    """/xoadulieu."""
    await ERASE.start(ctx)


async def on_withdraw_consent(ctx: Context) -> None:
    """The platform reports the user withdrew consent: erase at once, send nothing."""
    await erase_everything(ctx)
