"""The Zalo Official Account channel: webhook in, customer-service messages out.

POST /webhook/zalo:
- an empty body is Zalo's "is this URL alive?" check when the webhook is registered → 200;
- an unsigned body that does not name our app id (a sample event posted while the URL is
  registered) → 200, logged by shape and dropped: nothing unsigned is stored or acted on;
- otherwise ``X-ZEvent-Signature: mac=<hex>`` must equal SHA-256 over app_id + the raw body as
  received + timestamp + the OA Secret Key (plain SHA-256, not HMAC; ``app_id`` and ``timestamp``
  from the body), compared in constant time, and the body's ``app_id`` must be ours → else 403;
- the signature is checked on the raw bytes before the JSON is parsed, and a signed timestamp
  more than ``MAX_CLOCK_SKEW`` in the future is refused (403);
- the raw event is stored (``bot.ingest``: one INSERT, UNIQUE on the ``msg_id``) and the 200
  sent at once; the ingest worker processes it afterwards, in order per citizen — so the answer
  takes milliseconds, far inside Zalo's 2 seconds, and a redelivered ``msg_id`` is dropped;
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
import itertools
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from bot.channels.webhook import event_key, forbidden, malformed, parse_object
from bot.channels.zalo_api import ZaloApi
from bot.channels.zalo_events import ParsedEvent, as_str, describe_refusal, parse_event
from bot.channels.zalo_sender import CAPABILITIES, ZaloSender, contact_form
from bot.channels.zalo_status import ZaloStatus, probe_oa
from bot.channels.zalo_tokens import ZaloTokens
from bot.channels.zalo_zns import ZnsNotifier
from bot.config import Settings, verification_code
from bot.ingest import IngestQueue
from handlers.engine import Engine
from handlers.sanitize import clean_inbound
from handlers.texts import Texts
from handlers.texts.zalo_reach import ZaloReachTexts
from handlers.types import Inbound
from storage.db import Database
from storage.ingest import ClaimedEvent, NewEvent

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
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
CHANNEL = "zalo"
# "timestamp": "1700000000000" or 1700000000000, found in the raw bytes before parsing
TIMESTAMP_RE = re.compile(rb'"timestamp"\s*:\s*"?(\d{1,20})"?')
MAX_SCAN = 1024**2


def is_future(timestamp: str, now: float | None = None) -> bool:
    """True when the signed ``timestamp`` lies more than MAX_CLOCK_SKEW ahead of the wall clock:
    such an event would outlive the staleness check and could be replayed for as long."""
    try:
        sent = int(str(timestamp).strip()) / 1000
    except ValueError:
        return False
    current = time.time() if now is None else now
    return sent - current > MAX_CLOCK_SKEW.total_seconds()


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
        ingest: IngestQueue | None = None,
    ) -> None:
        self.engine = engine
        self.ingest = ingest
        self.commune_id = commune_id
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

    def _signed_timestamp(self, raw: bytes, header: str) -> str | None:
        """The body's timestamp under which the raw body is correctly signed, before any JSON
        parsing (Zalo signs app id + body + timestamp, and the timestamp is in the body: each
        ``"timestamp": …`` found in the bytes is tried); None when the signature is wrong."""
        found = itertools.islice(TIMESTAMP_RE.finditer(raw, 0, MAX_SCAN), 4)
        candidates = [m.group(1).decode() for m in found]
        for timestamp in candidates or [""]:
            if signature_ok(header, self.app_id, raw, timestamp, self.oa_secret_key):
                return timestamp
        return None

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not raw.strip():
            return web.json_response({"ok": True})  # Zalo's registration check
        header = request.headers.get(SIGNATURE_HEADER, "")
        timestamp = self._signed_timestamp(raw, header)
        data = parse_object(raw) if timestamp is not None else None
        if timestamp is None and self._is_foreign_sample(raw, header):
            return web.json_response({"ok": True, "ignored": True})
        if timestamp is None or data is None:
            return self._refuse(raw, header, signed=timestamp is not None)
        app_id = str(data.get("app_id", ""))
        if not hmac.compare_digest(app_id.encode("utf-8"), self.app_id.encode("utf-8")) or (
            str(data.get("timestamp", "")) != timestamp
        ):
            return self._refuse(raw, header, signed=True)
        if is_future(timestamp):
            log.warning("Zalo: từ chối một sự kiện ghi thời điểm ở tương lai")
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
        try:
            inbound = self._inbound(parsed)  # the checks the engine makes, before storing
            payload = raw.decode("utf-8")
        except Exception as err:  # a shape we cannot read: acknowledged, not resent forever
            log.warning("Zalo: bỏ qua một sự kiện không đọc được (%s)", type(err).__name__)
            return web.json_response({"ok": True})
        if self.ingest is None:  # no queue (a tool wiring the channel alone): answer inline
            result = await self.engine.handle(inbound)
            return web.json_response({"ok": True, "duplicate": result.duplicate})
        key = parsed.inbound.external_id or event_key(raw)
        stored = await self.ingest.store(
            NewEvent(self.commune_id, CHANNEL, key, parsed.inbound.user_key, payload)
        )
        return web.json_response({"ok": True, "duplicate": not stored})

    def _is_foreign_sample(self, raw: bytes, header: str) -> bool:
        """An unsigned body that does not claim to be for our app — the sample event Zalo's
        console may post while the webhook URL is registered. It is acknowledged (200) so the
        registration succeeds, and dropped: nothing unsigned is ever stored or acted on. A body
        that names our app id, or any request with a wrong signature, is still refused (403)."""
        if header.strip() or len(raw) > 65536:
            return False
        data = parse_object(raw)
        if data is None or as_str(data.get("app_id")) == self.app_id:
            return False
        log.warning(
            "Zalo: nhận một sự kiện mẫu không có chữ ký (lúc đăng ký webhook?) — đã trả 200 "
            "và bỏ qua (%s)",
            describe_refusal(data, header, self.app_id, len(raw)),
        )
        return True

    def _refuse(self, raw: bytes, header: str, *, signed: bool) -> web.Response:
        """403 for an unsigned or mis-signed request, 400 for signed bytes that are not JSON;
        one log line of its shape (never its content) so an admin sees why a registration or
        an event was refused."""
        # only to describe the shape of a small body; nothing in it is acted on
        data = parse_object(raw) if len(raw) <= 65536 else None
        log.warning(
            "Zalo: từ chối một yêu cầu webhook (%s)",
            describe_refusal(data or {}, header, self.app_id, len(raw)),
        )
        return malformed() if signed and data is None else forbidden()

    def _inbound(self, parsed: ParsedEvent, key: str | None = None) -> Inbound:
        assert parsed.inbound is not None
        return dataclasses.replace(
            clean_inbound(parsed.inbound),
            maybe_label=parsed.may_be_button,
            capabilities=CAPABILITIES,
            external_id=parsed.inbound.external_id or key,
        )

    async def process(self, event: ClaimedEvent) -> None:
        """A stored event, processed by the ingest worker (the parse the webhook checked)."""
        data = parse_object(event.payload.encode("utf-8"))
        parsed = parse_event(data) if data is not None else None
        if parsed is None or parsed.inbound is None:
            return
        await self.engine.handle(self._inbound(parsed, event.external_id))

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
