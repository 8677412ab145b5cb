"""Citizens on Telegram and Zalo, driven end to end through the fakes and the real adapters.

A chat sends what the platform would send (a webhook POST, or an update served to the polling
bot), lets the delivery worker send the outbox through the real adapter, and reads what reached
the fake platform — so every assertion is about what a citizen would actually see.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from handlers import outgoing
from handlers.outgoing import NoticeTarget, Outgoing
from handlers.types import Button, Reply
from storage import identities
from storage.models import ChannelIdentity, InboundEvent, OutboxMessage
from tests.channels import fake_telegram as tg
from tests.channels import fake_zalo as zl
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.fake_zalo import FakeZalo
from tests.conftest import make_settings

WEBHOOK_SECRET = "s3cr3t_Token-for-tests"


async def make_runtime(db_url: str, clock: Any, content: Any, **env: str) -> Runtime:
    return await build_runtime(
        make_settings(db_url, **env),
        clock=clock,
        migrate=False,
        content=content,
        worker_options={"jitter": 0.0},
    )


@contextlib.asynccontextmanager
async def serve(runtime: Runtime) -> AsyncIterator[TestClient]:
    """The whole app on a test server (startup runs the channels' cleanup contexts)."""
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as client:
        yield client


def telegram_env(fake: FakeTelegram, *, webhook: bool, **extra: str) -> dict[str, str]:
    env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url}
    if webhook:
        env["TELEGRAM_WEBHOOK_URL"] = "https://xa.example.vn/webhook/telegram"
        env["TELEGRAM_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    env.update(extra)
    return env


def zalo_env(fake: FakeZalo, pair: tuple[str, str] | None = None, **extra: str) -> dict[str, str]:
    env = {
        "ZALO_APP_ID": fake.app_id,
        "ZALO_APP_SECRET": fake.app_secret,
        "ZALO_OA_SECRET_KEY": zl.OA_SECRET_KEY,
        "ZALO_API_BASE_URL": fake.url,
        "ZALO_OAUTH_BASE_URL": fake.url,
    }
    if pair is not None:
        env["ZALO_ACCESS_TOKEN"], env["ZALO_REFRESH_TOKEN"] = pair
    env.update(extra)
    return env


async def flush(runtime: Runtime, rounds: int = 20) -> None:
    """Let the ingest worker process the stored webhook events, then the delivery worker send
    everything that is due now."""
    await runtime.ingest.drain()
    for _ in range(rounds):
        if not await runtime.worker.run_once():
            return


async def queue(
    runtime: Runtime,
    channel: str,
    recipient: str,
    text: str,
    buttons: list[Button] | None = None,
    *,
    kind: str = "push",
    identity: bool = True,
) -> int:
    """Put a message in the outbox as a handler or a staff action would (through the one path,
    ``handlers.outgoing``, which also records its buttons); returns its id."""
    reply = Reply(text=text, buttons=list(buttons or []))
    out = Outgoing()
    async with runtime.db.write() as session:
        if identity:
            who = await identities.get_or_create_identity(
                session, runtime.services.commune_id, channel, recipient
            )
            out.push(who, reply)
        else:
            out.notice(NoticeTarget(channel, recipient), reply)
        assert kind == ("push" if identity else "notice")
        await outgoing.write(
            session,
            commune_id=runtime.services.commune_id,
            now=runtime.clock(),
            capabilities=runtime.services.capabilities,
            out=out,
        )
        newest = select(func.max(OutboxMessage.id)).where(OutboxMessage.recipient == recipient)
        return int(await session.scalar(newest) or 0)


async def outbox_row(runtime: Runtime, message_id: int) -> OutboxMessage:
    async with runtime.db.read() as session:
        return (
            await session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id))
        ).scalar_one()


async def identity_of(runtime: Runtime, channel: str, user: str) -> ChannelIdentity:
    async with runtime.db.read() as session:
        found = await identities.find_identity(session, runtime.services.commune_id, channel, user)
    assert found is not None
    return found


def record_inbound(runtime: Runtime) -> list[Any]:
    """Every Inbound the engine routes from now on (a pass-through interceptor)."""
    seen: list[Any] = []

    async def interceptor(ctx: Any) -> bool:
        seen.append(ctx.inbound)
        return False

    runtime.registry.interceptors.append(interceptor)
    return seen


