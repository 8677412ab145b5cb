"""Secrets at rest (the Zalo OA token pair) encrypted with Fernet (AES-128-CBC + HMAC-SHA256).

The process installs its keys once at start (``configure``, from ``SECRET_KEY`` or the key file:
``bot.secret_keys``); the ``EncryptedText`` column type then encrypts on write and decrypts on
read, so no repository handles ciphertext. Several keys may be installed for a rotation: the
first encrypts, every one decrypts (``MultiFernet``). A value written before encryption existed
(plain text, not a Fernet token) is still read, and is encrypted the next time it is written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, then a timestamp)


class SecretKeyMissing(RuntimeError):
    """A secret was read or written before the process installed its keys."""


class SecretUnreadable(RuntimeError):
    """A stored secret was encrypted with a key that is not installed (SECRET_KEY changed)."""


class _Keys:
    fernet: MultiFernet | None = None
    signing: bytes = b""


def derive(secret: str, purpose: str) -> bytes:
    """32 bytes for one purpose from the configured secret (one secret, independent keys)."""
    return hmac.new(secret.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).digest()


def configure(secrets: list[str]) -> None:
    """Install the process's keys: ``secrets[0]`` encrypts and signs, all of them decrypt."""
    if not secrets:
        raise ValueError("at least one secret is needed")
    fernets = [Fernet(base64.urlsafe_b64encode(derive(s, "fernet-v1"))) for s in secrets]
    _Keys.fernet = MultiFernet(fernets)
    _Keys.signing = derive(secrets[0], "signing-v1")


def signing_key() -> bytes:
    """The key that signs cookies (the dashboard's trusted-device cookie)."""
    if not _Keys.signing:
        raise SecretKeyMissing("no secret key installed")
    return _Keys.signing


def encrypt(value: str) -> str:
    if _Keys.fernet is None:
        raise SecretKeyMissing("no secret key installed")
    return _Keys.fernet.encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(FERNET_PREFIX):
        return stored  # written before encryption at rest: plain, re-encrypted on next write
    if _Keys.fernet is None:
        raise SecretKeyMissing("no secret key installed")
    try:
        return _Keys.fernet.decrypt(stored.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretUnreadable(
            "a stored secret cannot be decrypted with SECRET_KEY (or the key file)"
        ) from None


class EncryptedText(TypeDecorator[str]):
    """A text column whose value is stored Fernet-encrypted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else decrypt(str(value))
