"""Vietnamese phone numbers through libphonenumber: every written form of a real number, mobile
and fixed, is one number; numbers that do not exist, hotlines and letters are refused."""

from __future__ import annotations

import pytest

from handlers.chat.contact import split_contact
from handlers.phones import PhoneError, format_phone, mask_phones, normalize_phone, search_key


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84-912-345-678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(+84) 912 345 678", "0912345678"),
        ("02438123456", "02438123456"),  # a Hà Nội landline, refused by the old pattern
        ("024 3812 3456", "02438123456"),
        ("+84 24 3812 3456", "02438123456"),
    ],
)
def test_every_written_form_is_one_number(written: str, stored: str) -> None:
    assert normalize_phone(written) == stored
    assert search_key(written) == stored


@pytest.mark.parametrize("text", ["0123456789", "0100000000", "1900 0368", "113", "12345"])
def test_numbers_that_cannot_be_a_persons_are_refused(text: str) -> None:
    with pytest.raises(PhoneError) as refused:
        normalize_phone(text)
    assert not refused.value.letters
    assert search_key(text) is None


def test_a_number_with_letters_says_so() -> None:
    with pytest.raises(PhoneError) as refused:
        normalize_phone("09l2345678")
    assert refused.value.letters


def test_grouped_for_reading() -> None:
    assert format_phone("0912345678") == "0912 345 678"
    assert format_phone("02438123456") == "024 3812 3456"
    assert format_phone("not a number") == "not a number"


def test_numbers_inside_a_text_are_masked_and_nothing_else() -> None:
    text = "Tôi ở thôn 3, nhà số 12, gọi 0912.345.678 hoặc 024 3812 3456; tổng đài 1900 0368"
    masked = mask_phones(text, "***")
    assert masked == "Tôi ở thôn 3, nhà số 12, gọi *** hoặc ***; tổng đài 1900 0368"


def test_a_name_and_a_landline_in_one_message() -> None:
    parsed = split_contact("Nguyễn Văn An 024 3812 3456")
    assert (parsed.name, parsed.phone) == ("Nguyễn Văn An", "02438123456")
