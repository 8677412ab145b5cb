"""The entries saved on the dashboard, from the command line: read for ``kb check`` and
``kb gaps``, written out by ``kb export`` as YAML in the documented format (knowledge/README.md),
so a commune can keep them in version control — or move them into ``KNOWLEDGE_DIR``.

The database is only read. When there is none yet (a fresh SQLite path) or it cannot be read,
``kb check`` says so on stderr and checks the files alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from knowledge.stored_entries import StoredEntry

FIELD_ORDER = (
    "id",
    "topic",
    "title",
    "question",
    "phrasings",
    "keywords",
    "answer",
    "links",
    "source",
    "reviewed",
    "disabled",
)


class StoreUnavailable(Exception):
    """The database cannot be read; the message says why, in one line."""


def _no_database(url: str) -> bool:
    """A SQLite file that does not exist yet: nothing stored, and nothing to create."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    database = parsed.database or ""
    return database not in ("", ":memory:") and not Path(database).exists()


async def _read(url: str, commune_id: str) -> list[StoredEntry]:
    from storage import kb_entries
    from storage.db import Database

    db = Database(url)
    try:
        async with db.read() as session:
            rows = await kb_entries.entries(session, commune_id)
    finally:
        await db.dispose()
    return [StoredEntry(r.entry_id, dict(r.fields or {}), r.disabled) for r in rows]


def missing_sqlite_file(url: str) -> str | None:
    """For ``kb gaps``: why there is nothing to read when the SQLite file does not exist yet."""
    if not _no_database(url):
        return None
    return (
        f"Lỗi cơ sở dữ liệu (DATABASE_URL): chưa có tệp SQLite «{make_url(url).database}» — bot "
        "chưa chạy với cơ sở dữ liệu này. Hãy kiểm tra DATABASE_URL."
    )


def stored_entries(settings: Any, commune_id: str) -> list[StoredEntry]:
    """The commune's stored entries ([] without a database); StoreUnavailable if unreadable."""
    if _no_database(settings.database_url):
        return []
    try:
        return asyncio.run(_read(settings.database_url, commune_id))
    except Exception as err:  # missing tables, unreachable server: one readable line
        from bot.db_problems import describe, is_database_problem

        if is_database_problem(err):
            raise StoreUnavailable(describe(err, settings.database_url)) from None
        raise


def answered_now(settings: Any, profile: Any) -> Callable[[str], str | None]:
    """For ``kb gaps``: the id of the entry that answers a question now (stored ones included),
    or None. Raises StoreUnavailable when the database cannot be read."""
    from knowledge import KnowledgeError, Matcher, load_knowledge

    stored = stored_entries(settings, profile.id)
    try:
        matcher = Matcher(load_knowledge(profile, settings.knowledge_dir, stored))
    except KnowledgeError:  # kb check reports it; the list of gaps is still worth reading
        return lambda _text: None

    def answered(text: str) -> str | None:
        found = matcher.match(text)
        return found.entry_id if found.intent == "faq" and found.band == "answer" else None

    return answered


class _Dumper(yaml.SafeDumper):
    """Multi-line answers as literal blocks (``answer: |``), the way the bundled files are."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def export_yaml(entries: list[StoredEntry]) -> str:
    """The entries as one YAML list in the format of ``knowledge/data/kb/*.yaml``."""
    items = []
    for stored in entries:
        raw = stored.raw()
        items.append({k: raw[k] for k in FIELD_ORDER if k in raw and raw[k] not in ("", [])})
    header = (
        "# Mục tri thức do Tổ công nghệ số tạo trên trang quản lý (python -m bot kb export).\n"
        "# Cùng định dạng với knowledge/data/kb/*.yaml; đặt vào KNOWLEDGE_DIR nếu muốn.\n"
    )
    if not items:
        return header + "[]\n"
    body = yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=99)
    return header + body


def cmd_kb_export(args: argparse.Namespace) -> int:
    """Write the stored entries as YAML (stdout, or ``-o FILE``); exit 2 with one line on a
    problem the user can fix."""
    from bot.config import ConfigError, load_settings
    from knowledge import ProfileError, load_profile

    try:
        settings = load_settings()
        profile = load_profile(settings.commune_profile)
        entries = stored_entries(settings, profile.id)
    except ConfigError as err:
        return _fail(f"Lỗi cấu hình — {err.variable}: {err.problem}")
    except ProfileError as err:
        return _fail(f"Lỗi hồ sơ xã (COMMUNE_PROFILE) — {err}")
    except StoreUnavailable as err:
        return _fail(str(err))
    text = export_yaml(entries)
    if args.output in (None, "-"):
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as err:
        return _fail(f"Không ghi được tệp '{args.output}': {err.strerror}")
    print(f"Đã ghi {len(entries)} mục vào {args.output}.", file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def register(kb_sub: Any) -> None:
    """Add ``kb export`` to the ``kb`` subcommands."""
    export = kb_sub.add_parser(
        "export",
        help="ghi các mục tri thức tạo trên trang quản lý ra YAML",
        description="Ghi mục tri thức trong cơ sở dữ liệu ra YAML, cùng định dạng tệp tri thức.",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="tệp để ghi ('-' = màn hình)")
    export.set_defaults(func=cmd_kb_export)
