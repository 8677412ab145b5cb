"""Consent for the phone, Zalo's way: the request_user_info form, the user_submit_info answer."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.zalo_events import parse_event
from storage.models import Petition
from tests.channels import fake_zalo as zl
from tests.channels.test_journeys import CONTENT, _code


def _form(messages: list[dict]) -> dict | None:
    for message in messages:
        payload = (message.get("attachment") or {}).get("payload") or {}
        if payload.get("template_type") == "request_user_info":
            return payload
    return None


async def _to_contact_step(chat) -> list[dict]:
    await chat.say("menu")
    await chat.press("Gửi kiến nghị")
    await chat.press("Giao thông")
    await chat.say(CONTENT)
    await chat.press("Xong")
    return await chat.say("bỏ qua")  # no place


async def test_a_citizen_taps_the_form_and_gives_name_and_phone_without_typing(zalo) -> None:
    chat = zalo.chat()
    asked = await _to_contact_step(chat)
    assert "họ tên" in asked[0]["text"].lower()  # the question itself stays a text
    form = _form(asked)
    assert form is not None and asked[-1]["attachment"]["payload"] is form
    [element] = form["elements"]
    assert element["title"] == "Gửi họ tên và số điện thoại cho cán bộ xã"
    after = await chat.send(zl.submit_info(chat.user_id, "Trần Thị Bình", "84912345678"))
    consent = " ".join(m.get("text", "") for m in after)
    assert "Nghị định 13/2023" in consent  # the plain consent notice stays
    summary = " ".join(m.get("text", "") for m in await chat.press("Đồng ý"))
    assert "Trần Thị Bình" in summary and "0912 345 678" in summary
    confirm = chat.button("Xác nhận gửi")["payload"]
    await chat.send(zl.message_event("user_send_text", chat.user_id, text=confirm))
    code = _code(chat.text)
    async with zalo.runtime.db.read() as session:
        petition = await session.scalar(select(Petition).where(Petition.code == code))
    assert petition.contact_name == "Trần Thị Bình"
    assert petition.contact_phone == "0912345678" and petition.consent_at is not None


async def test_typing_the_number_still_works_next_to_the_form(zalo) -> None:
    chat = zalo.chat()
    await _to_contact_step(chat)
    after = await chat.say("Lê Văn C 0987 654 321")
    assert "Nghị định 13/2023" in after[0]["text"]
    summary = " ".join(m.get("text", "") for m in await chat.press("Đồng ý"))
    assert "Lê Văn C" in summary and "0987 654 321" in summary


def test_submit_info_is_read_as_the_citizens_own_contact() -> None:
    parsed = parse_event(zl.submit_info("123", "Bình", "84912345678"))
    assert parsed.inbound is not None and parsed.inbound.contact is not None
    assert parsed.inbound.contact.phone == "84912345678"  # normalize_phone reads it
    assert parsed.inbound.contact.name == "Bình"


async def test_a_zalo_menu_tap_starts_the_petition(zalo) -> None:
    chat = zalo.chat()
    await chat.say("Gửi kiến nghị")  # no button was offered: this came from the OA menu
    assert "bước 1/5" in chat.text
