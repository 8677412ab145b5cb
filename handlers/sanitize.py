"""Characters no citizen means to send, removed from every inbound message.

Channels call this before they match a typed text against offered buttons, and the engine calls
it again for every message, whichever channel (the web chat included) it came from.

A NUL byte in a message made PostgreSQL refuse the petition's INSERT (the citizen got an error,
the petition was lost, and the failed statement's parameters — the petition text, name, phone —
went to the log); other control characters made the staff's Excel export fail, and a lone UTF-16
surrogate cannot even be encoded for either database. Tabs and line breaks are kept.
"""

from __future__ import annotations

import dataclasses
import re

from handlers.types import Contact, Inbound

_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str | None:
    """``text`` without control characters (except tab and line breaks) and lone surrogates."""
    if text is None:
        return None
    return _UNWANTED.sub("", text)


def clean_inbound(inbound: Inbound) -> Inbound:
    """The same message with every free-text field cleaned (ids and references are left)."""
    contact = inbound.contact
    if contact is not None:
        contact = Contact(phone=clean(contact.phone) or "", name=clean(contact.name))
    attachments = tuple(
        dataclasses.replace(a, name=clean(a.name)) if a.name else a for a in inbound.attachments
    )
    return dataclasses.replace(
        inbound,
        text=clean(inbound.text),
        payload=clean(inbound.payload),
        contact=contact,
        attachments=attachments,
    )
