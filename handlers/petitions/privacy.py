"""Deleting a citizen's personal data on request (/xoadulieu) or when they withdraw consent.

Decree 13/2023/NĐ-CP gives the data subject the right to withdraw consent and have their data
deleted. After one confirmation (none for the platform's own "withdraw consent" event) the name,
phone and shared location are erased everywhere — also from texts that repeat them (the petition,
its timeline notes, messages about it, the unanswered-questions list) — the photos, files and
voice messages sent with the petitions are dropped, the chat account is unlinked from every
petition and from the conversation state, and the petitions' content stays, anonymised, for
statistics (see ``storage.citizens.erase_identity``).
"""

from __future__ import annotations

from handlers import texts as common
from handlers.context import Context
from handlers.flow import Flow
from handlers.petitions import texts as t
from storage import citizens


async def erase_everything(ctx: Context) -> citizens.Erasure:
    """Erase this user's personal data and forget the conversation (drafts, preferences)."""
    erasure = await citizens.erase_identity(ctx.session, ctx.identity, ctx.now)
    ctx.end_flow()
    ctx.state.data = {}
    return erasure


class EraseFlow(Flow):
    """Explain what goes and what stays, then one confirmation."""

    name = "erase"
    first_step = "confirm"
    expired_text = t.ERASE_EXPIRED

    async def prompt_confirm(self, ctx: Context) -> None:
        has_contact, filed, follows = await citizens.holdings(ctx.session, ctx.identity)
        ctx.reply(
            t.ERASE_EXPLAIN.format(
                contact_note="" if has_contact else t.ERASE_NO_CONTACT,
                filed=filed,
                follows=follows,
            ),
            buttons=[ctx.button(t.BTN_ERASE, "yes"), ctx.button(t.BTN_KEEP_DATA, "no")],
        )

    async def on_confirm(self, ctx: Context, value: str | None) -> None:
        if value == "yes":
            await erase_everything(ctx)
            ctx.reply(t.ERASED, buttons=common.main_menu_buttons(), meta={"erased": True})
        elif value == "no":
            self.finish(ctx)
            ctx.reply(t.ERASE_KEPT, buttons=common.main_menu_buttons())
        else:
            await self.reprompt(ctx, t.ERASE_HELP)

    async def on_cancel(self, ctx: Context) -> None:
        ctx.end_flow()
        ctx.reply(t.ERASE_KEPT, buttons=common.main_menu_buttons())


async def cmd_erase(ctx: Context, _args: str) -> None:
    """/xoadulieu."""
    await ctx.registry.flows[EraseFlow.name].start(ctx)


async def on_withdraw_consent(ctx: Context) -> None:
    """The platform reports the user withdrew consent: erase at once, send nothing."""
    await erase_everything(ctx)
