"""Routing: which handler answers a message.

Order (DESIGN.md: active flow step > command > button > intent of the text), in full: a platform
event (follow, unfollow…) goes to its event handler and nothing else; what a platform sent instead
of a payload (a digest, a label, a number) is mapped back (``typed_choices.resolve_platform``); an
expired flow is closed with a message first; /huy (or "hủy") cancels whatever is active; the
interceptors (a typed button label, a code after a bare /tracuu, the answer to the council's
question) may take the message or hand back another to route; then a flow-bound button, the
active flow's step, a command, a stateless button payload, a text trigger ("menu", "tra cứu CODE")
and finally the intent of the text from the matcher.

Button payloads are typed (``handlers.payloads``): a ``FlowChoice`` is bound to one flow instance
and step (a button from an old conversation, from another user, or pressed twice no longer
matches and changes nothing); every other prefix is stateless navigation, safe at any time.
"""

from __future__ import annotations

from handlers.buttons import main_menu_buttons
from handlers.context import Context, FlowHandle
from handlers.flow import DONE
from handlers.payloads import Command, FlowChoice, decode
from handlers.registry import Registry, parse_command
from handlers.registry import is_cancel as is_cancel
from handlers.texts.chat import ChatTexts
from handlers.typed_choices import resolve_platform
from handlers.types import Button, Inbound

MAX_REROUTES = 3  # an interceptor may hand back another message; never loop for ever


async def dispatch(ctx: Context, registry: Registry) -> None:
    """Route one message to exactly one handler."""
    msg = ctx.inbound
    if msg.event:
        handler = registry.events.get(msg.event)
        if handler is not None:
            await handler(ctx)
        return
    resolve_platform(ctx)
    if ctx.flow and ctx.state.expires_at is not None and ctx.state.expires_at <= ctx.now:
        await expire_flow(ctx)
    for _ in range(MAX_REROUTES):
        text = ctx.inbound.clean_text
        payload = (ctx.inbound.payload or "").strip()
        if payload == Command("huy").encode() or (not payload and is_cancel(text)):
            await cancel(ctx)
            return
        rerouted = None
        for interceptor in registry.interceptors:
            outcome = await interceptor(ctx)
            if isinstance(outcome, Inbound):
                rerouted = outcome
                break
            if outcome:
                return
        if rerouted is None:
            break
        ctx.inbound = rerouted  # as if pressed: routed again from the top
    await _route(ctx, registry)


async def _route(ctx: Context, registry: Registry) -> None:
    text = ctx.inbound.clean_text
    payload = (ctx.inbound.payload or "").strip()
    flow = ctx.active_flow
    if flow is None and ctx.flow:
        ctx.end_flow()  # a flow that no longer exists in this version: drop it quietly

    choice = decode(payload) if payload else None
    if isinstance(choice, FlowChoice):
        await _flow_payload(ctx, flow, choice)
        return

    command = parse_command(text) if not payload else None
    trigger = registry.trigger_for(text) if not payload and command is None else None
    if flow is not None and not payload and command is None and trigger is None:
        await flow.handle(ctx, None)
        return

    before = len(ctx.replies)
    if command is not None:
        await run_command(ctx, registry, *command)
    elif payload:
        await _payload(ctx, registry, payload, choice)
    elif trigger is not None:
        await run_command(ctx, registry, *trigger)
    else:
        await handle_text(ctx, registry)
        return
    await _remind_flow(ctx, flow, said_nothing=len(ctx.replies) == before)


async def _payload(ctx: Context, registry: Registry, payload: str, choice: object) -> None:
    if isinstance(choice, Command):
        await run_command(ctx, registry, choice.name, "")
        return
    prefix = payload.partition(":")[0]
    found = registry.payloads.get(prefix)
    if found is None or choice is None:
        stale(ctx)
        return
    _cls, handler = found
    await handler(ctx, choice)


