"""The channel-agnostic values a conversation is made of.

A channel adapter turns a platform payload into one ``Inbound``; handlers answer with ``Reply``
values; the adapter renders them (inline keyboard, Zalo ``oa.query.show`` buttons, web buttons).
Nothing here knows about Telegram, Zalo or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handlers.capabilities import Capabilities


@dataclass(frozen=True)
class Button:
    """A button: either a payload sent back when pressed, or a link that opens a page."""

    text: str
    payload: str | None = None
    url: str | None = None
    # request_contact / request_location: the platform's own "share" button where it has one
    request: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.payload is not None:
            data["payload"] = self.payload
        if self.url is not None:
            data["url"] = self.url
        if self.request is not None:
            data["request"] = self.request
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Button:
        return cls(
            text=str(data.get("text", "")),
            payload=data.get("payload"),
            url=data.get("url"),
            request=data.get("request"),
        )


@dataclass
class Reply:
    """One message the bot sends: text, buttons and machine-readable meta (e.g. petition_code)."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [b.to_dict() for b in self.buttons],
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        return cls(
            text=str(data.get("text", "")),
            buttons=[Button.from_dict(b) for b in data.get("buttons", [])],
            meta=dict(data.get("meta", {})),
        )


@dataclass(frozen=True)
class Attachment:
    """A photo, file, voice note or video the citizen sent: a platform reference, not bytes."""

    kind: str  # photo | file | voice | video | sticker
    ref: str  # Telegram file_id, Zalo URL, ...
    name: str | None = None
    mime: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Contact:
    phone: str
    name: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a citizen, whatever the channel.

    ``user_key`` is the channel's stable user id (a string: Zalo ids exceed 2^53).
    ``external_id`` is the platform's message id, namespaced by the adapter so that the pair
    (channel, external_id) is unique; None when the channel has none (then no dedupe).
    ``event`` names non-message events (follow, unfollow, withdraw_consent, submit_info).
    ``maybe_label``: the platform may have sent a pressed button's label as this text (a Zalo
    ``oa.query.show`` title, a Telegram reply-keyboard label, a typed choice where there are no
    buttons); the engine maps it back through the buttons it offered.
    ``capabilities``: what the sender's channel can show; None means the channel's registered
    ones (``Services.capabilities``).
    """

    channel: str
    user_key: str
    text: str | None = None
    payload: str | None = None
    external_id: str | None = None
    commune_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    contact: Contact | None = None
    event: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    maybe_label: bool = False
    capabilities: Capabilities | None = None

    @property
    def clean_text(self) -> str:
        """The text, stripped; empty when there is none."""
        return (self.text or "").strip()


def shorten(text: str, limit: int | None) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (a button label's limit)."""
    text = text.strip()
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
