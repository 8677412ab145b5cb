"""``python -m bot``: run the bot, ask it a question, manage the database, staff and knowledge."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load_settings

log = logging.getLogger("bot")


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from bot.channels.logs import install_log_guards

    install_log_guards()  # before the first SQL statement or request is logged


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as err:
        raise CliError(f"Lỗi cấu hình — {err.variable}: {err.problem}") from None


def load_content_or_exit(settings: Settings):
    """Profile, knowledge base, matcher and messages, or one readable line on invalid data."""
    from bot.content import load_content
    from handlers.texts.loader import TextsError
    from knowledge import KnowledgeError, ProfileError

    try:
        return load_content(settings)
    except ProfileError as err:
        raise CliError(f"Lỗi hồ sơ xã (COMMUNE_PROFILE) — {err}") from None
    except KnowledgeError as err:
        raise CliError(f"Lỗi cơ sở tri thức (KNOWLEDGE_DIR) — {err}") from None
    except TextsError as err:
        raise CliError(f"Lỗi tin nhắn (KNOWLEDGE_DIR/messages) — {err}") from None


def ensure_port_free(host: str, port: int) -> None:
    """Refuse a busy port before anything is created: the first start would otherwise create the
    first admin, print its one-time password and exit, and the next start would print nothing."""
    import socket

    try:
        addresses = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as err:
        raise CliError(
            f"Lỗi cấu hình — BOT_HOST: không dùng được địa chỉ «{host}» ({err})"
        ) from None
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            # as aiohttp binds: a port in TIME_WAIT after the last stop is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as err:
                raise CliError(
                    f"Cổng {host}:{port} đang được chương trình khác dùng hoặc không mở được "
                    f"({err.strerror}). Hãy dừng chương trình đó hoặc chọn cổng khác "
                    "(BOT_PORT hoặc --port)."
                ) from None


def cmd_run(args: argparse.Namespace) -> int:
    """Serve the web chat, webhooks, dashboard and the delivery worker until stopped."""
    from aiohttp import web

    from bot.app import create_app
    from bot.runtime import build_runtime

    settings = settings_or_exit()
    configure_logging(settings.log_level)
    host = args.host or settings.host
    port = args.port or settings.port
    if not 1 <= port <= 65535:
        raise CliError(f"Lỗi cấu hình — --port: cổng {port} nằm ngoài khoảng 1–65535")

    ensure_port_free(host, port)
    content = load_content_or_exit(settings)

    async def make_app() -> web.Application:
        runtime = await build_runtime(settings, content=content)
        app = create_app(runtime)

        async def close(_app: web.Application) -> None:
            await runtime.close()

        app.on_cleanup.append(close)
        freeze_startup_objects()
        log.info("Xã: %s — cơ sở dữ liệu: %s", runtime.profile.name, runtime.db.dialect)
        log.info("Đang phục vụ tại http://%s:%s (web chat: /, quản trị: /staff/)", host, port)
        return app

    from sqlalchemy.exc import SQLAlchemyError

    from bot.db_problems import describe

    try:
        web.run_app(make_app(), host=host, port=port, print=None, shutdown_timeout=30)
    except SQLAlchemyError as err:
        raise CliError(describe(err, settings.database_url)) from None
    except OSError as err:
        raise CliError(f"Không mở được cổng {host}:{port} hoặc cơ sở dữ liệu: {err}") from None
    log.info("Đã dừng.")
    return 0


def freeze_startup_objects() -> None:
    """Move what start-up built (modules, the knowledge base, the trained models: millions of
    objects that live as long as the process) out of the garbage collector's reach. Without it
    each full collection walked them all — 280–300 ms with the loop stopped, long enough to
    push a burst of Zalo acknowledgements past 200 ms. Only the server does this: in tests it
    would keep memory of finished runtimes from being freed."""
    gc.collect()
    gc.freeze()


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the database migrations."""
    from storage.db import Database

    settings = settings_or_exit()

    async def upgrade() -> None:
        db = Database(settings.database_url)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    from bot.db_problems import describe, is_database_problem

    try:
        asyncio.run(upgrade())
    except Exception as err:
        if not is_database_problem(err):
            raise
        raise CliError(describe(err, settings.database_url)) from None
    print("Đã cập nhật cơ sở dữ liệu lên phiên bản mới nhất.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from bot import cli_knowledge, cli_reminders, cli_report, cli_staff
    from bot.cli_parser import VietnameseParser

    parser = VietnameseParser(
        prog="python -m bot",
        description="Trợ lý ảo của xã: hỏi đáp dịch vụ công và nhận kiến nghị cử tri.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="chạy bot (web chat, Telegram, Zalo, trang quản trị)")
    run.add_argument("--host", help="địa chỉ lắng nghe (mặc định BOT_HOST hoặc 127.0.0.1)")
    run.add_argument("--port", type=int, help="cổng (mặc định BOT_PORT hoặc 8080)")
    run.set_defaults(func=cmd_run)

    cli_knowledge.register(sub)

    db = sub.add_parser("db", help="quản lý cơ sở dữ liệu")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser(
        "upgrade", help="áp dụng các bản cập nhật cấu trúc (migrations)"
    ).set_defaults(func=cmd_db_upgrade)

    cli_staff.register(sub)
    cli_report.register(sub)
    cli_reminders.register(sub)

    zalo = sub.add_parser("zalo", help="cấp quyền lần đầu cho Zalo OA (cặp token đầu tiên)")
    zalo_sub = zalo.add_subparsers(dest="zalo_command", metavar="ACTION", required=True)
    link = zalo_sub.add_parser("link", help="in địa chỉ để quản trị viên OA đồng ý cấp quyền")
    link.add_argument("redirect_uri", help="Callback URL đã khai báo trong ứng dụng Zalo")
    link.set_defaults(func=cmd_zalo)
    exchange = zalo_sub.add_parser("exchange", help="đổi mã code lấy cặp token, lưu vào CSDL")
    exchange.add_argument("code", help="giá trị code=… trên thanh địa chỉ trình duyệt")
    exchange.add_argument(
        "--verifier",
        default=None,
        help="code_verifier của code challenge cố định đặt trên Zalo for Developers "
        "(khi dùng liên kết do trang quản lý tạo; mặc định ZALO_CODE_VERIFIER)",
    )
    exchange.set_defaults(func=cmd_zalo)
    return parser


def cmd_zalo(args: argparse.Namespace) -> int:
    """The Zalo OA's first authorisation (see bot/channels/zalo_auth.py)."""
    from bot.channels import zalo_auth

    value = args.redirect_uri if args.zalo_command == "link" else args.code
    extra = ["--verifier", args.verifier] if getattr(args, "verifier", None) else []
    return zalo_auth.main([args.zalo_command, value, *extra])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as err:
        print(err, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
