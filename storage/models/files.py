"""Files people hand the bot: a citizen's photo from the web chat, the UBND's written answer.

Platform files (Telegram, Zalo) stay on the platform and are referenced by id; a file that has no
platform behind it is kept here, in the database, so every process behind a load balancer serves
it and a database backup holds it. ``token`` is a random capability (256 bits): a link made from
it can be given to a citizen without exposing any other file.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class StoredFile(Base):
    """One uploaded file, checked by its content before it was stored."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # pdf | jpeg | png | webp | heic | docx
    mime: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # who handed it in: "citizen" (a chat upload) or "staff:<account id>"
    source: Mapped[str] = mapped_column(String(40))
    # a link may be given out (the answer document sent to a citizen); citizens' own uploads are
    # shown only to staff through the petition's attachment route
    shared: Mapped[bool] = mapped_column(default=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None]
