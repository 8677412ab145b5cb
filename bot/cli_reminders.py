"""``python -m bot reminders run``: queue the reminders and digests due now and send the mail
(for cron, and for tests); prints how many. Each is sent once, whoever runs it and how often."""

from __future__ import annotations

import argparse
import asyncio
import sys

KIND_LABELS = {
    "assigned": "giao ban",
    "due_soon": "sắp đến hạn",
    "overdue": "quá hạn",
    "body_overdue": "nhắc cơ quan quá hạn",
    "digest": "tổng hợp tuần",
}


async def _run() -> str:
    from bot import mail
    from bot.runtime import build_runtime

    runtime = await build_runtime(mail.settings_for_cli())
    try:
        queued, sent = await mail.run_once(runtime)
        await runtime.worker.run_once()  # the staff group notices, if a group is configured
    finally:
        await runtime.close()
    total = sum(queued.values())
    details = ", ".join(f"{KIND_LABELS.get(k, k)}: {n}" for k, n in sorted(queued.items()))
    line = f"Đã tạo {total} lời nhắc" + (f" ({details})" if details else "") + "."
    if not (runtime.settings.smtp_url and runtime.settings.smtp_from):
        line += " E-mail đang tắt (chưa đặt SMTP_URL và SMTP_FROM)."
    else:
        line += f" Đã gửi {sent['sent']} thư"
        if sent["delayed"]:
            line += f", {sent['delayed']} thư chưa gửi được (sẽ thử lại sau)"
        line += "."
    return line


def cmd_run(args: argparse.Namespace) -> int:
    from bot.config import ConfigError

    try:
        print(asyncio.run(_run()))
    except ConfigError as err:
        print(f"Lỗi cấu hình — {err.variable}: {err.problem}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"Không kết nối được cơ sở dữ liệu (DATABASE_URL): {err}", file=sys.stderr)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    reminders = subparsers.add_parser("reminders", help="nhắc hạn và tổng hợp gửi cán bộ")
    sub = reminders.add_subparsers(dest="reminders_command", metavar="ACTION", required=True)
    sub.add_parser(
        "run", help="gửi ngay các lời nhắc đến hạn (mỗi lời nhắc một lần)"
    ).set_defaults(func=cmd_run)
