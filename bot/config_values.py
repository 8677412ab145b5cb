"""The checks of single configuration values (URLs, numbers, networks, e-mail), for
``bot.config``: each raises ValueError with the Vietnamese problem the start-up line names."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

_CODE_RE = re.compile(r"[A-Za-z0-9_-]{4,128}")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")


def verification_code(value: str) -> str | None:
    """The code from ZALO_SITE_VERIFICATION, given as the code, the file name or the meta tag."""
    value = value.strip()
    match = re.search(r'content="([^"]+)"', value)
    if match:
        value = match.group(1)
    value = value.removeprefix("zalo_verifier").removesuffix(".html")
    return value if _CODE_RE.fullmatch(value) else None


def http_url(value: str, *, keep_trailing_slash: bool = False) -> str:
    """An http(s) URL; a trailing slash is dropped unless the value is a prefix that is
    concatenated as it is (python-telegram-bot appends the token to its ``base_url``)."""
    from urllib.parse import urlparse

    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"'{value}' không phải địa chỉ http(s)://… hợp lệ")
    return value if keep_trailing_slash else value.rstrip("/")


def positive_int(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' không phải số nguyên dương") from None
    if number <= 0:
        raise ValueError(f"cần số nguyên dương, không phải {number}")
    return number


def networks(value: Any) -> tuple[Network, ...]:
    """STAFF_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges."""
    if isinstance(value, tuple):
        return value
    found: list[Network] = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        try:
            found.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"'{part[:60]}' không phải địa chỉ IP hay dải CIDR (phân cách bằng dấu phẩy)"
            ) from None
    return tuple(found)


def smtp_url(value: Any) -> str:
    """SMTP_URL: smtp://, smtp+starttls:// or smtps://, with a host and a numeric port."""
    text = str(value or "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise ValueError(
            "dạng smtp://máy:cổng, smtp+starttls://tên:mật-khẩu@máy:587 "
            "hoặc smtps://tên:mật-khẩu@máy:465"
        )
    try:
        parts.port  # noqa: B018 — raises on a port that is not a number
    except ValueError:
        raise ValueError("cổng phải là số (ví dụ smtp://127.0.0.1:25)") from None
    return text


def email_address(value: Any) -> str:
    """SMTP_FROM: one address on one line."""
    text = str(value or "").strip()
    if text and ("@" not in text or "\n" in text or "\r" in text):
        raise ValueError("một địa chỉ e-mail, ví dụ hdnd@tanphuan.example.vn")
    return text
