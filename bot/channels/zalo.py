"""The Zalo Official Account channel: webhook in, customer-service messages out.

POST /webhook/zalo:
- an empty body is Zalo's "is this URL alive?" check when the webhook is registered → 200;
- otherwise ``X-ZEvent-Signature: mac=<hex>`` must equal SHA-256 over app_id + the raw body as
  received + timestamp + the OA Secret Key (plain SHA-256, not HMAC; ``app_id`` and ``timestamp``
  from the body), compared in constant time, and the body's ``app_id`` must be ours → else 403;
- the event is recorded and answered into the outbox in one short transaction before the 200 —
  no call to Zalo happens in the request, so the 2-second limit holds, and a redelivered
  ``msg_id`` is dropped by the engine's UNIQUE inbound key;
- an event we do not act on is acknowledged (200) and logged by name only. Message texts and
  personal data never reach the log;
- a signed event whose ``timestamp`` is more than ``MAX_EVENT_AGE`` old is acknowledged and
  dropped: Zalo retries for at most about 12 hours, and the UNIQUE inbound key that drops a
  redelivery is pruned after 14 days — without this, a captured event could be replayed then;
- a body that is not JSON — including one nested too deep for the parser, which raises
  RecursionError rather than ValueError — is a 400, never a 500 with a traceback in the log.

A tapped button arrives as ``user_send_text`` carrying the button's title (see
``bot.channels.zalo_sender``); the engine maps it back to our payload through the buttons it
offered (``handlers.typed_choices``).

GET /zalo_verifier<CODE>.html serves Zalo's domain-verification page when ZALO_SITE_VERIFICATION
is set, so verifying the domain needs no file copied onto the server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from bot.channels.webhook import forbidden, malformed, parse_object
from bot.channels.zalo_api import ZaloApi
from bot.channels.zalo_events import describe_refusal, parse_event
from bot.channels.zalo_sender import CAPABILITIES, ZaloSender, contact_form
from bot.channels.zalo_status import ZaloStatus, probe_oa
from bot.channels.zalo_tokens import ZaloTokens
from bot.channels.zalo_zns import ZnsNotifier
from bot.config import Settings, verification_code
from handlers.engine import Engine
from handlers.sanitize import clean_inbound
from handlers.texts import Texts
from handlers.texts.zalo_reach import ZaloReachTexts
from storage.db import Database

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
REFRESH_CHECK_SECONDS = 600
REFRESH_JOB = "zalo-token-refresh"
VERIFIER_PAGE = (
    '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
    '<meta property="zalo-platform-site-verification" content="{code}" />\n</head>\n'
    "<body>There Is No Limit To What You Can Accomplish Using Zalo!</body>\n</html>\n"
)
MAX_EVENT_AGE = dt.timedelta(days=3)


def is_stale(timestamp: str, now: float | None = None) -> bool:
    """True when Zalo's ``timestamp`` (milliseconds, a string) is older than MAX_EVENT_AGE.

    Compared with the wall clock, not the bot's clock: this is about when Zalo sent it. An
    unreadable or missing timestamp is not judged here (the signature covers it anyway).
    """
    try:
        sent = int(str(timestamp).strip()) / 1000
    except ValueError:
        return False
    current = time.time() if now is None else now
    return current - sent > MAX_EVENT_AGE.total_seconds()


def expected_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The hex digest Zalo puts after ``mac=`` in X-ZEvent-Signature."""
    material = app_id.encode("utf-8") + raw_body + timestamp.encode("utf-8")
    return hashlib.sha256(material + oa_secret_key.encode("utf-8")).hexdigest()


def signature_ok(header: str, app_id: str, raw_body: bytes, timestamp: str, key: str) -> bool:
    """Constant-time check of the header against the expected digest; fails closed."""
    if not key or not header:
        return False
    given = header.strip()
    if given.lower().startswith("mac="):
        given = given[4:].strip()
    expected = expected_signature(app_id, raw_body, timestamp, key)
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), expected.encode("ascii"))


