"""Staff e-mail addresses (where reminders and digests go): one plain address, checked once."""

from __future__ import annotations

import re

ADDRESS_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
MAX_EMAIL = 254


def email_problem(address: str) -> str | None:
    """Why ``address`` cannot receive reminders (Vietnamese), or None when it can."""
    if len(address) > MAX_EMAIL or not ADDRESS_RE.fullmatch(address):
        shown = address[:60]
        return f"Địa chỉ e-mail «{shown}» không hợp lệ (ví dụ: vanphong@tanphuan.example.vn)."
    return None


def clean_email(raw: str | None) -> str | None:
    """The address lower-cased, None when empty; ValueError with the message otherwise."""
    address = (raw or "").strip()
    if not address:
        return None
    problem = email_problem(address)
    if problem:
        raise ValueError(problem)
    return address.lower()
