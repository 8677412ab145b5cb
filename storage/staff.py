"""Staff accounts, dashboard sessions, API tokens and failed sign-ins.

Secrets never reach this module in the clear: the dashboard stores the SHA-256 of a session cookie
and of an API token, and an argon2 hash of a password. Sessions are rows, not signed cookies, so
an administrator can revoke them at once (deactivating an account, resetting a password).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApiToken, LoginAttempt, Petition, StaffAccount, StaffSession

ROLES = ("admin", "office", "committee", "digital_team", "viewer")


class UsernameTaken(Exception):
    """Another account already has this username (usernames are unique in a deployment)."""


async def create_account(
    session: AsyncSession,
    *,
    commune_id: str,
    username: str,
    role: str,
    password_hash: str,
    now: dt.datetime,
    committee: str | None = None,
    full_name: str = "",
    must_change_password: bool = False,
    email: str | None = None,
) -> StaffAccount:
    """Insert an account; raises UsernameTaken (the transaction stays usable)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    account = StaffAccount(
        commune_id=commune_id,
        username=username,
        role=role,
        committee=committee if role == "committee" else None,
        full_name=full_name,
        password_hash=password_hash,
        must_change_password=must_change_password,
        email=email,
        active=True,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(account)
            await session.flush()
    except IntegrityError:
        raise UsernameTaken(username) from None
    return account


async def get_account(session: AsyncSession, account_id: int) -> StaffAccount | None:
    return await session.get(StaffAccount, account_id)


async def get_by_username(session: AsyncSession, username: str) -> StaffAccount | None:
    stmt = select(StaffAccount).where(StaffAccount.username == username)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_accounts(session: AsyncSession, commune_id: str) -> Sequence[StaffAccount]:
    stmt = (
        select(StaffAccount)
        .where(StaffAccount.commune_id == commune_id)
        .order_by(StaffAccount.active.desc(), StaffAccount.username)
    )
    return (await session.execute(stmt)).scalars().all()


async def count_active_admins(session: AsyncSession, commune_id: str) -> int:
    stmt = select(func.count(StaffAccount.id)).where(
        StaffAccount.commune_id == commune_id,
        StaffAccount.role == "admin",
        StaffAccount.active.is_(True),
    )
    return int(await session.scalar(stmt) or 0)


async def set_password(
    session: AsyncSession,
    account: StaffAccount,
    password_hash: str,
    *,
    must_change: bool,
    now: dt.datetime,
) -> None:
    """Replace the password and end every session and API token of the account: whoever knew
    the old password may have made a token with it, and old cookies stop working."""
    account.password_hash = password_hash
    account.must_change_password = must_change
    account.failed_logins = 0
    account.locked_until = None
    await revoke_sessions(session, account.id, now)
    await revoke_tokens(session, account.id, now)


async def set_active(
    session: AsyncSession, account: StaffAccount, active: bool, now: dt.datetime
) -> None:
    """Deactivating also revokes the account's sessions and API tokens."""
    account.active = active
    if not active:
        await revoke_sessions(session, account.id, now)
        await revoke_tokens(session, account.id, now)


# --- sessions -----------------------------------------------------------------------------


async def create_session(
    session: AsyncSession,
    *,
    session_hash: str,
    staff_id: int,
    csrf_token: str,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> StaffSession:
    row = StaffSession(
        id=session_hash,
        staff_id=staff_id,
        csrf_token=csrf_token,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row


async def load_session(
    session: AsyncSession, session_hash: str
) -> tuple[StaffSession, StaffAccount] | None:
    """The session row and its account, whatever their state (the caller checks expiry)."""
    stmt = (
        select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.staff_id)
        .where(StaffSession.id == session_hash)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def touch_session(session: AsyncSession, session_hash: str, now: dt.datetime) -> None:
    await session.execute(
        update(StaffSession).where(StaffSession.id == session_hash).values(last_seen_at=now)
    )


async def revoke_session(session: AsyncSession, session_hash: str, now: dt.datetime) -> None:
    await session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_hash, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_sessions(session: AsyncSession, staff_id: int, now: dt.datetime) -> int:
    """End every live session of one account; returns how many."""
    result = await session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


async def count_live_sessions(session: AsyncSession, staff_id: int, now: dt.datetime) -> int:
    stmt = select(func.count(StaffSession.id)).where(
        StaffSession.staff_id == staff_id,
        StaffSession.revoked_at.is_(None),
        StaffSession.expires_at > now,
    )
    return int(await session.scalar(stmt) or 0)


async def purge_sessions(session: AsyncSession, before: dt.datetime) -> int:
    """Delete sessions that expired or were revoked before ``before`` (housekeeping)."""
    result = await session.execute(
        delete(StaffSession).where(
            (StaffSession.expires_at < before) | (StaffSession.revoked_at < before)
        )
    )
    return int(result.rowcount or 0)


# --- API tokens ---------------------------------------------------------------------------


DEFAULT_TOKEN_DAYS = 90


async def create_token(
    session: AsyncSession,
    *,
    staff_id: int,
    token_hash: str,
    label: str,
    now: dt.datetime,
    days: int = DEFAULT_TOKEN_DAYS,
) -> ApiToken:
    """A token that stops working ``days`` days from ``now`` (or when revoked)."""
    row = ApiToken(
        staff_id=staff_id,
        token_hash=token_hash,
        label=label[:100],
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    session.add(row)
    await session.flush()
    return row


async def find_token(
    session: AsyncSession, token_hash: str
) -> tuple[ApiToken, StaffAccount] | None:
    stmt = (
        select(ApiToken, StaffAccount)
        .join(StaffAccount, StaffAccount.id == ApiToken.staff_id)
        .where(ApiToken.token_hash == token_hash)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def touch_token(session: AsyncSession, token_id: int, now: dt.datetime) -> None:
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def token_live(row: ApiToken, now: dt.datetime) -> bool:
    """Neither revoked nor expired."""
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


async def list_tokens(session: AsyncSession, staff_id: int) -> list[ApiToken]:
    """The account's tokens, newest first (live, expired and revoked)."""
    stmt = select(ApiToken).where(ApiToken.staff_id == staff_id).order_by(ApiToken.id.desc())
    return list((await session.scalars(stmt)).all())


async def revoke_token(
    session: AsyncSession, staff_id: int, token_id: int, now: dt.datetime
) -> bool:
    """Revoke one token of that account; False when it has no such live token."""
    result = await session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            ApiToken.staff_id == staff_id,
            ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(result.rowcount)


async def revoke_tokens(session: AsyncSession, staff_id: int, now: dt.datetime) -> int:
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.staff_id == staff_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


async def count_live_tokens(
    session: AsyncSession, staff_id: int, now: dt.datetime | None = None
) -> int:
    stmt = select(func.count(ApiToken.id)).where(
        ApiToken.staff_id == staff_id, ApiToken.revoked_at.is_(None)
    )
    if now is not None:
        stmt = stmt.where(or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))
    return int(await session.scalar(stmt) or 0)


# --- failed sign-ins ----------------------------------------------------------------------


async def record_failure(session: AsyncSession, key: str, now: dt.datetime) -> None:
    session.add(LoginAttempt(key=key[:200], at=now))
    await session.flush()


async def count_failures(session: AsyncSession, key: str, since: dt.datetime) -> int:
    stmt = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.key == key[:200], LoginAttempt.at >= since
    )
    return int(await session.scalar(stmt) or 0)


async def clear_failures(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.key == key[:200]))


async def purge_failures(session: AsyncSession, before: dt.datetime) -> int:
    result = await session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
    return int(result.rowcount or 0)


async def recent_petition_by_staff(
    session: AsyncSession, staff_id: int, content: str, since: dt.datetime
) -> Petition | None:
    """The same text filed by the same member moments ago: a double-submitted intake form."""
    stmt = (
        select(Petition)
        .where(
            Petition.created_by_staff_id == staff_id,
            Petition.created_at >= since,
            Petition.content == content,
        )
        .order_by(Petition.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def set_email(session: AsyncSession, account_id: int, email: str | None) -> None:
    """Where the account's reminders and digests go (None: no e-mail)."""
    account = await session.get(StaffAccount, account_id)
    if account is not None:
        account.email = email
