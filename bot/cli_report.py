"""``python -m bot report session ID --kind compilation|appendix|results -o FILE.docx``.

Writes a session's Word document (the same the dashboard and the staff API give). Problems are
one Vietnamese line on stderr: exit 1 for a session that does not exist or an unusable template,
2 for configuration errors.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

KINDS = ("compilation", "appendix", "results")


def cmd_session(args: argparse.Namespace) -> int:
    from bot.config import ConfigError, load_settings
    from bot.content import load_content
    from bot.council_reports import session_document, template_dir
    from bot.documents import TemplateError
    from storage.db import Database
    from storage.models import utcnow

    try:
        settings = load_settings()
        content = load_content(settings)
    except ConfigError as err:
        print(f"Lỗi cấu hình — {err.variable}: {err.problem}", file=sys.stderr)
        return 2
    except ValueError as err:  # profile, knowledge or messages that cannot be loaded
        print(f"Lỗi dữ liệu của xã — {err}", file=sys.stderr)
        return 2
    output = Path(args.output)

    async def run() -> tuple[str, bytes] | None:
        db = Database(settings.database_url)
        try:
            await db.upgrade()
            return await session_document(
                db,
                content.profile,
                content.texts,
                args.id,
                args.kind,
                utcnow(),
                template_dir(settings.knowledge_dir),
            )
        finally:
            await db.dispose()

    try:
        result = asyncio.run(run())
    except TemplateError as err:
        print(str(err), file=sys.stderr)
        return 1
    if result is None:
        print(f"Không có kỳ họp mang số hiệu {args.id}.", file=sys.stderr)
        return 1
    try:
        output.write_bytes(result[1])
    except OSError as err:
        print(f"Không ghi được tệp «{output}»: {err.strerror}", file=sys.stderr)
        return 1
    print(f"Đã ghi {output} ({len(result[1]):,} byte).".replace(",", "."))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommands."""
    report = subparsers.add_parser("report", help="văn bản của kỳ họp HĐND (.docx)")
    sub = report.add_subparsers(dest="report_command", metavar="WHAT", required=True)
    session = sub.add_parser("session", help="báo cáo tổng hợp, phụ lục, báo cáo kết quả")
    session.add_argument("id", type=int, metavar="ID", help="số hiệu kỳ họp (id)")
    session.add_argument("--kind", required=True, choices=KINDS, help="văn bản nào")
    session.add_argument("-o", "--output", required=True, metavar="FILE.docx", help="tệp ghi ra")
    session.set_defaults(func=cmd_session)
