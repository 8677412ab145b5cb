"""Turn one Zalo OA webhook event into one ``Inbound`` (or None: acknowledged, nothing to do).

Shapes differ between sources and over time (see shared/research/zalo.md), so every field is read
defensively: ids are kept as strings (they exceed 2^53), numbers may arrive as strings, a location
may sit in ``attachments[0].payload.coordinates.{latitude,longitude}``, in ``message.location`` or
as ``lat``/``long``. Anything unreadable becomes "not for us" rather than an error, because a 500
would only make Zalo retry the same payload for hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from handlers.types import Attachment, Contact, Inbound, Location

CHANNEL = "zalo"
ANONYMOUS_PREFIX = "anon:"

# Events the OA itself causes or that need no answer: acknowledged silently.
QUIET_EVENTS = frozenset(
    {
        "user_received_message",
        "user_seen_message",
        "user_reacted_message",
        "oa_send_text",
        "oa_send_image",
        "oa_send_gif",
        "oa_send_list",
        "oa_send_file",
        "oa_send_sticker",
        "oa_reacted_message",
    }
)
ATTACHMENT_KINDS = {
    "user_send_image": "photo",
    "user_send_gif": "sticker",
    "user_send_file": "file",
    "user_send_audio": "voice",
    "user_send_video": "video",
    "user_send_sticker": "sticker",
}


@dataclass(frozen=True)
class ParsedEvent:
    """What the webhook learnt from one event."""

    name: str
    inbound: Inbound | None
    # True when the event carries a citizen's text that may be a tapped button's title
    may_be_button: bool = False
    # a ZNS delivery receipt: the ``tracking_id`` we gave (``bot.channels.zalo_zns``)
    receipt: str = ""


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def parse_location(message: dict[str, Any]) -> Location | None:
    """Coordinates from any of the shapes seen in the wild; None if none is readable."""
    candidates: list[dict[str, Any]] = []
    for attachment in _list(message.get("attachments")):
        payload = as_dict(as_dict(attachment).get("payload"))
        candidates += [as_dict(payload.get("coordinates")), payload]
    candidates += [as_dict(message.get("location")), as_dict(message.get("coordinates"))]
    for place in candidates:
        lat = _float(place.get("latitude", place.get("lat")))
        lon = _float(place.get("longitude", place.get("long", place.get("lng"))))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            return Location(latitude=lat, longitude=lon)
    return None


def parse_attachments(kind: str, message: dict[str, Any]) -> tuple[Attachment, ...]:
    """Platform references (URLs) to what the citizen sent; never the bytes."""
    found = []
    for attachment in _list(message.get("attachments")):
        payload = as_dict(as_dict(attachment).get("payload"))
        ref = (
            as_str(payload.get("url"))
            or as_str(payload.get("thumbnail"))
            or as_str(payload.get("id"))
        )
        if not ref and kind != "sticker":
            continue
        found.append(
            Attachment(
                kind=kind,
                ref=ref,
                name=as_str(payload.get("name")) or None,
                mime=as_str(payload.get("type")) or None if kind == "file" else None,
                size=_int(payload.get("size")),
            )
        )
    if not found:
        found.append(Attachment(kind=kind, ref=""))
    return tuple(found)


def parse_event(data: dict[str, Any]) -> ParsedEvent:
    """The ``Inbound`` for a verified event body (see module docstring)."""
    name = as_str(data.get("event_name"))
    sender = as_str(as_dict(data.get("sender")).get("id"))
    message = as_dict(data.get("message"))
    msg_id = as_str(message.get("msg_id"))
    timestamp = as_str(data.get("timestamp"))

    def inbound(**fields: Any) -> Inbound:
        return Inbound(channel=CHANNEL, user_key=fields.pop("user_key", sender), **fields)

    if name == "user_received_message":
        tracking = as_str(message.get("tracking_id")) or as_str(data.get("tracking_id"))
        return ParsedEvent(name, None, receipt=tracking[:48])

    if name in QUIET_EVENTS or not name:
        return ParsedEvent(name, None)

    if name in ("follow", "unfollow"):
        follower = as_str(as_dict(data.get("follower")).get("id")) or sender
        if not follower:
            return ParsedEvent(name, None)
        return ParsedEvent(
            name,
            inbound(user_key=follower, event=name, external_id=f"{name}:{follower}:{timestamp}"),
        )

    if name == "user_withdraw":
        user = sender or as_str(data.get("user_id"))
        if not user:
            return ParsedEvent(name, None)
        return ParsedEvent(
            name,
            inbound(
                user_key=user, event="withdraw_consent", external_id=f"withdraw:{user}:{timestamp}"
            ),
        )

    if not sender:
        return ParsedEvent(name, None)
    external_id = msg_id or f"{name}:{sender}:{timestamp}"

    if name == "user_submit_info":
        info = as_dict(data.get("info")) or as_dict(message.get("info"))
        phone = as_str(info.get("phone"))
        if not phone:
            return ParsedEvent(name, None)
        contact = Contact(phone=phone, name=as_str(info.get("name")) or None)
        return ParsedEvent(
            name, inbound(contact=contact, external_id=external_id, meta={"own_contact": True})
        )

    if name == "anonymous_send_text":
        # An anonymous chat (from a Zalo search or an ad): answered through /v2.0/oa/message
        # with both ids, so the recipient key carries them (see ZaloSender).
        conversation = as_str(message.get("conversation_id")) or as_str(
            data.get("conversation_id")
        )
        text = message.get("text")
        if not conversation:
            return ParsedEvent(name, None)
        return ParsedEvent(
            name,
            inbound(
                user_key=f"{ANONYMOUS_PREFIX}{sender}:{conversation}",
                text=text if isinstance(text, str) else "",
                external_id=external_id,
            ),
            may_be_button=True,
        )

    if name == "user_send_text":
        text = message.get("text")
        return ParsedEvent(
            name,
            inbound(text=text if isinstance(text, str) else "", external_id=external_id),
            may_be_button=True,
        )

    if name == "user_send_link":
        text = as_str(message.get("text"))
        links = [
            as_str(as_dict(as_dict(a).get("payload")).get("url"))
            for a in _list(message.get("attachments"))
        ]
        text = " ".join(p for p in [text, *links] if p)
        return ParsedEvent(name, inbound(text=text, external_id=external_id))

    if name == "user_send_location":
        location = parse_location(message)
        if location is None:
            return ParsedEvent(
                name,
                inbound(
                    attachments=(Attachment(kind="unsupported", ref=""),), external_id=external_id
                ),
            )
        # message.text here is the place's name, not words of the citizen's: not passed on
        return ParsedEvent(name, inbound(location=location, external_id=external_id))

    kind = ATTACHMENT_KINDS.get(name)
    if kind is not None:
        caption = message.get("text") if kind in ("photo", "file", "video") else None
        return ParsedEvent(
            name,
            inbound(
                text=caption if isinstance(caption, str) and caption.strip() else None,
                attachments=parse_attachments(kind, message),
                external_id=external_id,
            ),
        )

    return ParsedEvent(name, None)


def describe_refusal(data: dict[str, Any], header: str, app_id: str, size: int) -> str:
    """What a refused webhook request looked like, for an admin checking the registration:
    the shape only (which check failed, the event's name, the body's size), never content."""
    parts = [
        f"event_name={as_str(data.get('event_name'))[:40] or '?'}",
        f"app_id={'khớp' if as_str(data.get('app_id')) == app_id else 'KHÁC'}",
        f"chữ ký={'có' if header.strip() else 'KHÔNG CÓ'}",
        f"timestamp={'có' if as_str(data.get('timestamp')) else 'không có'}",
        f"{size} byte",
    ]
    return ", ".join(parts)
