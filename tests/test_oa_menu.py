"""The Zalo OA menu's phrases act as their commands, on every channel; the profile sets them."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from knowledge.profile import ProfileError, _oa_menu
from tests.helpers import WebChat


@pytest.fixture
async def client(runtime):
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_each_default_phrase_does_its_action(client) -> None:
    chat = WebChat(client)
    await chat.say("Gửi kiến nghị")
    assert "bước 1/5" in chat.text
    await chat.say("/huy")
    await chat.say("tra cuu kien nghi")  # typed without diacritics
    assert "mã" in chat.text.lower()
    await chat.say("Hỏi thủ tục")
    assert "Bạn muốn hỏi về việc gì?" in chat.text
    await chat.say("Gặp cán bộ")
    assert "cán bộ" in chat.text.lower() and "bước 1/5" not in chat.text


async def test_a_communes_own_phrase_from_the_profile(runtime, client) -> None:
    runtime.services.profile = dataclasses.replace(
        runtime.services.profile, oa_menu=(("📣 Phản ánh hiện trường", "kiennghi"),)
    )
    chat = WebChat(client)
    await chat.say("Phản ánh hiện trường")
    assert "bước 1/5" in chat.text
    await chat.say("/huy")
    await chat.say("phản ánh hiện trường giúp tôi")  # only the whole phrase is the menu item
    assert "bước 1/5" not in chat.text


def test_the_profile_refuses_an_unknown_action() -> None:
    assert _oa_menu({"oa_menu": {"Gửi ý kiến": "kiennghi"}}, "p.yaml") == (
        ("Gửi ý kiến", "kiennghi"),
    )
    with pytest.raises(ProfileError, match="việc phải là một trong"):
        _oa_menu({"oa_menu": {"Gửi ý kiến": "xoa"}}, "p.yaml")
