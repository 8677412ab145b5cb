"""Every command, payload, flow, intent and event handler, registered once.

``handlers.build_registry`` fills one ``Registry`` in the order a reader expects. Registering a
name twice raises ``DuplicateRegistration`` at start — a later module can never silently replace
another's handler.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from handlers.context import Context, FlowHandle, Interceptor
from handlers.flow import Flow
from handlers.payloads import Payload
from handlers.texts import MessageSet

CommandHandler = Callable[[Context, str], Awaitable[None]]
IntentHandler = Callable[[Context, Any], Awaitable[None]]
EventHandler = Callable[[Context], Awaitable[None]]
P = TypeVar("P", bound=Payload)
PayloadHandler = Callable[[Context, Any], Awaitable[None]]
F = TypeVar("F")
HelpText = tuple[type[MessageSet], str]
_COMMAND_RE = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)
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


class DuplicateRegistration(KeyError):
    """A command, payload prefix, flow, intent or event was registered twice."""


class Registrations(dict[str, Any]):
    """A dict that refuses to replace a key."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self:
            raise DuplicateRegistration(f"{self.what} '{key}' is registered twice")
        super().__setitem__(key, value)


@dataclass
class TextTrigger:
    """Plain text that acts as a command, e.g. "menu" or "tra cứu AB12CD34"."""

    pattern: re.Pattern[str]
    command: str


def parse_command(text: str) -> tuple[str, str] | None:
    """('tracuu', 'AB12CD34') for '/tracuu AB12CD34'; None when the text is no command."""
    match = _COMMAND_RE.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def is_cancel(text: str) -> bool:
    """ "hủy", "Huỷ.", "/huy", "thoát": the citizen wants out of whatever is open."""
    import unicodedata

    return unicodedata.normalize("NFC", text).strip().lower().rstrip(".!") in CANCEL_WORDS


@dataclass
class Registry:
    """Every handler, registered explicitly in one place (``handlers.build_registry``)."""

    commands: Registrations = field(default_factory=lambda: Registrations("command"))
    # The commands listed when an unknown one is typed: (name, (message set, key of its help)).
    listed: list[tuple[str, HelpText]] = field(default_factory=list)
    triggers: list[TextTrigger] = field(default_factory=list)
    payloads: Registrations = field(default_factory=lambda: Registrations("payload prefix"))
    flows: Registrations = field(default_factory=lambda: Registrations("flow"))
    intents: Registrations = field(default_factory=lambda: Registrations("intent"))
    events: Registrations = field(default_factory=lambda: Registrations("event"))
    # Run before routing (a typed button label, the answer to the council's question); each
    # returns True (handled), False (not for it) or another Inbound to route instead.
    interceptors: list[Interceptor] = field(default_factory=list)

    def command(
        self, *names: str, help: HelpText | None = None
    ) -> Callable[[CommandHandler], CommandHandler]:
        """Register a command under one or more names; with ``help`` (the message set and key
        of one line about it) it is listed when someone types an unknown command."""

        def register(func: CommandHandler) -> CommandHandler:
            for name in names:
                self.commands[name] = func
            if help is not None:
                self.listed.append((names[0], help))
            return func

        return register

    def payload(self, cls: type[P]) -> Callable[[Callable[[Context, P], Awaitable[None]]], Any]:
        """Register the handler of one payload class (one prefix)."""

        def register(func: Callable[[Context, P], Awaitable[None]]) -> Any:
            self.payloads[cls.prefix] = (cls, func)
            return func

        return register

    def intent(self, name: str) -> Callable[[IntentHandler], IntentHandler]:
        def register(func: IntentHandler) -> IntentHandler:
            self.intents[name] = func
            return func

        return register

    def event(self, name: str) -> Callable[[EventHandler], EventHandler]:
        def register(func: EventHandler) -> EventHandler:
            self.events[name] = func
            return func

        return register

    def add_flow(self, flow: F) -> F:
        assert isinstance(flow, Flow)
        self.flows[flow.name] = flow
        return flow

    def trigger(self, pattern: str, command: str) -> None:
        self.triggers.append(TextTrigger(re.compile(pattern, re.I | re.S), command))

    def interceptor(self, func: Interceptor) -> Interceptor:
        self.interceptors.append(func)
        return func

    # --- Routing (what handlers may ask through the context) -----------------------------

    def flow_named(self, name: str | None) -> FlowHandle | None:
        return self.flows.get(name) if name else None

    def intent_handler(self, intent: str) -> IntentHandler:
        """The handler of a matcher intent (the fallback's for an unknown one)."""
        return self.intents.get(intent) or self.intents["fallback"]

    def trigger_for(self, text: str) -> tuple[str, str] | None:
        """(command, arguments) of the text trigger the whole text matches, or None."""
        for trigger in self.triggers:
            match = trigger.pattern.fullmatch(text.strip())
            if match:
                args = match.groupdict().get("args") or ""
                return trigger.command, args.strip()
        return None

    def routed_elsewhere(self, text: str) -> bool:
        """Commands, cancel words and text triggers keep their meaning whatever is waiting."""
        if not text:
            return False
        return (
            parse_command(text) is not None
            or is_cancel(text)
            or self.trigger_for(text) is not None
        )
