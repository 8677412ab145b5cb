"""Splitting long texts for the platforms' limits (Telegram 4,096, Zalo 2,000 characters)."""

from __future__ import annotations

import pytest

from bot.channels.text_split import split_text


def _visible(text: str) -> str:
    return "".join(text.split())


def test_short_text_is_one_part() -> None:
    assert split_text("Xin chào", 10) == ["Xin chào"]
    assert split_text("", 10) == [""]


def test_breaks_at_paragraphs_and_loses_nothing() -> None:
    paragraph = "Thủ tục đăng ký khai sinh cần giấy chứng sinh và căn cước của cha mẹ. " * 10
    text = "\n\n".join([paragraph.strip()] * 9)
    parts = split_text(text, 2000)
    assert all(len(p) <= 2000 for p in parts)
    assert len(parts) >= 4
    assert _visible("".join(parts)) == _visible(text)
    # every part but the last ends a paragraph (a sentence), never mid-word
    assert all(p.endswith(".") for p in parts[:-1])


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    parts = split_text("x" * 25, 10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]


@pytest.mark.parametrize("limit", [7, 50, 4096])
def test_parts_respect_any_limit(limit: int) -> None:
    text = " ".join(f"từ{i}" for i in range(3000))
    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in parts)
    assert _visible("".join(parts)) == _visible(text)
