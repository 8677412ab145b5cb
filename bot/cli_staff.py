"""``python -m bot staff …``: staff accounts and API tokens from the command line.

- ``staff add USERNAME --role ROLE --password-stdin [--committee kt-ns] [--full-name "…"]``
- ``staff token USERNAME [--label "…"]`` prints a new bearer token for the staff JSON API (only
  its SHA-256 is stored, so it cannot be shown again)
- ``staff list``, ``staff passwd USERNAME --password-stdin``, ``staff deactivate USERNAME``

The database is migrated first, so these work on a fresh install before the first ``run``.
Problems are one Vietnamese line on stderr and a non-zero exit: 1 for a refused request
(duplicate username, weak password, unknown account), 2 for configuration errors.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from storage.staff import ROLES

EXIT_REFUSED = 1
EXIT_CONFIG = 2


class _Refused(Exception):
    """The request cannot be done as asked (exit 1)."""


class _ConfigProblem(Exception):
    """Settings, profile or database cannot be used (exit 2)."""


def _settings() -> Any:
    from bot.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as err:
        raise _ConfigProblem(f"Lỗi cấu hình — {err.variable}: {err.problem}") from None


def _profile(settings: Any) -> Any:
    from knowledge import ProfileError, load_profile

    try:
        return load_profile(settings.commune_profile)
    except ProfileError as err:
        raise _ConfigProblem(f"Lỗi hồ sơ xã (COMMUNE_PROFILE) — {err}") from None


def _read_password(args: argparse.Namespace, username: str) -> str:
    """The password from standard input (first line), or typed twice at a terminal."""
    from bot.staff import passwords

    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise _Refused("Hai lần nhập mật khẩu không khớp.")
    else:
        raise _Refused("Cần --password-stdin và mật khẩu ở dòng đầu của đầu vào chuẩn.")
    if not password:
        raise _Refused("Chưa nhận được mật khẩu (dòng đầu của đầu vào chuẩn đang trống).")
    problem = passwords.password_problem(password, username)
    if problem:
        raise _Refused(f"Mật khẩu yếu: {problem}")
    return password


def _username(raw: str) -> str:
    from bot.staff import passwords

    username = raw.strip().lower()
    problem = passwords.username_problem(username)
    if problem:
        raise _Refused(problem)
    return username


async def _with_db(settings: Any, job: Callable[[Any], Awaitable[int]]) -> int:
    from bot.db_problems import describe, is_database_problem
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        try:
            await db.upgrade()
        except Exception as err:
            if not is_database_problem(err):
                raise
            raise _ConfigProblem(describe(err, settings.database_url)) from None
        return await job(db)
    finally:
        await db.dispose()


def cmd_add(args: argparse.Namespace) -> int:
    from bot.staff import passwords
    from bot.staff.emails import clean_email
    from storage import staff as staff_repo
    from storage.communes import ensure_commune
    from storage.models import utcnow

    if args.role not in ROLES:  # a usage error (exit 2), worded in Vietnamese
        raise _ConfigProblem(
            f"Lỗi: không có vai trò «{str(args.role)[:40]}»; dùng một trong: {', '.join(ROLES)}. "
            "Xem 'python -m bot staff add --help'."
        )
    try:
        email = clean_email(args.email)
    except ValueError as err:
        raise _Refused(str(err)) from None
    settings = _settings()
    profile = _profile(settings)
    username = _username(args.username)
    committee = args.committee
    if args.role == "committee":
        ids = ", ".join(c.id for c in profile.committees)
        if not committee:
            raise _Refused(f"Tài khoản vai trò committee cần --committee (một trong: {ids}).")
        if profile.committee(committee) is None:
            raise _Refused(f"Không có ban «{committee}» trong hồ sơ xã (có: {ids}).")
    elif committee:
        raise _Refused("--committee chỉ dùng với --role committee.")
    password = _read_password(args, username)
    password_hash = passwords.hash_password_sync(password)

    async def job(db: Any) -> int:
        async with db.write() as session:
            await ensure_commune(session, profile.id, profile.name)
            try:
                await staff_repo.create_account(
                    session,
                    commune_id=profile.id,
                    username=username,
                    role=args.role,
                    committee=committee,
                    full_name=(args.full_name or "").strip()[:200],
                    password_hash=password_hash,
                    must_change_password=bool(args.must_change),
                    now=utcnow(),
                    email=email,
                )
            except staff_repo.UsernameTaken:
                raise _Refused(f"Tên đăng nhập «{username}» đã tồn tại.") from None
        return 0

    asyncio.run(_with_db(settings, job))
    print(f"Đã tạo tài khoản «{username}» (vai trò {args.role}).")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from bot.staff import passwords
    from storage import staff as staff_repo
    from storage.models import utcnow

    settings = _settings()
    username = args.username.strip().lower()
    token = passwords.new_api_token()
    days = args.days if args.days is not None else settings.staff_api_token_days
    if not 1 <= days <= 3660:
        raise _Refused("--days phải từ 1 đến 3660 ngày.")

    if args.revoke:

        async def revoke(db: Any) -> int:
            async with db.write() as session:
                account = await staff_repo.get_by_username(session, username)
                if account is None:
                    raise _Refused(f"Không có tài khoản «{username}».")
                return await staff_repo.revoke_tokens(session, account.id, utcnow())

        revoked = asyncio.run(_with_db(settings, revoke))
        print(f"Đã thu hồi {revoked} mã truy cập API của «{username}».")
        return 0

    async def job(db: Any) -> int:
        async with db.write() as session:
            account = await staff_repo.get_by_username(session, username)
            if account is None:
                raise _Refused(f"Không có tài khoản «{username}».")
            if not account.active:
                raise _Refused(f"Tài khoản «{username}» đã bị khoá.")
            await staff_repo.create_token(
                session,
                staff_id=account.id,
                token_hash=passwords.sha256_hex(token),
                label=(args.label or "").strip(),
                now=utcnow(),
                days=days,
            )
        return 0

    asyncio.run(_with_db(settings, job))
    print(token)
    print(
        f"Giữ mã này bí mật; nó chỉ hiện một lần và dùng được {days} ngày. "
        "Dùng: Authorization: Bearer <mã>.",
        file=sys.stderr,
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from storage import staff as staff_repo

    settings = _settings()
    profile = _profile(settings)

    async def job(db: Any) -> int:
        async with db.read() as session:
            accounts = await staff_repo.list_accounts(session, profile.id)
        if not accounts:
            print("Chưa có tài khoản nào.")
        for a in accounts:
            state = "hoạt động" if a.active else "đã khoá"
            extra = f" ({a.committee})" if a.committee else ""
            print(f"{a.username}\t{a.role}{extra}\t{state}\t{a.full_name}")
        return 0

    return asyncio.run(_with_db(settings, job))


def cmd_passwd(args: argparse.Namespace) -> int:
    from bot.staff import passwords
    from storage import staff as staff_repo
    from storage.models import utcnow

    settings = _settings()
    username = args.username.strip().lower()
    password = _read_password(args, username)
    password_hash = passwords.hash_password_sync(password)

    async def job(db: Any) -> int:
        async with db.write() as session:
            account = await staff_repo.get_by_username(session, username)
            if account is None:
                raise _Refused(f"Không có tài khoản «{username}».")
            await staff_repo.set_password(
                session, account, password_hash, must_change=bool(args.must_change), now=utcnow()
            )
        return 0

    asyncio.run(_with_db(settings, job))
    print(f"Đã đặt mật khẩu mới cho «{username}»; các phiên đăng nhập cũ đã kết thúc.")
    return 0


def cmd_deactivate(args: argparse.Namespace) -> int:
    from storage import staff as staff_repo
    from storage.models import utcnow

    settings = _settings()
    username = args.username.strip().lower()

    async def job(db: Any) -> int:
        async with db.write() as session:
            account = await staff_repo.get_by_username(session, username)
            if account is None:
                raise _Refused(f"Không có tài khoản «{username}».")
            await staff_repo.set_active(session, account, False, utcnow())
        return 0

    asyncio.run(_with_db(settings, job))
    print(f"Đã khoá «{username}» và thu hồi mọi phiên đăng nhập, mã API của tài khoản này.")
    return 0


def _guard(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except _Refused as err:
            print(f"Lỗi: {err}", file=sys.stderr)
            return EXIT_REFUSED
        except _ConfigProblem as err:
            print(str(err), file=sys.stderr)
            return EXIT_CONFIG

    return run


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``staff`` subcommands."""
    staff = subparsers.add_parser("staff", help="tài khoản cán bộ và mã truy cập API")
    sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="tạo tài khoản cán bộ")
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, help=f"vai trò: {', '.join(ROLES)}")
    add.add_argument("--email", help="địa chỉ e-mail nhận nhắc hạn và bản tổng hợp hằng tuần")
    add.add_argument(
        "--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin"
    )
    add.add_argument("--committee", help="ban phụ trách (bắt buộc với --role committee)")
    add.add_argument("--full-name", help="họ tên hiển thị")
    add.add_argument(
        "--must-change", action="store_true", help="buộc đổi mật khẩu ở lần đăng nhập đầu"
    )
    add.set_defaults(func=_guard(cmd_add))

    token = sub.add_parser("token", help="in một mã truy cập API mới cho tài khoản")
    token.add_argument("username", metavar="USERNAME")
    token.add_argument("--label", "--name", dest="label", help="tên của mã: dùng cho việc gì")
    token.add_argument(
        "--days",
        type=int,
        help="số ngày mã còn dùng được (mặc định STAFF_API_TOKEN_DAYS, 90 ngày)",
    )
    token.add_argument(
        "--revoke", action="store_true", help="thu hồi mọi mã API của tài khoản (không tạo mã mới)"
    )
    token.set_defaults(func=_guard(cmd_token))

    sub.add_parser("list", help="liệt kê tài khoản").set_defaults(func=_guard(cmd_list))

    passwd = sub.add_parser("passwd", help="đặt mật khẩu mới cho tài khoản")
    passwd.add_argument("username", metavar="USERNAME")
    passwd.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ stdin")
    passwd.add_argument(
        "--must-change", action="store_true", help="buộc đổi mật khẩu ở lần đăng nhập sau"
    )
    passwd.set_defaults(func=_guard(cmd_passwd))

    deactivate = sub.add_parser("deactivate", help="khoá tài khoản, thu hồi phiên và mã API")
    deactivate.add_argument("username", metavar="USERNAME")
    deactivate.set_defaults(func=_guard(cmd_deactivate))
