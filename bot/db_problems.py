"""One Vietnamese line for a database the command line cannot use, naming what is wrong.

The reader is a commune's IT officer running the README's first commands: a missing database, a
refused connection or a wrong password must read as that — never as a traceback or SQLAlchemy's
"Background on this error" link. The URL's password is never printed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

UPGRADE_HINT = "python -m bot db upgrade"

# PostgreSQL's SQLSTATE codes (appendix A of its manual) the first start meets.
_MISSING_DATABASE = "3D000"
_BAD_PASSWORD = ("28P01", "28000")
_MISSING_TABLE = "42P01"
_CONNECTION = ("08001", "08006", "57P03")


def is_database_problem(err: BaseException) -> bool:
    """A failure of the database itself (connection, login, schema), not a bug of ours."""
    return isinstance(err, SQLAlchemyError | OSError | TimeoutError)


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__


def _where(url: str) -> tuple[str, str]:
    """(server, database name) for the message; the password stays out."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "?", "?"
    if parsed.drivername.startswith("sqlite"):
        return "SQLite", parsed.database or ":memory:"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}", parsed.database or ""


def describe(err: BaseException, url: str) -> str:
    """What is wrong with ``DATABASE_URL``, in one line, with what to do next."""
    server, name = _where(url)
    codes = [str(getattr(e, "sqlstate", "") or "") for e in _chain(err)]
    words = " ".join(str(e) for e in _chain(err)).lower()
    if _MISSING_DATABASE in codes:
        return (
            f"Lỗi cơ sở dữ liệu (DATABASE_URL): chưa có cơ sở dữ liệu «{name}» trên máy chủ "
            f"{server}. Hãy tạo nó trước (ví dụ: createdb {name}) rồi chạy lại."
        )
    if any(code in _BAD_PASSWORD for code in codes) or "password authentication" in words:
        return (
            f"Lỗi cơ sở dữ liệu (DATABASE_URL): máy chủ {server} từ chối tên đăng nhập hoặc "
            "mật khẩu. Hãy kiểm tra người dùng và mật khẩu trong DATABASE_URL."
        )
    if _MISSING_TABLE in codes or "no such table" in words or "undefined table" in words:
        return (
            f"Lỗi cơ sở dữ liệu (DATABASE_URL): cơ sở dữ liệu «{name}» chưa có bảng của bot. "
            f"Hãy chạy '{UPGRADE_HINT}' trước."
        )
    sqlite_file = server == "SQLite" and any(isinstance(e, OSError) for e in _chain(err))
    if sqlite_file or "unable to open database file" in words or "readonly database" in words:
        return (
            f"Lỗi cơ sở dữ liệu (DATABASE_URL): không mở hoặc không ghi được tệp SQLite «{name}». "
            "Hãy kiểm tra thư mục và quyền ghi."
        )
    if (
        any(code in _CONNECTION for code in codes)
        or any(isinstance(e, OSError | TimeoutError) for e in _chain(err))
        or "connect" in words
    ):
        return (
            f"Lỗi cơ sở dữ liệu (DATABASE_URL): không kết nối được máy chủ {server}. "
            "Máy chủ PostgreSQL đã chạy chưa, địa chỉ và cổng có đúng không?"
        )
    reason = next((str(e) for e in reversed(list(_chain(err))) if str(e)), type(err).__name__)
    reason = reason.splitlines()[0][:200]
    return f"Lỗi cơ sở dữ liệu (DATABASE_URL): {reason}"
