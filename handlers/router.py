"""Routing: which handler answers a message.

Order (DESIGN.md: active flow step > command > button > intent of the text), in full: a platform
event (follow, unfollow…) goes to its event handler and nothing else; an expired flow is closed
with a message first; /huy (or "hủy") cancels whatever is active; the interceptors (a typed button
label, a code after a bare /tracuu, the answer to the council's question) may take the message;
then a flow-bound button, the active flow's step, a command, a stateless button payload, a text
trigger ("menu", "tra cứu CODE") and finally the intent of the text from the matcher.

Button payloads have two shapes:
- ``f:<token>:<step>:<value>`` — bound to one flow instance and one step. The token is new for
  every flow started, so a button from an old conversation, from another user, or pressed twice
  (a double-tapped "confirm") no longer matches and changes nothing.
- ``<prefix>:<argument>`` — stateless navigation (``cmd:menu``, ``topic:vneid-register``,
  ``faq:<entry id>``), safe to press at any time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers import texts
from handlers.context import Context
from handlers.flow import Flow
from handlers.types import Button

CommandHandler = Callable[[Context, str], Awaitable[None]]
PayloadHandler = Callable[[Context, str], Awaitable[None]]
IntentHandler = Callable[[Context, object], Awaitable[None]]
EventHandler = Callable[[Context], Awaitable[None]]

CANCEL_WORDS = {
    "huy",
    "hủy",
    "huỷ",
    "hủy bỏ",
    "huỷ bỏ",
    "huy bo",
    "/huy",
    "/cancel",
    "thoat",
    "thoát",
}
_COMMAND_RE = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)


@dataclass
class TextTrigger:
    """Plain text that acts as a command, e.g. "menu" or "tra cứu AB12CD34"."""

    pattern: re.Pattern[str]
    command: str


@dataclass
class Registry:
    """Every handler, registered explicitly in one place (``handlers.build_registry``)."""

    commands: dict[str, CommandHandler] = field(default_factory=dict)
    command_help: dict[str, str] = field(default_factory=dict)
    triggers: list[TextTrigger] = field(default_factory=list)
    payloads: dict[str, PayloadHandler] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    intents: dict[str, IntentHandler] = field(default_factory=dict)
    events: dict[str, EventHandler] = field(default_factory=dict)
    # Runs before routing (e.g. a petition's pending question to the citizen); True = handled.
    interceptors: list[Callable[[Context], Awaitable[bool]]] = field(default_factory=list)

    def command(
        self, *names: str, help_text: str = ""
    ) -> Callable[[CommandHandler], CommandHandler]:
        def register(func: CommandHandler) -> CommandHandler:
            for name in names:
                self.commands[name] = func
            if help_text:
                self.command_help[names[0]] = help_text
            return func

        return register

    def add_flow(self, flow: Flow) -> Flow:
        self.flows[flow.name] = flow
        return flow

    def trigger(self, pattern: str, command: str) -> None:
        self.triggers.append(TextTrigger(re.compile(pattern, re.I | re.S), command))


def parse_command(text: str) -> tuple[str, str] | None:
    """('tracuu', 'AB12CD34') for '/tracuu AB12CD34'; None when the text is no command."""
    match = _COMMAND_RE.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


async def dispatch(ctx: Context) -> None:
    """Route one message to exactly one handler."""
    registry = ctx.registry
    msg = ctx.inbound

    if msg.event:
        handler = registry.events.get(msg.event)
        if handler is not None:
            await handler(ctx)
        return

    if ctx.flow and ctx.state.expires_at is not None and ctx.state.expires_at <= ctx.now:
        await expire_flow(ctx)

    text = msg.clean_text
    payload = (msg.payload or "").strip()
    if payload == "cmd:huy" or (not payload and is_cancel(text)):
        await cancel(ctx)
        return

    for interceptor in registry.interceptors:
        if await interceptor(ctx):
            return

    flow = registry.flows.get(ctx.flow) if ctx.flow else None
    if flow is None and ctx.flow:
        ctx.end_flow()  # a flow that no longer exists in this version: drop it quietly

    if payload.startswith("f:"):
        await _flow_payload(ctx, flow, payload)
        return

    command = parse_command(text) if not payload else None
    trigger = trigger_for(registry, text) if not payload and command is None else None
    if flow is not None and not payload and command is None and trigger is None:
        await flow.handle(ctx, None)
        return

    before = len(ctx.replies)
    if command is not None:
        name, args = command
        await run_command(ctx, name, args)
        await _remind_flow(ctx, flow, said_nothing=len(ctx.replies) == before)
        return

    if payload:
        prefix, _, argument = payload.partition(":")
        handler = registry.payloads.get(prefix)
        if prefix == "cmd":
            await run_command(ctx, argument, "")
        elif handler is not None:
            await handler(ctx, argument)
        else:
            ctx.reply(texts.STALE_BUTTON, buttons=texts.main_menu_buttons())
        await _remind_flow(ctx, flow, said_nothing=len(ctx.replies) == before)
        return

    if trigger is not None:
        name, args = trigger
        await run_command(ctx, name, args)
        await _remind_flow(ctx, flow, said_nothing=len(ctx.replies) == before)
        return

    await handle_text(ctx)


def is_cancel(text: str) -> bool:
    """ "hủy", "Huỷ.", "/huy", "thoát": the citizen wants out of whatever is open."""
    return unicodedata.normalize("NFC", text).strip().lower().rstrip(".!") in CANCEL_WORDS


def trigger_for(registry: Registry, text: str) -> tuple[str, str] | None:
    """(command, arguments) of the text trigger the whole text matches, or None."""
    for trigger in registry.triggers:
        match = trigger.pattern.fullmatch(text.strip())
        if match:
            args = match.groupdict().get("args") or ""
            return trigger.command, args.strip()
    return None


async def _flow_payload(ctx: Context, flow: Flow | None, payload: str) -> None:
    parts = payload.split(":", 3)
    if flow is None or len(parts) != 4 or parts[1] != ctx.state.token or parts[2] != ctx.step:
        done = ctx.data.get("_done") or {}
        if len(parts) == 4 and done.get("token") == parts[1]:
            # A second press on the flow that just finished: say what became of it.
            ctx.reply(done["text"], buttons=[] if flow else texts.main_menu_buttons())
            if flow is not None:
                await flow.prompt(ctx)
            return
        ctx.reply(texts.STALE_BUTTON)
        if flow is not None:
            await flow.prompt(ctx)
        else:
            ctx.replies[-1].buttons = texts.main_menu_buttons()
        return
    await flow.handle(ctx, parts[3])


async def _remind_flow(ctx: Context, flow: Flow | None, *, said_nothing: bool = False) -> None:
    """After a detour (a command during a flow), one short line says the flow is still open;
    its question (which may fill several messages) comes back only when asked for — or at once
    when the command itself had nothing to say (e.g. /kiennghi during a petition draft)."""
    if flow is not None and ctx.flow == flow.name:
        if said_nothing:
            ctx.reply(texts.FLOW_REMINDER_HERE)
            await flow.prompt(ctx)
            return
        ctx.reply(
            texts.FLOW_REMINDER,
            buttons=[
                Button(text=texts.BTN_CONTINUE, payload="cmd:tieptuc"),
                Button(text=texts.BTN_CANCEL, payload="cmd:huy"),
            ],
        )


async def resume(ctx: Context, _args: str = "") -> None:
    """/tieptuc: ask the open flow's current question again."""
    flow = ctx.registry.flows.get(ctx.flow) if ctx.flow else None
    if flow is None:
        ctx.reply(texts.NOTHING_TO_RESUME, buttons=texts.main_menu_buttons())
        return
    await flow.prompt(ctx)


