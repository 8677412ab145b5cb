"""How dates, shares, numbers and free text are written (Decree 30 and Vietnamese usage)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from bot.documents import formatting as f


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 2), "Tân Phú An, ngày 02 tháng 12 năm 2026"),
        (dt.date(2027, 2, 5), "Tân Phú An, ngày 05 tháng 02 năm 2027"),
        (dt.date(2027, 1, 15), "Tân Phú An, ngày 15 tháng 01 năm 2027"),
        (dt.date(2027, 3, 9), "Tân Phú An, ngày 09 tháng 3 năm 2027"),
        (dt.date(2027, 11, 30), "Tân Phú An, ngày 30 tháng 11 năm 2027"),
    ],
)
def test_place_and_date_pad_days_below_10_and_months_1_and_2_only(day, expected):
    assert f.place_date("Tân Phú An", day) == expected


def test_without_a_date_the_day_month_and_year_are_left_blank_to_write_in():
    line = f.place_date("Tân Phú An", None)
    assert line.startswith("Tân Phú An, ngày")
    assert "tháng" in line and "năm" in line
    assert not any(ch.isdigit() for ch in line)


@pytest.mark.parametrize(
    ("part", "total", "expected"),
    [
        (1, 3, "33,3%"),
        (2, 3, "66,7%"),
        (1, 4, "25,0%"),
        (1, 8, "12,5%"),
        (1, 16, "6,3%"),  # 6.25 rounds half up, not to even
        (0, 5, "0%"),
        (5, 5, "100%"),
        (0, 0, "0%"),
    ],
)
def test_shares_have_one_decimal_and_a_decimal_comma(part, total, expected):
    assert f.share(part, total) == expected


def test_numbers_take_a_thousands_dot_and_dates_in_tables_are_dd_mm_yyyy():
    assert f.number(1250) == "1.250"
    assert f.number(7) == "7"
    assert f.short_date(dt.date(2027, 1, 5)) == "05/01/2027"
    assert f.roman(4) == "IV" and f.roman(9) == "IX"


def test_number_line_leaves_room_for_the_number_the_office_gives():
    assert f.number_line("12", "BC-HĐND") == "Số: 12/BC-HĐND"
    blank = f.number_line("", "BC-HĐND")
    assert blank.startswith("Số:") and blank.endswith("/BC-HĐND")
    assert len(blank) > len("Số: /BC-HĐND")


@pytest.mark.parametrize(
    "typed",
    ["0912 345 678", "0912.345.678", "+84 912 345 678", "0912345678", "(0912) 345-678"],
)
def test_phone_numbers_in_free_text_are_masked(typed):
    masked = f.text(f"Đề nghị sửa đường, liên hệ {typed} nhé")
    assert f.PHONE_MASK in masked
    assert "345" not in masked


@pytest.mark.parametrize(
    "kept", ["Kinh phí 150.000.000 đồng", "Năm 2026 làm 1.200 m đường", "Quyết định số 1234/QĐ"]
)
def test_amounts_and_numbers_that_are_not_phones_are_kept(kept):
    assert f.text(kept) == kept


def test_text_is_nfc_without_control_characters():
    decomposed = unicodedata.normalize("NFD", "Đề nghị sửa cầu\tThôn 1\a")
    cleaned = f.text(decomposed)
    assert cleaned == "Đề nghị sửa cầu Thôn 1"
    assert unicodedata.is_normalized("NFC", cleaned)
    assert f.text("dòng một\r\n\r\ndòng hai", multiline=True) == "dòng một\ndòng hai"


def test_recipients_are_punctuated_as_the_decree_shows():
    assert f.recipients(("UBND xã;", "Các đại biểu HĐND xã", "Lưu: VT.")) == [
        "- UBND xã;",
        "- Các đại biểu HĐND xã;",
        "- Lưu: VT.",
    ]


def test_villages_are_joined_once_each_in_order():
    assert f.villages(("Thôn 3", "Thôn 1", "Thôn 3", " ")) == "Thôn 3, Thôn 1"