def stale(ctx: Context) -> None:
    """The button belongs to an old message."""
    ctx.reply(ChatTexts.of(ctx.texts).stale_button(), buttons=main_menu_buttons(ctx.texts))


async def _flow_payload(ctx: Context, flow: FlowHandle | None, choice: FlowChoice) -> None:
    if flow is None or choice.token != ctx.state.token or choice.step != ctx.step:
        done = ctx.recall(DONE)
        if done is not None and done.token == choice.token:
            # A second press on the flow that just finished: say what became of it.
            ctx.reply(done.text, buttons=[] if flow else main_menu_buttons(ctx.texts))
            if flow is not None:
                await flow.prompt(ctx)
            return
        ctx.reply(ChatTexts.of(ctx.texts).stale_button())
        if flow is not None:
            await flow.prompt(ctx)
        else:
            ctx.replies[-1].buttons = main_menu_buttons(ctx.texts)
        return
    await flow.handle(ctx, choice.value)


async def _remind_flow(ctx: Context, flow: FlowHandle | None, *, said_nothing: bool) -> None:
    """After a detour (a command during a flow), one short line says the flow is still open;
    its question (which may fill several messages) comes back only when asked for — or at once
    when the command itself had nothing to say (e.g. /kiennghi during a petition draft)."""
    if flow is None or ctx.flow != flow.name:
        return
    chat = ChatTexts.of(ctx.texts)
    if said_nothing:
        ctx.reply(chat.flow_reminder_here())
        await flow.prompt(ctx)
        return
    ctx.reply(
        chat.flow_reminder(),
        buttons=[
            Button(text=chat.btn_continue(), payload=Command("tieptuc").encode()),
            Button(text=chat.btn_cancel(), payload=Command("huy").encode()),
        ],
    )


async def resume(ctx: Context, _args: str = "") -> None:
    """/tieptuc: ask the open flow's current question again."""
    flow = ctx.active_flow
    if flow is None:
        chat = ChatTexts.of(ctx.texts)
        ctx.reply(chat.nothing_to_resume(), buttons=main_menu_buttons(ctx.texts))
        return
    await flow.prompt(ctx)


async def run_command(ctx: Context, registry: Registry, name: str, args: str) -> None:
    """Run a command by name; an unknown one gets the list of commands."""
    handler = registry.commands.get(name.lower())
    if handler is None:
        chat = ChatTexts.of(ctx.texts)
        lines = [chat.unknown_command(command="/" + name)]
        for command, (texts_of, key) in registry.listed:
            about = getattr(texts_of.of(ctx.texts), key)()
            lines.append(chat.command_line(command=command, help=about))
        ctx.reply("\n".join(lines), buttons=main_menu_buttons(ctx.texts))
        return
    await handler(ctx, args)


async def cancel(ctx: Context) -> None:
    flow = ctx.active_flow
    if flow is None:
        ctx.end_flow()
        chat = ChatTexts.of(ctx.texts)
        ctx.reply(chat.nothing_to_cancel(), buttons=main_menu_buttons(ctx.texts))
        return
    await flow.on_cancel(ctx)


async def expire_flow(ctx: Context) -> None:
    """Close an abandoned flow and tell the user, before anything else is said."""
    flow = ctx.active_flow
    if flow is None:
        ctx.end_flow()
        return
    text = await flow.on_expire(ctx)
    if text:
        ctx.reply(text)


async def handle_text(ctx: Context, registry: Registry) -> None:
    """No flow, command or button: what does the text mean?"""
    msg = ctx.inbound
    chat = ChatTexts.of(ctx.texts)
    if not msg.clean_text:
        if msg.attachments or msg.location or msg.contact:
            ctx.reply(chat.unsupported_media(), buttons=main_menu_buttons(ctx.texts))
        else:
            ctx.reply(chat.empty_message(), buttons=main_menu_buttons(ctx.texts))
        return
    match = ctx.services.matcher.match(msg.clean_text)
    await registry.intent_handler(match.intent)(ctx, match)