class TelegramBot:
    """The Telegram side of a running app: deliver updates as Telegram would."""

    def __init__(self, runtime: Runtime, client: TestClient, fake: FakeTelegram) -> None:
        self.runtime = runtime
        self.client = client
        self.fake = fake
        self.channel = runtime.telegram
        self.webhook = bool(runtime.settings.telegram_webhook_url)

    async def ready(self) -> None:
        await asyncio.wait_for(self.channel.ready.wait(), timeout=10)

    async def post(self, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET):
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        response = await self.client.post("/webhook/telegram", json=update, headers=headers)
        await self.runtime.ingest.drain()  # the worker's part, run here (no background tasks)
        return response

    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand one update to the bot and wait until the engine has recorded it."""
        if self.webhook:
            response = await self.post(update)
            assert response.status == 200, await response.text()
            return
        self.fake.push_update(update)
        external_id = f"{self.fake.bot_id}:{update['update_id']}"
        for _ in range(200):
            async with self.runtime.db.read() as session:
                found = await session.scalar(
                    select(InboundEvent.id).where(
                        InboundEvent.channel == "telegram",
                        InboundEvent.external_id == external_id,
                    )
                )
            if found is not None:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the polling bot never handled the update")

    def chat(self, user_id: int) -> TelegramChat:
        return TelegramChat(self, user_id)


class TelegramChat:
    """One citizen in a private chat with the bot."""

    def __init__(self, bot: TelegramBot, user_id: int) -> None:
        self.bot = bot
        self.user_id = user_id
        self.seen = 0
        self.last: list[dict[str, Any]] = []

    @property
    def all(self) -> list[dict[str, Any]]:
        return self.bot.fake.sent_to(self.user_id)

    async def send(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver an update, flush the outbox, return the messages that arrived."""
        await self.bot.deliver(update)
        await flush(self.bot.runtime)
        return self.new()

    def new(self) -> list[dict[str, Any]]:
        messages = self.all
        self.last = messages[self.seen :]
        self.seen = len(messages)
        return self.last

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.send(tg.text_update(self.user_id, text))

    def buttons(self) -> list[dict[str, Any]]:
        found = []
        for message in self.last:
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []) + markup.get("keyboard", []):
                found += [b if isinstance(b, dict) else {"text": b} for b in row]
        return found

    def button(self, label: str) -> dict[str, Any]:
        for button in self.buttons():
            if label.lower() in button["text"].lower():
                return button
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons()]}")

    async def press(self, label: str) -> list[dict[str, Any]]:
        """Press an inline button (callback) or a reply-keyboard button (sends its label)."""
        button = self.button(label)
        if "callback_data" in button:
            return await self.send(tg.callback_update(self.user_id, button["callback_data"]))
        return await self.say(button["text"])

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.last)


class ZaloOA:
    """The Zalo side of a running app: signed webhook deliveries."""

    def __init__(self, runtime: Runtime, client: TestClient, fake: FakeZalo) -> None:
        self.runtime = runtime
        self.client = client
        self.fake = fake

    async def post(self, body: dict[str, Any]):
        raw, headers = zl.encode(body)
        response = await self.client.post("/webhook/zalo", data=raw, headers=headers)
        await self.runtime.ingest.drain()  # the worker's part, run here (no background tasks)
        return response

    def chat(self, user_id: str | None = None) -> ZaloChat:
        return ZaloChat(self, user_id)


_zalo_users = itertools.count(1)


class ZaloChat:
    """One follower of the OA talking to it."""

    def __init__(self, oa: ZaloOA, user_id: str | None = None) -> None:
        self.oa = oa
        self.user_id = user_id or f"84{next(_zalo_users):017d}"
        self.seen = 0
        self.last: list[dict[str, Any]] = []

    async def send(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        response = await self.oa.post(body)
        assert response.status == 200, await response.text()
        await flush(self.oa.runtime)
        return self.new()

    def new(self) -> list[dict[str, Any]]:
        messages = self.oa.fake.to(self.user_id)
        self.last = messages[self.seen :]
        self.seen = len(messages)
        return self.last

    async def say(self, text: str, msg_id: str | None = None) -> list[dict[str, Any]]:
        return await self.send(zl.message_event("user_send_text", self.user_id, msg_id, text=text))

    def buttons(self) -> list[dict[str, Any]]:
        found = []
        for message in self.last:
            payload = (message.get("attachment") or {}).get("payload") or {}
            found += payload.get("buttons", [])
        return found

    def button(self, label: str) -> dict[str, Any]:
        for button in self.buttons():
            if label.lower() in button["title"].lower():
                return button
        raise AssertionError(f"no button {label!r} in {[b['title'] for b in self.buttons()]}")

    async def press(self, label: str) -> list[dict[str, Any]]:
        """Tap an ``oa.query.show`` button: Zalo sends its query string as the user's text."""
        button = self.button(label)
        assert button["type"] == "oa.query.show"
        return await self.say(button["payload"])

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.last)