async def run_command(ctx: Context, name: str, args: str) -> None:
    """Run a command by name; an unknown one gets the list of commands."""
    handler = ctx.registry.commands.get(name.lower())
    if handler is None:
        lines = [texts.UNKNOWN_COMMAND.format(command="/" + name)]
        lines += [f"/{cmd} — {help_}" for cmd, help_ in ctx.registry.command_help.items()]
        ctx.reply("\n".join(lines), buttons=texts.main_menu_buttons())
        return
    await handler(ctx, args)


async def cancel(ctx: Context) -> None:
    flow = ctx.registry.flows.get(ctx.flow) if ctx.flow else None
    if flow is None:
        ctx.end_flow()
        ctx.reply(texts.NOTHING_TO_CANCEL, buttons=texts.main_menu_buttons())
        return
    await flow.on_cancel(ctx)


async def expire_flow(ctx: Context) -> None:
    """Close an abandoned flow and tell the user, before anything else is said."""
    flow = ctx.registry.flows.get(ctx.flow) if ctx.flow else None
    if flow is None:
        ctx.end_flow()
        return
    text = await flow.on_expire(ctx)
    if text:
        ctx.reply(text)


async def handle_text(ctx: Context) -> None:
    """No flow, command or button: what does the text mean?"""
    msg = ctx.inbound
    if not msg.clean_text:
        if msg.attachments or msg.location or msg.contact:
            ctx.reply(texts.UNSUPPORTED_MEDIA, buttons=texts.main_menu_buttons())
        else:
            ctx.reply(texts.EMPTY_MESSAGE, buttons=texts.main_menu_buttons())
        return
    match = ctx.services.matcher.match(msg.clean_text)
    handler = ctx.registry.intents.get(match.intent) or ctx.registry.intents["fallback"]
    await handler(ctx, match)
