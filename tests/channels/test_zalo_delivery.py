"""Sending through Zalo's /v3.0/oa/message/cs: rendering, splitting, and every kind of refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.channels.zalo_sender import MAX_BUTTONS, TEXT_LIMIT, render
from handlers.payloads import Payload
from handlers.types import Button, Reply
from tests.channels.harness import flush, outbox_row, queue

USER = "5500000000000000001"


@dataclass(frozen=True)
class VillageChoice(Payload, prefix="v"):
    """A button payload only these tests use."""

    value: str


def _buttons(message: dict) -> list[dict]:
    return ((message.get("attachment") or {}).get("payload") or {}).get("buttons", [])


def test_rendering_of_payload_link_and_share_buttons() -> None:
    reply = Reply(
        text="Chọn một mục",
        buttons=[
            Button("📝 Gửi kiến nghị", payload="cmd:kiennghi"),
            Button("Cổng dịch vụ công", url="https://dichvucong.gov.vn"),
            Button("📱 Gửi số điện thoại", request="contact"),
        ],
    )
    [message] = render(reply)
    assert message["text"] == "Chọn một mục"
    assert _buttons(message) == [
        {"title": "📝 Gửi kiến nghị", "type": "oa.query.show", "payload": "📝 Gửi kiến nghị"},
        {
            "title": "Cổng dịch vụ công",
            "type": "oa.open.url",
            "payload": {"url": "https://dichvucong.gov.vn"},
        },
    ]
    assert render(Reply(text="x" * 5000))[0]["text"] == "x" * TEXT_LIMIT


async def test_more_than_five_buttons_continue_under_a_second_message(zalo) -> None:
    runtime = zalo.runtime
    villages = [Button(f"Thôn {i}", payload=f"v:{i}") for i in range(1, 8)]
    await queue(runtime, "zalo", USER, "Bạn ở thôn nào?", villages)
    await flush(runtime)
    first, second = zalo.fake.to(USER)  # the fake refuses more than 5 buttons per message
    assert first["text"] == "Bạn ở thôn nào?"
    assert [b["title"] for b in _buttons(first)] == [f"Thôn {i}" for i in range(1, 6)]
    assert [b["title"] for b in _buttons(second)] == ["Thôn 6", "Thôn 7"]
    assert len(_buttons(first)) == MAX_BUTTONS


async def test_a_tap_on_the_sixth_button_still_maps_back(zalo) -> None:
    runtime = zalo.runtime
    chosen = []

    async def on_village(ctx, press: VillageChoice) -> None:
        chosen.append(press.value)
        ctx.reply(f"Đã chọn thôn {press.value}")

    runtime.registry.payload(VillageChoice)(on_village)
    await queue(
        runtime,
        "zalo",
        USER,
        "Bạn ở thôn nào?",
        [Button(f"Thôn {i}", payload=f"v:{i}") for i in range(1, 8)],
    )
    await flush(runtime)
    chat = zalo.chat(USER)
    chat.new()
    await chat.say("Thôn 6")
    assert chosen == ["6"] and chat.text == "Đã chọn thôn 6"


async def test_an_oversized_text_is_split_with_buttons_on_the_last_part(zalo) -> None:
    runtime = zalo.runtime
    text = "\n".join(
        f"Bước {i}: " + "chuẩn bị giấy tờ và nộp tại bộ phận một cửa. " * 4 for i in range(40)
    )
    assert len(text) > 2 * TEXT_LIMIT
    await queue(runtime, "zalo", USER, text, [Button("🏠 Menu chính", payload="cmd:menu")])
    await flush(runtime)
    parts = zalo.fake.to(USER)
    assert len(parts) >= 3 and parts == render(
        Reply(text=text, buttons=[Button("🏠 Menu chính", payload="cmd:menu")])
    )
    assert all(len(p["text"]) <= TEXT_LIMIT for p in parts)
    assert [bool(_buttons(p)) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert "".join("".join(p["text"].split()) for p in parts) == "".join(text.split())


async def test_outside_the_window_a_message_waits_for_the_citizens_next_message(zalo) -> None:
    runtime = zalo.runtime
    chat = zalo.chat(USER)
    await chat.say("menu")
    zalo.fake.fail_send(-230)  # no interaction in 7 days
    notice = await queue(runtime, "zalo", USER, "Kiến nghị AB12CD34 đã có kết quả trả lời.")
    await flush(runtime)
    row = await outbox_row(runtime, notice)
    assert row.status == "deferred" and "-230" in row.last_error
    assert len(zalo.fake.to(USER)) == 1  # only the menu
    await flush(runtime)
    assert (await outbox_row(runtime, notice)).status == "deferred"  # no retrying meanwhile
    chat.new()
    messages = await chat.say("xin chào")
    assert messages[0]["text"] == "Kiến nghị AB12CD34 đã có kết quả trả lời."
    assert len(messages) == 2  # then the answer to "xin chào"
    assert (await outbox_row(runtime, notice)).status == "sent"


async def test_not_following_and_expired_interaction_also_defer(zalo) -> None:
    for code in (-232, -213):
        zalo.fake.fail_send(code)
        message_id = await queue(zalo.runtime, "zalo", USER, f"tin {code}")
        await flush(zalo.runtime)
        assert (await outbox_row(zalo.runtime, message_id)).status == "deferred"


async def test_rate_limit_and_server_errors_back_off_and_retry(zalo, clock) -> None:
    runtime = zalo.runtime
    zalo.fake.fail_send(-32)
    limited = await queue(runtime, "zalo", USER, "tin 1")
    await flush(runtime)
    row = await outbox_row(runtime, limited)
    assert row.status == "pending" and row.next_attempt_at >= clock.now + dt.timedelta(seconds=60)
    clock.advance(seconds=61)
    await flush(runtime)
    assert (await outbox_row(runtime, limited)).status == "sent"

    zalo.fake.fail_send_http(503, times=2)
    flaky = await queue(runtime, "zalo", USER, "tin 2")
    await flush(runtime)
    assert (await outbox_row(runtime, flaky)).attempts == 1
    clock.advance(seconds=3)
    await flush(runtime)
    assert (await outbox_row(runtime, flaky)).attempts == 2
    clock.advance(seconds=5)
    await flush(runtime)
    assert (await outbox_row(runtime, flaky)).status == "sent"
    assert [m["text"] for m in zalo.fake.to(USER)] == ["tin 1", "tin 2"]


async def test_other_errors_fail_and_are_recorded(zalo) -> None:
    zalo.fake.fail_send(-201)
    message_id = await queue(zalo.runtime, "zalo", USER, "x")
    await flush(zalo.runtime)
    row = await outbox_row(zalo.runtime, message_id)
    assert row.status == "failed" and "-201" in row.last_error


async def test_a_part_already_delivered_is_not_sent_again(zalo, clock) -> None:
    runtime = zalo.runtime
    text = "\n\n".join(f"Đoạn {i}: " + "nội dung dài " * 150 for i in range(2))
    zalo.fake.fail_send_http(502, after=1)
    message_id = await queue(runtime, "zalo", USER, text)
    await flush(runtime)
    assert len(zalo.fake.to(USER)) == 1
    clock.advance(seconds=5)
    await flush(runtime)
    texts = [m["text"] for m in zalo.fake.to(USER)]
    assert len(texts) == len(set(texts)) == len(render(Reply(text=text)))
    assert (await outbox_row(runtime, message_id)).status == "sent"
