"""Multi-step conversations whose state lives in the conversation row, not in memory.

A flow declares its steps once, as an Enum, and its draft as a dataclass::

    class NameFlow(Flow[NameDraft]):
        name = "name"
        Step = NameStep                   # class NameStep(StrEnum): NAME = "name"; CONFIRM = …
        first_step = NameStep.NAME
        Draft = NameDraft                 # @dataclass class NameDraft(FlowDraft): name: str = ""

For each step ``s`` the class defines ``prompt_s(ctx)`` (ask the question, with buttons for
finite choices) and ``on_s(ctx, value)`` (handle the answer; ``value`` is the pressed button's
value, or None for typed text, a photo, a location…). Defining a class without one of them, or
with a ``prompt_``/``on_`` method for no step, raises at import. A handler moves on with
``await self.goto(ctx, Step.X)`` (a member, never a string), asks again with ``reprompt``, and
ends with ``finish``. Cancel (/huy) and expiry are handled by the router for every flow.

The draft is serialised into the conversation row's JSON ``data`` (only values that differ
from the defaults), so it survives a restart and is shared by every process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar, Generic, Self, TypeVar

from handlers.buttons import cancel_button, menu_button
from handlers.context import Context
from handlers.memory import Remembered
from handlers.texts.chat import ChatTexts
from handlers.types import Button

HOOKS = frozenset({"on_cancel", "on_expire", "on_menu"})


class FlowDraft:
    """Base of flow drafts (dataclasses): loaded from and dumped to the state row's JSON."""

    @classmethod
    def load(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})

    def dump(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                default = dataclasses.MISSING
            if value != default:
                out[f.name] = value
        return out


@dataclasses.dataclass
class NoDraft(FlowDraft):
    """A flow that keeps nothing but its step."""


@dataclasses.dataclass(frozen=True)
class Done:
    """What a press on a finished flow's old button is told (a double tap on "confirm")."""

    token: str
    text: str


DONE = Remembered("done", Done)
D = TypeVar("D", bound=FlowDraft)


class Flow(Generic[D]):
    """Base class; see the module docstring."""

    name: ClassVar[str]
    Step: ClassVar[type[StrEnum]]
    first_step: ClassVar[StrEnum]
    Draft: ClassVar[type[FlowDraft]] = NoDraft
    # A literal text instead of chat.yaml's generic one (subclasses may also override methods).
    cancelled_text: ClassVar[str | None] = None
    expired_text: ClassVar[str | None] = None
    _prompts: ClassVar[dict[str, Any]]
    _handlers: ClassVar[dict[str, Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            return  # a mixin of steps, checked in the flow that uses it
        steps = {s.value for s in cls.Step}
        if cls.first_step not in cls.Step:
            raise TypeError(f"{cls.__name__}.first_step is not one of its steps")
        missing = [
            f"{kind}{s}"
            for s in sorted(steps)
            for kind in ("prompt_", "on_")
            if not callable(getattr(cls, f"{kind}{s}", None))
        ]
        stray = [
            name
            for name in dir(cls)
            if (name.startswith("prompt_") and name[7:] not in steps)
            or (name.startswith("on_") and name not in HOOKS and name[3:] not in steps)
        ]
        if missing or stray:
            raise TypeError(
                f"flow {cls.__name__}: missing {missing or 'nothing'}, "
                f"methods for no step {stray or 'none'}"
            )
        cls._prompts = {s: getattr(cls, f"prompt_{s}") for s in steps}
        cls._handlers = {s: getattr(cls, f"on_{s}") for s in steps}

    # --- the draft ---------------------------------------------------------------------------

    def draft(self, ctx: Context) -> D:
        return self.Draft.load(ctx.draft_data())  # type: ignore[return-value]

    def save(self, ctx: Context, draft: D) -> D:
        ctx.set_draft_data(draft.dump())
        return draft

    def update(self, ctx: Context, **changes: Any) -> D:
        """The draft with ``changes`` (field names are checked), saved."""
        return self.save(ctx, dataclasses.replace(self.draft(ctx), **changes))  # type: ignore[type-var]

    # --- moving through the steps ------------------------------------------------------------

    def ttl(self, ctx: Context) -> dt.timedelta:
        """How long an untouched flow stays open."""
        return ctx.services.flow_ttl

    def current(self, ctx: Context) -> StrEnum:
        """The step the conversation is at (the first one if the stored step is unknown)."""
        try:
            return self.Step(ctx.step)
        except ValueError:
            ctx.set_step(self.first_step.value)
            return self.first_step

    async def start(
        self, ctx: Context, draft: D | None = None, step: StrEnum | None = None
    ) -> None:
        """Make this flow active and ask its first question."""
        data = draft.dump() if draft is not None else {}
        ctx.begin_flow(self.name, self._member(step or self.first_step).value, data, self.ttl(ctx))
        await self.prompt(ctx)

    async def prompt(self, ctx: Context) -> None:
        """Ask the current step's question."""
        await self._prompts[self.current(ctx).value](self, ctx)

    async def handle(self, ctx: Context, value: str | None) -> None:
        """Handle the user's answer to the current step."""
        ctx.touch_flow(self.ttl(ctx))
        await self._handlers[self.current(ctx).value](self, ctx, value)

    async def goto(self, ctx: Context, step: StrEnum) -> None:
        """Move to ``step`` and ask its question (new buttons carry the new step)."""
        ctx.set_step(self._member(step).value)
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
            ctx.remember(DONE, Done(token, done))

    def _member(self, step: StrEnum) -> StrEnum:
        if not isinstance(step, self.Step):
            raise TypeError(f"{type(self).__name__}: {step!r} is not one of its steps")
        return step

    # --- hooks the router calls ----------------------------------------------------------------

    async def on_cancel(self, ctx: Context) -> None:
        """The user cancelled (/huy)."""
        chat = ChatTexts.of(ctx.texts)
        ctx.end_flow()
        ctx.reply(self.cancelled_text or chat.flow_cancelled(), buttons=[menu_button(ctx.texts)])

    async def on_expire(self, ctx: Context) -> str:
        """The flow was abandoned; returns the message that tells the user."""
        ctx.end_flow()
        return self.expired_text or ChatTexts.of(ctx.texts).flow_expired()

    async def on_menu(self, ctx: Context) -> str | None:
        """The citizen asked for the menu mid-flow: None keeps the flow open (the router
        reminds them of it); a flow that can pause ends itself and returns a note."""
        return None

    def cancel_button(self, ctx: Context) -> Button:
        return cancel_button(ctx.texts)
