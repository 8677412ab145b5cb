"""Petition notices after Zalo's messaging window, by ZNS (template message to a phone number).

A consultation message may be sent only for a while after the citizen's last message. When a
petition notice to the petition's own citizen misses it — the send answers a window error, or
``/v3.0/oa/quota/message`` says the last interaction is too old — and the citizen consented to
give a phone number, ``POST {ZALO_ZNS_API_BASE_URL}/message/template`` tells them by ZNS:
phone in 84… form, ``ZALO_ZNS_TEMPLATE_ID``, template data ``code`` / ``status`` / ``note`` and a
``tracking_id`` that Zalo's ``user_received_message`` receipt brings back. Transaction messages
are being discontinued by Zalo and are not used.

The consultation message itself stays deferred: when the citizen writes again they receive the
whole text too. One ZNS per outbox row at most (``zns_notices.outbox_id`` is UNIQUE). Followers
and citizens without a phone are not sent ZNS: their notice waits, and staff see that it waits.
The phone number never reaches a log line.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import aiohttp

from bot.channels.zalo_api import ZaloApi, ZaloHttpError
from handlers.texts import Texts
from handlers.texts.workflow import WorkflowTexts
from handlers.texts.zalo_reach import ZaloReachTexts
from handlers.types import shorten
from storage import reach
from storage.db import Database
from storage.models import Petition
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)

ZNS_PATH = "/message/template"
QUOTA_PATH = "/v3.0/oa/quota/message"
WINDOW = dt.timedelta(days=7)
PARAM_LIMIT = 30
NOTE_LIMIT = 90


def international(phone: str) -> str | None:
    """'0912345678' → '84912345678' (the form ZNS wants); None when it is not a VN number."""
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        return digits
    if digits.startswith("0") and len(digits) >= 10:
        return "84" + digits[1:]
    return None


class ZnsNotifier:
    """Sends ZNS for petition notices that missed the window; records receipts."""

    def __init__(
        self,
        api: ZaloApi,
        db: Database,
        template_id: str,
        base_url: str,
        texts: Callable[[], Texts],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.api = api
        self.db = db
        self.template_id = template_id
        self.url = base_url.rstrip("/") + ZNS_PATH
        self.texts = texts
        self.clock = clock

    async def _eligible(self, message: ClaimedMessage) -> Petition | None:
        """The petition when this row is its own citizen's notice and they gave a phone."""
        async with self.db.read() as session:
            petition_id = await reach.outbox_petition(session, message.id)
            if petition_id is None:
                return None
            petition = await session.get(Petition, petition_id)
        if petition is None or petition.identity_id != message.identity_id:
            return None
        if not petition.contact_phone or petition.consent_at is None:
            return None
        return petition

    async def window_closed(self, message: ClaimedMessage, token: str) -> bool:
        """Ask Zalo before sending a petition notice: is the last interaction too old?"""
        if await self._eligible(message) is None:
            return False
        try:
            result = await self.api.post_json(token, QUOTA_PATH, {"user_id": message.recipient})
        except (TimeoutError, aiohttp.ClientError, ZaloHttpError):
            return False  # unknown: just try the message
        if not result.ok:
            return False
        try:
            last = int(str(result.data.get("last_interaction", "")).strip()) / 1000
        except ValueError:
            return False
        last_at = dt.datetime.fromtimestamp(last, dt.UTC)
        return self.clock() - last_at > WINDOW

    async def after_window(self, message: ClaimedMessage, token: str) -> str:
        """Tell the citizen by ZNS if we may; returns the note for the row's ``last_error``."""
        texts = ZaloReachTexts.of(self.texts())
        petition = await self._eligible(message)
        if petition is None:
            return texts.waiting_for_citizen()
        async with self.db.read() as session:
            done = await reach.zns_for_outbox(session, message.id)
        if done is not None:
            return texts.told_by_zns() if done.status != "failed" else texts.zns_failed()
        phone = international(petition.contact_phone or "")
        tracking_id = f"kn{message.id}"
        error, msg_id = None, None
        if phone is None:
            error = "số điện thoại không hợp lệ cho ZNS"
        else:
            status = WorkflowTexts.of(self.texts()).status.text(petition.status, petition.status)
            body = {
                "phone": phone,
                "template_id": self.template_id,
                "template_data": {
                    "code": petition.code,
                    "status": shorten(status, PARAM_LIMIT),
                    "note": shorten(texts.zns_note(), NOTE_LIMIT),
                },
                "tracking_id": tracking_id,
            }
            try:
                result = await self.api.post_json(token, self.url, body)
            except (TimeoutError, aiohttp.ClientError, ZaloHttpError) as err:
                error = f"ZNS: {type(err).__name__}"
            else:
                if result.ok:
                    msg_id = str(result.data.get("msg_id", ""))[:64] or None
                else:
                    error = f"ZNS {result.error}: {result.message}"
        async with self.db.write() as session:
            await reach.record_zns(
                session,
                commune_id=petition.commune_id,
                petition_id=petition.id,
                outbox_id=message.id,
                tracking_id=tracking_id,
                status="failed" if error else "sent",
                now=self.clock(),
                error=error,
                zalo_msg_id=msg_id,
            )
        if error:
            log.warning("Zalo: không gửi được ZNS cho kiến nghị %s (%s)", petition.code, error)
            return texts.zns_failed()
        log.info("Zalo: đã báo kiến nghị %s qua ZNS", petition.code)
        return texts.told_by_zns()

    async def record_receipt(self, tracking_id: str) -> bool:
        """``user_received_message`` with a tracking id: the ZNS reached the phone."""
        if not tracking_id:
            return False
        async with self.db.write() as session:
            return await reach.zns_received(session, tracking_id[:48], self.clock())
