"""A small framework for multi-step conversations that live in the state table.

A flow is a class with named steps. For each step ``s`` it defines ``prompt_s(ctx)`` (ask the
question, with buttons for finite choices) and ``on_s(ctx, value)`` (handle the answer; ``value``
is the pressed button's value, or None for typed text, a photo, a location…). A handler moves on
with ``await self.goto(ctx, "next")``, asks again with ``await self.reprompt(ctx, "why")``, and
ends with ``self.finish(ctx)``. Cancel (/huy) and expiry are handled by the router for every flow.

Flows keep no Python state between messages: everything is in ``ctx.data``, saved with the
conversation row, so a draft survives a restart and is shared by every process.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from handlers import texts
from handlers.context import Context
from handlers.types import Button


class Flow:
    """Base class; subclasses set ``name`` and ``first_step`` and define prompt_/on_ methods."""

    name: ClassVar[str]
    first_step: ClassVar[str]
    # Shown when the flow is cancelled or expires; subclasses word it for what is lost.
    cancelled_text: ClassVar[str] = texts.FLOW_CANCELLED
    expired_text: ClassVar[str] = texts.FLOW_EXPIRED

    def ttl(self, ctx: Context) -> dt.timedelta:
        """How long an untouched flow stays open."""
        return ctx.services.flow_ttl

    async def start(self, ctx: Context, data: dict | None = None, step: str | None = None) -> None:
        """Make this flow active and ask its first question."""
        ctx.begin_flow(self.name, step or self.first_step, data, ttl=self.ttl(ctx))
        await self.prompt(ctx)

    async def prompt(self, ctx: Context) -> None:
        """Ask the current step's question."""
        await getattr(self, f"prompt_{ctx.step}")(ctx)

    async def handle(self, ctx: Context, value: str | None) -> None:
        """Handle the user's answer to the current step."""
        ctx.touch_flow(self.ttl(ctx))
        await getattr(self, f"on_{ctx.step}")(ctx, value)

    async def goto(self, ctx: Context, step: str) -> None:
        """Move to ``step`` and ask its question (new buttons carry the new step)."""
        ctx.set_step(step)
        await self.prompt(ctx)

    async def reprompt(self, ctx: Context, problem: str) -> None:
        """Say what was wrong and ask the same question again; nothing else changes."""
        ctx.reply(problem)
        await self.prompt(ctx)

    def finish(self, ctx: Context, done: str | None = None) -> None:
        """The flow is done. ``done`` answers a later press of one of its buttons (a double tap
        on "confirm"), instead of the generic "this button is old"."""
        token = ctx.state.token
        ctx.end_flow()
        if done and token:
            ctx.remember("done", {"token": token, "text": done})

    async def on_cancel(self, ctx: Context) -> None:
        """The user cancelled (/huy)."""
        ctx.end_flow()
        ctx.reply(self.cancelled_text, buttons=[texts.menu_button()])

    async def on_expire(self, ctx: Context) -> str:
        """The flow was abandoned; returns the message that tells the user."""
        ctx.end_flow()
        return self.expired_text

    def cancel_button(self) -> Button:
        return Button(text=texts.BTN_CANCEL, payload="cmd:huy")
