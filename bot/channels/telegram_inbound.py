"""Turn one Telegram ``Update`` into one channel-agnostic ``Inbound`` (or None: not for us).

Only private chats with the bot are conversations. The staff group (TELEGRAM_STAFF_CHAT_ID) and any
other group the bot is added to only receive notices, so their messages are ignored rather than
answered in front of everyone.

``external_id`` is ``<bot id>:<update id>``: Telegram's update ids are unique per bot only, and
turn random after a week of silence, so the engine's UNIQUE (channel, external_id) row — not a
"highest id seen" — is what drops a redelivered update.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType

from handlers.types import Attachment, Contact, Inbound, Location

CHANNEL = "telegram"


def bot_id_from_token(token: str) -> str:
    """The bot's numeric id, which is the part of its token before the colon."""
    return token.split(":", 1)[0]


def parse_update(update: Update, bot_id: str) -> Inbound | None:
    """The ``Inbound`` this update stands for; None for updates we do not act on."""
    external_id = f"{bot_id}:{update.update_id}"
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message is not None else None
        if chat is not None and chat.type != ChatType.PRIVATE:
            return None
        user_key = str(chat.id if chat is not None else query.from_user.id)
        return Inbound(
            channel=CHANNEL,
            user_key=user_key,
            payload=query.data or "",
            external_id=external_id,
            meta={"callback_query_id": query.id},
        )
    if update.my_chat_member is not None:
        member = update.my_chat_member
        if member.chat.type != ChatType.PRIVATE:
            return None
        status = member.new_chat_member.status
        if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            return Inbound(
                channel=CHANNEL,
                user_key=str(member.chat.id),
                event="unfollow",
                external_id=external_id,
            )
        return None
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    return parse_message(message, external_id)


def parse_message(message: Message, external_id: str) -> Inbound | None:
    """A private message: its text, attachments, location or shared contact."""
    user_key = str(message.chat.id)
    text = message.text if message.text is not None else message.caption
    attachments: list[Attachment] = []
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        attachments.append(
            Attachment(
                kind="photo", ref=largest.file_id, mime="image/jpeg", size=largest.file_size
            )
        )
    if message.document is not None:
        doc = message.document
        mime = doc.mime_type or None
        kind = "photo" if mime and mime.startswith("image/") else "file"
        attachments.append(
            Attachment(
                kind=kind, ref=doc.file_id, name=doc.file_name, mime=mime, size=doc.file_size
            )
        )
    if message.voice is not None:
        attachments.append(
            Attachment(
                kind="voice",
                ref=message.voice.file_id,
                mime=message.voice.mime_type,
                size=message.voice.file_size,
            )
        )
    if message.audio is not None:
        attachments.append(
            Attachment(
                kind="voice",
                ref=message.audio.file_id,
                name=message.audio.file_name,
                mime=message.audio.mime_type,
                size=message.audio.file_size,
            )
        )
    if message.video is not None:
        attachments.append(
            Attachment(
                kind="video",
                ref=message.video.file_id,
                name=message.video.file_name,
                mime=message.video.mime_type,
                size=message.video.file_size,
            )
        )
    if message.video_note is not None:
        attachments.append(
            Attachment(
                kind="video", ref=message.video_note.file_id, size=message.video_note.file_size
            )
        )
    if message.sticker is not None:
        attachments.append(Attachment(kind="sticker", ref=message.sticker.file_id))
    location = None
    place = message.venue.location if message.venue is not None else message.location
    if place is not None:
        location = Location(latitude=place.latitude, longitude=place.longitude)
    contact = None
    meta: dict[str, object] = {}
    if message.contact is not None:
        shared = message.contact
        name = " ".join(p for p in (shared.first_name, shared.last_name) if p) or None
        contact = Contact(phone=shared.phone_number, name=name)
        # Telegram's "share my number" button sends the sender's own card (user_id = sender).
        sender_id = message.from_user.id if message.from_user is not None else None
        meta["own_contact"] = shared.user_id is not None and shared.user_id == sender_id
    if not text and not attachments and location is None and contact is None:
        if message.poll is None and message.dice is None and message.game is None:
            return None  # a service message (pinned, auto-delete timer…): nothing to answer
        attachments.append(Attachment(kind="unsupported", ref=""))  # "I only read text"
    return Inbound(
        channel=CHANNEL,
        user_key=user_key,
        text=text,
        external_id=external_id,
        attachments=tuple(attachments),
        location=location,
        contact=contact,
        meta=meta,
    )
