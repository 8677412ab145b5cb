"""POST /webhook/zalo: signatures, Zalo's quirks, every event we act on, and the ones we don't."""

from __future__ import annotations

import json
import logging
import time

import pytest
from sqlalchemy import func, select

from bot.channels.zalo import expected_signature, signature_ok, verification_code
from bot.channels.zalo_events import parse_event, parse_location
from handlers.types import Attachment, Contact, Location
from storage.models import InboundEvent, OutboxMessage
from tests.channels import fake_zalo as zl
from tests.channels.harness import (
    ZaloOA,
    flush,
    identity_of,
    make_runtime,
    record_inbound,
    serve,
    zalo_env,
)

USER = "8309393969855402319"  # a real-looking id beyond 2^53: must stay a string


async def _count(runtime, model) -> int:
    async with runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model))


def test_signature_is_plain_sha256_over_app_id_body_timestamp_and_oa_key() -> None:
    raw = b'{"app_id":"1","timestamp":"2"}'
    digest = expected_signature("1", raw, "2", "key")
    import hashlib

    assert digest == hashlib.sha256(b"1" + raw + b"2" + b"key").hexdigest()
    assert signature_ok(f"mac={digest}", "1", raw, "2", "key")
    assert signature_ok(f"mac={digest.upper()}", "1", raw, "2", "key")
    assert signature_ok(digest, "1", raw, "2", "key")
    assert not signature_ok(f"mac={digest}", "1", raw + b" ", "2", "key")
    assert not signature_ok(f"mac={digest}", "1", raw, "3", "key")
    assert not signature_ok(f"mac={digest}", "1", raw, "2", "")  # fails closed without a key
    assert not signature_ok("", "1", raw, "2", "key")


async def test_a_signed_event_is_accepted_and_answered(zalo) -> None:
    chat = zalo.chat(USER)
    messages = await chat.say("menu")
    assert "trợ lý ảo" in messages[0]["text"]
    assert zalo.fake.messages[0]["recipient"] == {"user_id": USER}


async def test_bad_signatures_are_refused_and_change_nothing(zalo) -> None:
    body = zl.message_event("user_send_text", USER, text="menu")
    raw, headers = zl.encode(body)
    attempts = [
        (raw, {**headers, "X-ZEvent-Signature": "mac=" + "0" * 64}),
        (raw, {"Content-Type": "application/json"}),
        (raw.replace(b"menu", b"MENU"), headers),  # body changed after signing
        (
            raw,
            {
                **headers,
                "X-ZEvent-Signature": zl.sign(
                    raw, key="another-oa-key", timestamp=body["timestamp"]
                ),
            },
        ),
    ]
    # signed correctly, but by another app
    other = dict(body, app_id="999")
    other_raw = json.dumps(other).encode()
    attempts.append(
        (other_raw, {"X-ZEvent-Signature": zl.sign(other_raw, "999", other["timestamp"])})
    )
    for data, hdrs in attempts:
        response = await zalo.client.post("/webhook/zalo", data=data, headers=hdrs)
        assert response.status == 403
    assert await _count(zalo.runtime, InboundEvent) == 0
    assert await _count(zalo.runtime, OutboxMessage) == 0


async def test_zalos_empty_registration_post_gets_200(zalo) -> None:
    for data in (b"", b"  \n"):
        response = await zalo.client.post("/webhook/zalo", data=data)
        assert response.status == 200


async def test_malformed_bodies_are_400(zalo) -> None:
    """Signed garbage is a 400; unsigned garbage is refused before it is even parsed (403)."""
    for data in (b"{not json", b"[1,2,3]", b"\xff\xfe"):
        response = await zalo.client.post(
            "/webhook/zalo", data=data, headers={"X-ZEvent-Signature": "mac=00"}
        )
        assert response.status == 403
        signed = {"X-ZEvent-Signature": zl.sign(data, zl.APP_ID, "")}
        response = await zalo.client.post("/webhook/zalo", data=data, headers=signed)
        assert response.status == 400
    assert await _count(zalo.runtime, InboundEvent) == 0


async def test_unknown_events_are_acknowledged_and_logged_by_name_only(zalo, caplog) -> None:
    caplog.set_level(logging.INFO)
    for name in ("user_send_business_card", "some_future_event", "user_seen_message"):
        body = zl.message_event(name, USER, text="Số của tôi 0912 345 678")
        response = await zalo.post(body)
        assert response.status == 200
    assert "some_future_event" in caplog.text
    assert "0912" not in caplog.text
    await flush(zalo.runtime)
    assert zalo.fake.messages == []


