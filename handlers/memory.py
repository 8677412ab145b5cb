"""Typed values a conversation keeps between flows (a village from a QR code, a kept draft).

A flow's draft ends with the flow; a ``Remembered`` value outlives it. Each is declared once, by
the feature that owns it, with its type::

    VILLAGE = Remembered("village", str)
    PARKED = Remembered("draft", ParkedDraft)     # a dataclass

It is stored under ``"_<name>"`` in the conversation row's JSON ``data`` (so a restart or another
process sees it); declaring a name twice raises at import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import MutableMapping
from typing import Any, ClassVar, Generic, TypeVar

T = TypeVar("T")
PREFIX = "_"


class DuplicateMemory(TypeError):
    """Two features declared the same remembered name."""


class Remembered(Generic[T]):
    """One kind of value that outlives flows."""

    _names: ClassVar[set[str]] = set()

    def __init__(self, name: str, kind: type[T]) -> None:
        if name in Remembered._names:
            raise DuplicateMemory(f"remembered value '{name}' is declared twice")
        Remembered._names.add(name)
        self.name = name
        self.key = PREFIX + name
        self.kind = kind

    def read(self, data: MutableMapping[str, Any] | None) -> T | None:
        """The value in a state row's data, or None (also when it no longer parses)."""
        raw = (data or {}).get(self.key)
        if raw is None:
            return None
        if dataclasses.is_dataclass(self.kind):
            if not isinstance(raw, dict):
                return None
            names = {f.name for f in dataclasses.fields(self.kind)}
            try:
                return self.kind(**{k: v for k, v in raw.items() if k in names})
            except TypeError:
                return None
        return raw if isinstance(raw, self.kind) else None

    def dump(self, value: T) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.asdict(value)
        return value


def is_remembered(key: str) -> bool:
    """Is this key of a state row's data a remembered value (rather than the draft's)?"""
    return key.startswith(PREFIX)
