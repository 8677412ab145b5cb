"""Typed message sets: what the code may say, declared next to the YAML that says it.

Each YAML file of this folder has one ``MessageSet`` subclass (same name: ``chat.yaml`` ↔
``class ChatTexts(MessageSet, file="chat")``). Its attributes are the message keys the code uses,
each with the named placeholders the code fills in::

    class ChatTexts(MessageSet, file="chat"):
        unknown_command: Msg = msg("command")      # 'Tôi chưa hiểu lệnh "{command}"…'
        status: MsgMap = msg_map(keys=STATES)      # one text per status

Besides its own fields a text may use every placeholder of the commune profile (``{commune}``,
``{hotline}`` … see knowledge/README.md), filled in when the message is sent. Declaring a set
twice, or a key the YAML lacks, is an error at load (``handlers.texts.loader``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar

from knowledge.render import render

Values = Callable[[], Mapping[str, str]]
T = TypeVar("T", bound="MessageSet")


class Template:
    """One message: its text and the fields the code fills in (``{name}``, ``{{`` for "{")."""

    __slots__ = ("_values", "fields", "key", "text")

    def __init__(self, key: str, text: str, fields: frozenset[str], values: Values) -> None:
        self.key = key
        self.text = text
        self.fields = fields
        self._values = values

    def __call__(self, **values: object) -> str:
        """The text with the given fields and the commune profile's values filled in."""
        unknown = set(values) - self.fields
        if unknown:
            raise TypeError(f"message '{self.key}' has no field {sorted(unknown)}")
        merged = {**self._values(), **{k: str(v) for k, v in values.items()}}
        return render(self.text, merged)

    def __repr__(self) -> str:
        return f"Template({self.key!r})"


class TemplateMap(Mapping[str, Template]):
    """Messages keyed by a value of the code (a status, an action, a topic id), in file order."""

    def __init__(self, key: str, items: dict[str, Template]) -> None:
        self.key = key
        self._items = items

    def __getitem__(self, name: str) -> Template:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def text(self, name: str, default: str = "", **values: object) -> str:
        """The message for ``name`` filled in, or ``default`` when there is none."""
        item = self._items.get(name)
        return item(**values) if item is not None else default


# What attributes are declared as (the instances hold Template / TemplateMap values).
Msg = Template
MsgMap = TemplateMap


@dataclass(frozen=True)
class Spec:
    """A declared message: its fields; for a map, its keys (None: the YAML chooses them)."""

    fields: frozenset[str]
    is_map: bool = False
    keys: tuple[str, ...] | None = None


def msg(*fields: str) -> Any:
    """Declare one message with these placeholders."""
    return Spec(frozenset(fields))


def msg_map(*fields: str, keys: Iterable[str] | None = None) -> Any:
    """Declare a map of messages; with ``keys`` the YAML must give exactly those, and a
    commune's file may replace some of them; without, a commune's file replaces the whole map
    (a menu's list of topics, say)."""
    return Spec(frozenset(fields), True, tuple(keys) if keys is not None else None)


class DuplicateMessageSet(TypeError):
    """Two message sets declared for one file."""


class MessageSet:
    """Base class of one YAML file's messages (see the module docstring)."""

    file: ClassVar[str]
    specs: ClassVar[dict[str, Spec]]
    _registry: ClassVar[dict[str, type[MessageSet]]] = {}

    def __init_subclass__(cls, file: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if file in MessageSet._registry:
            other = MessageSet._registry[file]
            raise DuplicateMessageSet(
                f"{file}.yaml is declared twice: {other.__module__}.{other.__name__} "
                f"and {cls.__module__}.{cls.__name__}"
            )
        cls.file = file
        cls.specs = {
            name: value
            for klass in reversed(cls.__mro__)
            for name, value in vars(klass).items()
            if isinstance(value, Spec)
        }
        MessageSet._registry[file] = cls

    def __init__(self, items: Mapping[str, Template | TemplateMap]) -> None:
        for name in self.specs:
            setattr(self, name, items[name])

    @classmethod
    def of(cls, texts: Texts) -> Self:
        """This set from the loaded catalog."""
        return texts.of(cls)

    @staticmethod
    def declared() -> dict[str, type[MessageSet]]:
        """Every set declared so far, by file name."""
        return dict(MessageSet._registry)


class Texts:
    """Every message set, loaded once at start (``handlers.texts.load_texts``)."""

    def __init__(self, sets: Mapping[type[MessageSet], MessageSet]) -> None:
        self._sets = dict(sets)

    def of(self, cls: type[T]) -> T:
        found = self._sets.get(cls)
        if found is None:
            raise KeyError(f"message set {cls.__name__} was not loaded")
        assert isinstance(found, cls)
        return found
