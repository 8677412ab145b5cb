"""Which uploaded files are accepted: the type is read from the content, never from the name.

A citizen's photo (web chat) and the UBND's written answer (dashboard) arrive as bytes with a
name that anyone can choose: an executable renamed ``.pdf`` must be refused, and a real PDF named
``traloi.exe`` accepted as a PDF. ``filetype`` reads the leading bytes (for DOCX, the ZIP's
parts). The limits are the ones the issues and Zalo/Telegram set: 10 MB by default.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import filetype

from handlers.texts.uploads import UploadTexts

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of file."""

    name: str  # pdf | jpeg | png | webp | heic | docx
    mime: str
    extension: str
    image: bool


KINDS: dict[str, FileKind] = {
    k.name: k
    for k in (
        FileKind("pdf", "application/pdf", "pdf", image=False),
        FileKind("jpeg", "image/jpeg", "jpg", image=True),
        FileKind("png", "image/png", "png", image=True),
        FileKind("webp", "image/webp", "webp", image=True),
        FileKind("heic", "image/heic", "heic", image=True),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            image=False,
        ),
    )
}
# filetype's extension for each kind we accept
_BY_EXTENSION = {
    "jpg": "jpeg",
    "png": "png",
    "webp": "webp",
    "heic": "heic",
    "pdf": "pdf",
    "docx": "docx",
}

PHOTO_KINDS = frozenset({"jpeg", "png", "webp", "heic"})
ANSWER_DOCUMENT_KINDS = frozenset({"pdf", "jpeg", "png", "docx"})


class UploadError(ValueError):
    """The file cannot be accepted; ``message`` says why, in Vietnamese, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sniff(data: bytes) -> FileKind | None:
    """The kind the content shows, or None when it is none we know."""
    guess = filetype.guess(data[:8192] if not data.startswith(b"PK") else data)
    if guess is None:
        return None
    name = _BY_EXTENSION.get(guess.extension)
    return KINDS.get(name) if name else None


def check_upload(
    data: bytes,
    texts: UploadTexts,
    *,
    allowed: Collection[str],
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> FileKind:
    """The file's kind when it is one of ``allowed`` and small enough; else ``UploadError``."""
    if not data:
        raise UploadError(texts.empty())
    if len(data) > max_bytes:
        raise UploadError(texts.too_large(size=_megabytes(len(data)), max=_megabytes(max_bytes)))
    kind = sniff(data)
    if kind is None or kind.name not in allowed:
        names = ", ".join(KINDS[k].extension.upper() for k in sorted(allowed))
        raise UploadError(texts.wrong_type(allowed=names))
    return kind


def safe_name(name: str, kind: FileKind, fallback: str) -> str:
    """A download name: the person's name without path or odd characters, with the real
    extension (a PDF named ``a.exe`` is offered as ``a.pdf``)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    base = "".join(ch for ch in base if ch.isalnum() or ch in " -_()").strip()[:80]
    return f"{base or fallback}.{kind.extension}"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")