async def test_a_redelivered_msg_id_is_handled_once(zalo) -> None:
    body = zl.message_event("user_send_text", USER, msg_id="b8de7d84fa1b3043690c", text="menu")
    for _ in range(3):
        response = await zalo.post(body)
        assert response.status == 200
    await flush(zalo.runtime)
    assert len(zalo.fake.to(USER)) == 1
    assert await _count(zalo.runtime, InboundEvent) == 1


async def test_the_webhook_answers_well_within_two_seconds(zalo) -> None:
    slowest = 0.0
    for i in range(20):
        body = zl.message_event("user_send_text", f"77{i:017d}", text="lam can cuoc o dau")
        start = time.perf_counter()
        response = await zalo.post(body)
        slowest = max(slowest, time.perf_counter() - start)
        assert response.status == 200
    assert slowest < 2.0, slowest
    assert zalo.fake.send_calls == []  # nothing was sent from inside the request


async def test_media_location_contact_and_consent_events(zalo) -> None:
    runtime = zalo.runtime
    seen = record_inbound(runtime)
    withdrawn = []

    async def on_withdraw(ctx) -> None:
        withdrawn.append(ctx.inbound)

    del runtime.registry.events["withdraw_consent"]  # observe it instead of erasing
    runtime.registry.event("withdraw_consent")(on_withdraw)
    chat = zalo.chat(USER)
    await chat.send(
        zl.message_event(
            "user_send_image",
            USER,
            text="đường hỏng",
            attachments=[
                {
                    "type": "image",
                    "payload": {"thumbnail": "https://z/t.jpg", "url": "https://z/photo.jpg"},
                }
            ],
        )
    )
    await chat.send(
        zl.message_event(
            "user_send_file",
            USER,
            attachments=[
                {
                    "type": "file",
                    "payload": {
                        "url": "https://z/f.pdf",
                        "name": "don.pdf",
                        "size": "51200",
                        "type": "pdf",
                    },
                }
            ],
        )
    )
    await chat.send(
        zl.message_event(
            "user_send_location",
            USER,
            text="Cơm Coffee New Sky",
            attachments=[
                {
                    "type": "location",
                    "payload": {
                        "coordinates": {"latitude": "10.7923119", "longitude": "106.7820651"}
                    },
                }
            ],
        )
    )
    await chat.send(
        zl.event(
            "user_submit_info",
            USER,
            info={"name": "Nguyễn Văn Năm", "phone": "84912345678", "address": "", "ward": ""},
        )
    )
    await chat.send(zl.event("user_withdraw", USER, user_id=USER))
    photo, document, location, contact = seen
    assert photo.attachments == (Attachment(kind="photo", ref="https://z/photo.jpg"),)
    assert photo.text == "đường hỏng"
    assert document.attachments == (
        Attachment(kind="file", ref="https://z/f.pdf", name="don.pdf", mime="pdf", size=51200),
    )
    assert location.location == Location(10.7923119, 106.7820651)
    assert location.text is None  # the place's name is not the citizen's words
    assert contact.contact == Contact(phone="84912345678", name="Nguyễn Văn Năm")
    assert [w.event for w in withdrawn] == ["withdraw_consent"]
    assert all(i.user_key == USER for i in [*seen, *withdrawn])


async def test_a_sticker_gets_a_gentle_text_only_answer(zalo) -> None:
    chat = zalo.chat(USER)
    messages = await chat.send(
        zl.message_event(
            "user_send_sticker",
            USER,
            attachments=[{"type": "sticker", "payload": {"id": "abc", "url": "https://z/s.png"}}],
        )
    )
    assert "chỉ đọc được tin nhắn chữ" in messages[0]["text"]