def contact_form_of(texts: Texts) -> dict[str, Any]:
    """The ``request_user_info`` form in the commune's words."""
    t = ZaloReachTexts.of(texts)
    return contact_form(t.contact_form_title(), t.contact_form_subtitle())


class ZaloChannel:
    """One Official Account: its webhook, sender, tokens and health."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        db: Database,
        commune_id: str,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.engine = engine
        self.app_id = settings.zalo_app_id
        self.oa_secret_key = settings.zalo_oa_secret_key
        self.api = ZaloApi(
            settings.zalo_api_base_url,
            settings.zalo_oauth_base_url,
            settings.zalo_app_id,
            settings.zalo_app_secret,
        )
        self.tokens = ZaloTokens(
            db,
            self.api,
            commune_id,
            clock,
            seed_access_token=settings.zalo_access_token,
            seed_refresh_token=settings.zalo_refresh_token,
        )
        self.status = ZaloStatus(clock)
        self.sender = ZaloSender(self.api, self.tokens, db, self.status)
        self.sender.form = lambda: contact_form_of(engine.services.texts)
        self.zns: ZnsNotifier | None = None
        if settings.zalo_zns_template_id:
            self.zns = ZnsNotifier(
                self.api,
                db,
                settings.zalo_zns_template_id,
                settings.zalo_zns_api_base_url,
                lambda: engine.services.texts,
                clock,
            )
            self.sender.zns = self.zns

    async def health(self) -> str:
        """Degraded when the tokens are unusable or a configuration error pauses sends."""
        if await self.status.health() != "ok":
            return "degraded"
        return await self.tokens.health()

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not raw.strip():
            return web.json_response({"ok": True})  # Zalo's registration check
        data = parse_object(raw)
        if data is None:
            return malformed()
        app_id = str(data.get("app_id", ""))
        timestamp = str(data.get("timestamp", ""))
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(app_id.encode("utf-8"), self.app_id.encode("utf-8")) or not (
            signature_ok(header, app_id, raw, timestamp, self.oa_secret_key)
        ):
            log.warning(
                "Zalo: từ chối một yêu cầu webhook (%s)",
                describe_refusal(data, header, self.app_id, len(raw)),
            )
            return forbidden()
        if is_stale(timestamp):
            log.warning("Zalo: bỏ qua một sự kiện đã cũ (quá %s ngày)", MAX_EVENT_AGE.days)
            return web.json_response({"ok": True, "stale": True})
        parsed = parse_event(data)
        if parsed.receipt and self.zns is not None:
            await self.zns.record_receipt(parsed.receipt)
        if parsed.inbound is None:
            log.info("Zalo: bỏ qua sự kiện '%s'", parsed.name[:64] or "?")
            return web.json_response({"ok": True})
        inbound = dataclasses.replace(
            clean_inbound(parsed.inbound),
            maybe_label=parsed.may_be_button,
            capabilities=CAPABILITIES,
        )
        result = await self.engine.handle(inbound)
        return web.json_response({"ok": True, "duplicate": result.duplicate})

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """Adopt a newly configured token pair at start; close the HTTP session at the end."""
        try:
            await self.tokens.seed()
        except Exception as err:  # the database is checked by /healthz; do not block start-up
            log.error("Zalo: chưa đọc được token từ cơ sở dữ liệu (%s)", type(err).__name__)
        await probe_oa(self.api, self.tokens, self.status)
        yield
        await self.api.close()


async def webhook_off(request: web.Request) -> web.Response:
    """/webhook/zalo while the channel is off: registration pings pass, events are refused."""
    raw = await request.read()
    if not raw.strip():
        return web.json_response({"ok": True})
    return forbidden()


def setup_verifier(app: web.Application, raw: str) -> None:
    """GET /zalo_verifier<CODE>.html from ZALO_SITE_VERIFICATION (independent of the tokens)."""
    if not raw:
        return
    code = verification_code(raw)
    if code is None:
        log.error("ZALO_SITE_VERIFICATION không hợp lệ: chỉ dán mã xác thực (chữ, số, _ và -)")
        return
    page = VERIFIER_PAGE.format(code=code)

    async def verifier(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app.router.add_get(f"/zalo_verifier{code}.html", verifier)
