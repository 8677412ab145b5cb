"""The conversation engine: routing, flows (validation, cancel, expiry, stale buttons),
redelivery, and many users at once — on both databases."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select

from bot.admission import Admission
from bot.delivery import SendResult
from handlers.context import Context
from handlers.flow import Flow, FlowDraft
from handlers.types import Attachment, Button, Inbound
from storage.models import ConversationState, OutboxMessage


class NameStep(StrEnum):
    NAME = "name"
    CONFIRM = "confirm"


@dataclass
class NameDraft(FlowDraft):
    name: str = ""


class NameFlow(Flow[NameDraft]):
    """A two-step flow used to exercise the framework: a validated text, then a confirmation."""

    name = "test-name"
    Step = NameStep
    first_step = NameStep.NAME
    Draft = NameDraft
    cancelled_text = "Đã hủy đăng ký tên."
    expired_text = "Phiên nhập tên đã hết hạn."

    async def prompt_name(self, ctx: Context) -> None:
        ctx.reply("Tên bạn là gì?", buttons=[self.cancel_button(ctx)])

    async def on_name(self, ctx: Context, value: str | None) -> None:
        text = ctx.inbound.clean_text
        if len(text) < 2:
            await self.reprompt(ctx, "Tên cần ít nhất 2 ký tự.")
            return
        self.update(ctx, name=text)
        await self.goto(ctx, NameStep.CONFIRM)

    async def prompt_confirm(self, ctx: Context) -> None:
        ctx.reply(
            f"Xác nhận tên: {self.draft(ctx).name}?",
            buttons=[ctx.button("Đúng", "yes"), ctx.button("Sai", "no")],
        )

    async def on_confirm(self, ctx: Context, value: str | None) -> None:
        name = self.draft(ctx).name
        if value == "yes":
            ctx.reply(f"Đã lưu: {name}", meta={"saved": name})
            self.finish(ctx)
        elif value == "no":
            await self.goto(ctx, NameStep.NAME)
        else:
            await self.reprompt(ctx, "Bạn bấm Đúng hoặc Sai.")


def _install_flow(runtime) -> None:
    flow = runtime.registry.add_flow(NameFlow())

    async def start(ctx: Context, args: str) -> None:
        await flow.start(ctx)

    runtime.registry.command("ten")(start)


def msg(user: str, text: str | None = None, payload: str | None = None, **kw) -> Inbound:
    return Inbound(channel="web", user_key=user, text=text, payload=payload, **kw)


def payloads(replies) -> list[str]:
    return [b.payload for r in replies for b in r.buttons if b.payload]


async def test_greeting_and_faq_are_routed_by_intent(runtime) -> None:
    greeting = await runtime.engine.handle(msg("u1", "xin chào"))
    assert greeting.replies[0].meta["intent"] == "greeting"
    answer = await runtime.engine.handle(msg("u1", "lam lai can cuoc bi mat o dau"))
    assert answer.replies[0].meta["intent"] == "faq"
    assert answer.replies[0].meta["topic"] == "can-cuoc-card"


async def test_menu_command_and_payloads(runtime) -> None:
    menu = await runtime.engine.handle(msg("u1", "/start"))
    assert "cmd:kiennghi" in payloads(menu.replies)
    assert len(menu.replies[0].buttons) <= 5  # Zalo shows at most five
    sub = await runtime.engine.handle(msg("u1", payload="menu:ask"))
    topic_payloads = payloads(sub.replies)
    assert "topic:vneid-register" in topic_payloads
    answer = await runtime.engine.handle(msg("u1", payload="topic:vneid-register"))
    assert answer.replies[0].meta["topic"] == "vneid-register"
    plain_menu = await runtime.engine.handle(msg("u1", "Menu"))
    assert "cmd:kiennghi" in payloads(plain_menu.replies)


async def test_unknown_command_lists_the_commands(runtime) -> None:
    result = await runtime.engine.handle(msg("u1", "/xyz"))
    assert "/xyz" in result.replies[0].text
    assert "/start" in result.replies[0].text
    assert result.replies[0].buttons


async def test_empty_and_media_only_messages_get_guidance(runtime) -> None:
    empty = await runtime.engine.handle(msg("u1", "   "))
    assert "chưa nhận được nội dung" in empty.replies[0].text
    photo = await runtime.engine.handle(
        msg("u1", attachments=(Attachment(kind="photo", ref="file-1"),))
    )
    assert "chỉ đọc được tin nhắn chữ" in photo.replies[0].text
    assert "cmd:kiennghi" in payloads(photo.replies)


async def test_flow_validates_reprompts_and_completes(runtime) -> None:
    _install_flow(runtime)
    engine = runtime.engine
    await engine.handle(msg("u1", "/ten"))
    bad = await engine.handle(msg("u1", "A"))
    assert bad.replies[0].text == "Tên cần ít nhất 2 ký tự."
    assert bad.replies[1].text == "Tên bạn là gì?"
    confirm = await engine.handle(msg("u1", "Lan"))
    yes = next(p for p in payloads(confirm.replies) if p.endswith(":yes"))
    done = await engine.handle(msg("u1", payload=yes))
    assert done.replies[0].meta == {"saved": "Lan"}
    # The flow is over: the same text is now routed by intent, not to the flow.
    after = await engine.handle(msg("u1", "xin chào"))
    assert after.replies[0].meta["intent"] == "greeting"


async def test_active_flow_step_comes_before_intent(runtime) -> None:
    _install_flow(runtime)
    await runtime.engine.handle(msg("u1", "/ten"))
    # "xin chào" would be a greeting, but the flow is waiting for a name.
    result = await runtime.engine.handle(msg("u1", "xin chào"))
    assert result.replies[0].text.startswith("Xác nhận tên: xin chào")


async def test_a_command_during_a_flow_runs_and_the_flow_waits(runtime) -> None:
    _install_flow(runtime)
    await runtime.engine.handle(msg("u1", "/ten"))
    result = await runtime.engine.handle(msg("u1", "/help"))
    texts = [r.text for r in result.replies]
    assert "/kiennghi" in texts[0] or "/huy" in texts[0]
    assert "đang làm dở" in texts[-1]  # one short line, not the whole question again
    assert payloads(result.replies[-1:]) == ["cmd:tieptuc", "cmd:huy"]
    resumed = await runtime.engine.handle(msg("u1", payload="cmd:tieptuc"))
    assert resumed.replies[0].text == "Tên bạn là gì?"
    named = await runtime.engine.handle(msg("u1", "Hoa"))
    assert named.replies[0].text.startswith("Xác nhận tên: Hoa")


async def test_cancel_ends_the_flow(runtime) -> None:
    _install_flow(runtime)
    await runtime.engine.handle(msg("u1", "/ten"))
    cancelled = await runtime.engine.handle(msg("u1", "/huy"))
    assert cancelled.replies[0].text == "Đã hủy đăng ký tên."
    nothing = await runtime.engine.handle(msg("u1", "Huỷ"))
    assert "không có việc gì" in nothing.replies[0].text
    # The cancel button (a payload) works the same way.
    await runtime.engine.handle(msg("u1", "/ten"))
    again = await runtime.engine.handle(msg("u1", payload="cmd:huy"))
    assert again.replies[0].text == "Đã hủy đăng ký tên."


async def test_stale_double_tapped_and_foreign_buttons_change_nothing(runtime) -> None:
    _install_flow(runtime)
    engine = runtime.engine
    await engine.handle(msg("u1", "/ten"))
    confirm = await engine.handle(msg("u1", "Minh"))
    yes = next(p for p in payloads(confirm.replies) if p.endswith(":yes"))

    # Another user pressing (or forging) u1's button: not theirs.
    await engine.handle(msg("u2", "/ten"))
    foreign = await engine.handle(msg("u2", payload=yes))
    assert "tin nhắn cũ" in foreign.replies[0].text
    assert foreign.replies[1].text == "Tên bạn là gì?"

    first = await engine.handle(msg("u1", payload=yes))
    assert first.replies[0].meta == {"saved": "Minh"}
    double = await engine.handle(msg("u1", payload=yes))
    assert "tin nhắn cũ" in double.replies[0].text
    assert all(r.meta.get("saved") is None for r in double.replies)

    # A button of an earlier step of the same flow instance is stale too.
    await engine.handle(msg("u3", "/ten"))
    step_confirm = await engine.handle(msg("u3", "Nam"))
    no = next(p for p in payloads(step_confirm.replies) if p.endswith(":no"))
    await engine.handle(msg("u3", payload=no))  # back to the name step
    stale = await engine.handle(msg("u3", payload=no))
    assert "tin nhắn cũ" in stale.replies[0].text


async def test_abandoned_flow_expires_on_next_message(runtime, clock) -> None:
    _install_flow(runtime)
    await runtime.engine.handle(msg("u1", "/ten"))
    clock.advance(hours=runtime.profile.petitions.draft_expiry_hours, minutes=1)
    result = await runtime.engine.handle(msg("u1", "xin chào"))
    assert result.replies[0].text == "Phiên nhập tên đã hết hạn."
    assert result.replies[1].meta["intent"] == "greeting"


async def test_expiry_sweeper_closes_flows_and_tells_the_user(runtime, clock) -> None:
    _install_flow(runtime)
    await runtime.engine.handle(msg("u1", "/ten"))
    await runtime.engine.handle(msg("u2", "/ten"))
    clock.advance(hours=1)
    assert await runtime.engine.expire_flows() == 0
    await runtime.engine.handle(msg("u2", "Hai"))  # u2 is still active: expiry moves forward
    clock.advance(hours=runtime.profile.petitions.draft_expiry_hours - 0.5)
    assert await runtime.engine.expire_flows() == 1
    async with runtime.db.read() as session:
        rows = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "push")))
            .scalars()
            .all()
        )
    assert [(r.recipient, r.body["text"]) for r in rows] == [("u1", "Phiên nhập tên đã hết hạn.")]


async def test_a_redelivered_message_is_handled_once(runtime) -> None:
    _install_flow(runtime)
    await runtime.engine.handle(msg("u1", "/ten"))
    first = await runtime.engine.handle(msg("u1", "Lan", external_id="u1:m-1"))
    again = await runtime.engine.handle(msg("u1", "Lan", external_id="u1:m-1"))
    assert not first.duplicate and again.duplicate
    assert [r.text for r in again.replies] == [r.text for r in first.replies]
    async with runtime.db.read() as session:
        state = (await session.execute(select(ConversationState))).scalar_one()
    assert state.message_count == 2
    assert state.step == "confirm"


async def test_fifty_messages_from_ten_users_at_once(runtime) -> None:
    """No lost update, no 'database is locked', every reply delivered exactly once."""
    sent: list[int] = []

    class CountingSender:
        channel = "telegram"

        async def send(self, message) -> SendResult:
            await asyncio.sleep(0)
            sent.append(message.id)
            return SendResult.ok()

    runtime.add_sender(CountingSender())
    messages = [
        Inbound(channel="telegram", user_key=f"user-{u}", text=text, external_id=f"{u}-{i}")
        for u in range(10)
        for i, text in enumerate(["xin chào", "/menu", "mat cccd", "cam on", "/help"])
    ]
    # Through admission control, as every caller in the bot enters (web chat, ingest worker):
    # at most MAX_CONCURRENT_MESSAGES in the engine, the rest wait for a slot.
    gate = Admission(runtime.settings.max_concurrent_messages, max_waiting=100, wait=60)

    async def handle(message: Inbound):
        async with gate.slot():
            return await runtime.engine.handle(message)

    results = await asyncio.gather(*(handle(m) for m in messages))
    assert not any(r.duplicate for r in results)
    expected_replies = sum(len(r.replies) for r in results)

    async with runtime.db.read() as session:
        counts = (await session.execute(select(ConversationState.message_count))).scalars().all()
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert sorted(counts) == [5] * 10
    assert queued == expected_replies

    # Two workers share the queue, as two processes would.
    other = type(runtime.worker)(runtime.db, runtime.worker.senders, clock=runtime.clock)
    while True:
        done = await asyncio.gather(runtime.worker.run_once(), other.run_once())
        if not any(done):
            break
    assert len(sent) == expected_replies
    assert len(set(sent)) == expected_replies
    async with runtime.db.read() as session:
        statuses = (await session.execute(select(OutboxMessage.status))).scalars().all()
    assert set(statuses) == {"sent"}


async def test_link_buttons_survive_the_outbox(runtime) -> None:
    """A redelivered message gets its replies back from the outbox rows: links included."""
    entry = next(e for e in runtime.kb.entries.values() if e.links)
    first = await runtime.engine.handle(msg("l1", payload=f"faq:{entry.id}", external_id="l1:1"))
    again = await runtime.engine.handle(msg("l1", payload=f"faq:{entry.id}", external_id="l1:1"))
    assert again.duplicate
    links = [b for b in again.replies[0].buttons if b.url]
    assert links == [Button(text=link.text, url=link.url) for link in entry.links][: len(links)]
    assert links and again.replies[0].buttons == first.replies[0].buttons


async def test_the_full_introduction_once_then_a_short_menu(runtime) -> None:
    first = await runtime.engine.handle(msg("m1", "menu"))  # a first message: introduce
    assert "Tôi có thể:" in first.replies[0].text
    again = await runtime.engine.handle(msg("m1", "menu"))
    assert "Tôi có thể:" not in again.replies[0].text and "trợ lý ảo" in again.replies[0].text
    assert len(again.replies[0].text) < 150 and "cmd:kiennghi" in payloads(again.replies)
    start = await runtime.engine.handle(msg("m1", "/start"))
    assert "Tôi có thể:" in start.replies[0].text


async def test_answers_turn_what_they_say_to_type_into_buttons(runtime) -> None:
    kb = runtime.kb
    told = next(
        e for e in kb.entries.values() if 'nhắn "' in kb.render(e) and "/kiennghi" in kb.render(e)
    )
    reply = (await runtime.engine.handle(msg("a1", payload=f"faq:{told.id}"))).replies[0]
    buttons = {b.text: b.payload for b in reply.buttons}
    assert buttons.get("📝 Gửi kiến nghị") == "cmd:kiennghi"
    asked = [(text, p) for text, p in buttons.items() if p and p.startswith("ask:")]
    assert asked and len(reply.buttons) <= 5 and reply.buttons[-1].payload == "cmd:menu"
    label, ask = asked[0]
    assert label.startswith("💬 ") and ask[4:].lower() in kb.render(told).lower()
    answered = await runtime.engine.handle(msg("a1", payload=ask))
    expected = await runtime.engine.handle(msg("a2", ask[4:]))  # as if typed
    assert answered.replies[0].text == expected.replies[0].text


async def test_the_petition_words_alone_start_a_petition(runtime) -> None:
    for words in ("gửi kiến nghị", "gui kien nghi", "Kiến nghị", "phan anh"):
        result = await runtime.engine.handle(msg(f"p-{words}", words))
        assert "bước 1/5" in result.replies[0].text, words
    how = await runtime.engine.handle(msg("p-how", "cách gửi kiến nghị như thế nào"))
    assert "bước 1/5" not in how.replies[0].text  # a question about it is answered instead


async def test_a_nod_is_not_an_unanswered_question(runtime) -> None:
    from storage.models import UnansweredQuestion

    for text in ("👍", "ok", "?", "vâng"):
        result = await runtime.engine.handle(msg("n1", text))
        reply = result.replies[0]
        assert reply.meta.get("intent") in ("ack", "greeting"), (text, reply.text)
        assert "Xin lỗi" not in reply.text and "cmd:kiennghi" in payloads(result.replies)
    async with runtime.db.read() as session:
        counted = (await session.execute(select(func.count(UnansweredQuestion.id)))).scalar()
    assert counted == 0