async def test_follow_greets_and_unfollow_stops_pushes(zalo) -> None:
    chat = zalo.chat(USER)
    messages = await chat.send(zl.event("follow", USER))
    assert "trợ lý ảo" in messages[0]["text"]
    await chat.send(zl.event("unfollow", USER))
    identity = await identity_of(zalo.runtime, "zalo", USER)
    assert identity.active is False


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            {
                "attachments": [
                    {"payload": {"coordinates": {"latitude": "21.0", "longitude": "105.8"}}}
                ]
            },
            Location(21.0, 105.8),
        ),
        ({"location": {"lat": 21.0, "long": 105.8}}, Location(21.0, 105.8)),
        ({"attachments": [{"payload": {"lat": "21", "lng": "105.8"}}]}, Location(21.0, 105.8)),
        ({"attachments": [{"payload": {"coordinates": {"latitude": "abc"}}}]}, None),
        ({"location": {"lat": 91, "long": 10}}, None),
        ({}, None),
    ],
)
def test_locations_are_parsed_defensively(message, expected) -> None:
    assert parse_location(message) == expected


def test_odd_shapes_never_raise() -> None:
    for body in (
        {},
        {"event_name": 5},
        {"event_name": "user_send_text", "sender": "x"},
        {"event_name": "user_send_text", "sender": {"id": "1"}, "message": []},
        {
            "event_name": "user_send_image",
            "sender": {"id": "1"},
            "message": {"attachments": [None, 3, {"payload": "x"}]},
        },
        {"event_name": "follow"},
        {"event_name": "user_submit_info", "sender": {"id": "1"}},
    ):
        parse_event(body)  # must not raise


def test_verification_code_accepts_code_file_name_or_meta_tag() -> None:
    assert verification_code("AbC123_x-9") == "AbC123_x-9"
    assert verification_code("zalo_verifierAbC123.html") == "AbC123"
    tag = '<meta property="zalo-platform-site-verification" content="AbC123" />'
    assert verification_code(tag) == "AbC123"
    assert verification_code("../etc/passwd") is None


async def test_the_domain_verification_file_is_served(db_url, clock, content) -> None:
    runtime = await make_runtime(db_url, clock, content, ZALO_SITE_VERIFICATION="Qx7_Ab12cd")
    try:
        async with serve(runtime) as client:
            response = await client.get("/zalo_verifierQx7_Ab12cd.html")
            assert response.status == 200
            page = await response.text()
            tag = '<meta property="zalo-platform-site-verification" content="Qx7_Ab12cd" />'
            assert tag in page
            assert (await client.get("/zalo_verifierOTHER.html")).status == 404
    finally:
        await runtime.close()


async def test_a_channel_that_is_off_refuses_events(db_url, clock, content, caplog) -> None:
    caplog.set_level(logging.INFO)
    runtime = await make_runtime(db_url, clock, content)
    try:
        async with serve(runtime) as client:
            raw, headers = zl.encode(zl.message_event("user_send_text", USER, text="menu"))
            assert (await client.post("/webhook/zalo", data=raw, headers=headers)).status == 403
            assert (await client.post("/webhook/zalo", data=b"")).status == 200
            telegram = await client.post(
                "/webhook/telegram",
                json={"update_id": 1},
                headers={"X-Telegram-Bot-Api-Secret-Token": ""},
            )
            assert telegram.status == 403
            channels = (await (await client.get("/healthz")).json())["channels"]
            assert "zalo" not in channels and "telegram" not in channels
    finally:
        await runtime.close()
    assert "Telegram tắt" in caplog.text and "Zalo OA tắt" in caplog.text


async def test_a_tapped_button_comes_back_as_its_payload(zalo) -> None:
    seen = record_inbound(zalo.runtime)
    chat = zalo.chat(USER)
    await chat.say("menu")
    button = chat.button("Hỏi thủ tục")
    assert button["payload"] == button["title"]  # what Zalo shows as the citizen's message
    await chat.press("Hỏi thủ tục")
    assert seen[-1].payload == "menu:ask"
    assert "Bạn muốn hỏi về việc gì" in chat.text


async def test_healthz_reports_zalo_ok_with_a_valid_pair(db_url, clock, content, fake_zalo):
    """The wiring spelled out once: env → runtime → app → webhook → fake OA → /healthz."""
    runtime = await make_runtime(
        db_url, clock, content, **zalo_env(fake_zalo, fake_zalo.issue_pair())
    )
    try:
        async with serve(runtime) as client:
            oa = ZaloOA(runtime, client, fake_zalo)
            await oa.chat(USER).say("xin chào")
            assert fake_zalo.to(USER)
            health = await (await client.get("/healthz")).json()
            assert health["channels"]["zalo"] == "ok"
    finally:
        await runtime.close()
