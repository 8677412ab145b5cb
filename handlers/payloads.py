"""Button payloads: one typed class per prefix, one encode and one decode.

A payload is ``<prefix>:<fields joined by ':'>`` (the last field may itself contain ':'). Each
prefix has exactly one class and one meaning; declaring a prefix twice raises at import. The
classes for the conversation's own navigation live here; a feature declares its own next to its
handlers (``handlers.workflow.buttons``, ``handlers.chat.offer``) and registers a handler for it
with ``Registry.payload``.

A platform that carries only a few bytes per button (``Capabilities.max_payload_bytes``, e.g.
Telegram's 64) gets ``digest(payload)`` instead; the engine maps a digest back through the
buttons it offered (``handlers.choices``). ``fits`` is the one place that limit is checked.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any, ClassVar, Self

DIGEST_PREFIX = "h:"


class DuplicatePrefix(TypeError):
    """Two payload classes claim one prefix."""


class Payload:
    """Base class: subclasses are frozen dataclasses of strings declared with a prefix."""

    prefix: ClassVar[str]
    _classes: ClassVar[dict[str, type[Payload]]] = {}

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None:
            return
        if not prefix or ":" in prefix:
            raise ValueError(f"invalid payload prefix {prefix!r}")
        if prefix in Payload._classes:
            other = Payload._classes[prefix]
            raise DuplicatePrefix(
                f"payload prefix '{prefix}' is declared twice: {other.__qualname__} "
                f"and {cls.__qualname__}"
            )
        cls.prefix = prefix
        Payload._classes[prefix] = cls

    def encode(self) -> str:
        values = [str(getattr(self, f.name)) for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        return f"{self.prefix}:" + ":".join(values)

    @classmethod
    def parse(cls, argument: str) -> Self:
        """The payload from the text after the prefix; missing trailing fields are empty."""
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        values, rest = [], argument
        for _ in names[:-1]:
            head, _sep, rest = rest.partition(":")
            values.append(head)
        values.append(rest)
        return cls(*values)

    def answers(self) -> str | None:
        """ "yes" or "no" when a typed yes or no may press this button; None otherwise."""
        return None

    @staticmethod
    def prefixes() -> dict[str, type[Payload]]:
        return dict(Payload._classes)


def decode(raw: str) -> Payload | None:
    """The typed payload of a button press; None for an unknown prefix."""
    prefix, _sep, argument = raw.strip().partition(":")
    cls = Payload._classes.get(prefix)
    return cls.parse(argument) if cls is not None else None


def digest(payload: str) -> str:
    """A short stand-in for a payload too long for the platform."""
    return DIGEST_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def fits(payload: str, limit: int | None) -> bool:
    """Does ``payload`` fit a button that carries at most ``limit`` bytes (None: any)?"""
    return limit is None or len(payload.encode("utf-8")) <= limit


# --- the conversation's own navigation ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Command(Payload, prefix="cmd"):
    """Runs a command as if typed: ``cmd:menu``, ``cmd:kiennghi``, ``cmd:huy``."""

    name: str


@dataclasses.dataclass(frozen=True)
class MenuPage(Payload, prefix="menu"):
    """One page of the main menu: ``menu:ask``, ``menu:digital``."""

    page: str


@dataclasses.dataclass(frozen=True)
class TopicPayload(Payload, prefix="topic"):
    """The first entry of a topic: ``topic:vneid-register``."""

    topic: str


@dataclasses.dataclass(frozen=True)
class EntryPayload(Payload, prefix="faq"):
    """One knowledge-base entry: ``faq:<entry id>``."""

    entry_id: str


@dataclasses.dataclass(frozen=True)
class AskPayload(Payload, prefix="ask"):
    """Asks what an answer told the citizen to type: ``ask:tổ công nghệ số``."""

    phrase: str


# Typed yes and no press these flow values (the end of an ``f:`` payload).
FLOW_YES = frozenset({"yes", "confirm", "resume", "reuse"})
FLOW_NO = frozenset({"no"})


@dataclasses.dataclass(frozen=True)
class FlowChoice(Payload, prefix="f"):
    """A choice bound to one flow instance and step: ``f:<token>:<step>:<value>``.

    The token is new for every flow started, so a button from an old conversation, from another
    user or pressed twice no longer matches and changes nothing (``handlers.router``).
    """

    token: str
    step: str
    value: str

    def answers(self) -> str | None:
        if self.value in FLOW_YES:
            return "yes"
        return "no" if self.value in FLOW_NO else None
