"""Passwords and secrets: argon2id hashing off the event loop, a password policy, random tokens.

argon2id with argon2-cffi's defaults (t=3, m=64 MiB, p=4) takes ~80–110 ms per hash or verify
(shared/research §4), so it runs in a thread: one sign-in must not stall every chat user. bcrypt
was rejected because it rejects passwords over 72 bytes, which Vietnamese passphrases reach fast.
Session cookies and API tokens are random and only their SHA-256 is stored.

The test suite sets ``XABOT_TEST_CHEAP_ARGON2=1`` (tests/conftest.py, inherited by the CLI
processes it starts): argon2's cheapest parameters, so hundreds of sign-ins do not cost minutes.
Hashes name their own parameters, so either hasher verifies the other's hashes.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
TOKEN_PREFIX = "xbs_"

CHEAP_HASHES_VARIABLE = "XABOT_TEST_CHEAP_ARGON2"


def _make_hasher() -> PasswordHasher:
    """argon2-cffi's defaults (RFC 9106 low-memory), or its cheapest profile under the tests."""
    if os.environ.get(CHEAP_HASHES_VARIABLE) == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()

# A few passwords people really choose; length alone lets them through.
COMMON = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789a",
        "a123456789",
        "abc1234567",
        "abcd123456",
        "password123",
        "password1234",
        "passw0rd123",
        "matkhau123",
        "matkhau1234",
        "matkhaumoi1",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "admin12345",
        "admin123456",
        "administrator",
        "iloveyou123",
        "11111111111",
        "hdndxa12345",
        "ubndxa12345",
    }
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is too weak, in Vietnamese; None when it is acceptable."""
    password = _nfc(password)
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu dài quá {MAX_LENGTH} ký tự."
    lowered = password.lower()
    if lowered in COMMON:
        return "Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác."
    if len(set(lowered)) < 5:
        return "Mật khẩu lặp lại quá ít ký tự khác nhau. Hãy dùng một câu dễ nhớ, khó đoán."
    if username and username.lower() in lowered:
        return "Mật khẩu không được chứa tên đăng nhập."
    return None


def username_problem(username: str) -> str | None:
    if not USERNAME_RE.match(username):
        return (
            "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang "
            "hoặc gạch dưới (ví dụ: vanphong.lan)."
        )
    return None


def hash_password_sync(password: str) -> str:
    return _hasher.hash(_nfc(password))


async def hash_password(password: str) -> str:
    """An argon2id hash, computed in a worker thread."""
    return await asyncio.to_thread(hash_password_sync, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password_sync(password_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user costs the same time as a wrong one."""
    target = password_hash or _dummy_hash()
    try:
        ok = _hasher.verify(target, _nfc(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password_sync, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A random, URL-safe secret (session cookie, CSRF token)."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def temporary_password() -> str:
    """A one-time password that is easy to read aloud or copy from a console (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)
