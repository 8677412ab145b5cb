"""Counting failed sign-ins so that guessing a password is slow, even in parallel or from many
addresses, and so that one address behind the commune's reverse proxy is not everybody.

Three counters, each a key in ``login_attempts`` over the lockout window:

- ``u:`` username + address: the lockout a member meets after a few typos (5 by default);
- ``ip:`` address: one machine trying many usernames (10× that);
- ``a:`` username from any address: a botnet spreading its guesses over many addresses gets at
  most 20× that per window (100 by default, the ceiling NIST SP 800-63B §5.2.2 allows).

An attempt is *reserved* (written) before the password is checked, and the counts are read in the
same write transaction: twenty guesses sent at once are counted one after the other, instead of
all reading "0 failures" while argon2 runs (measured: 20 parallel wrong passwords all got 401
before this). SQLite serialises write transactions by itself; on PostgreSQL (READ COMMITTED) the
reservation takes a transaction-scoped advisory lock, held for a few milliseconds. A successful
sign-in removes its own reservation.

The client's address is the TCP peer, unless that peer is a trusted reverse proxy
(``STAFF_TRUSTED_PROXIES``, loopback by default): then it is the right-most X-Forwarded-For hop
that is not itself a trusted proxy — the one our proxy appended, which a client cannot forge.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.staff import passwords
from storage import staff as staff_repo
from storage.models import LoginAttempt

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_TRUSTED_PROXIES = "127.0.0.1/32,::1/128"
# Arbitrary, distinct from storage.db's migration lock: serialises sign-in reservations on PG.
RESERVE_LOCK_ID = 7_204_113_508


def parse_networks(text: str) -> tuple[tuple[Network, ...], list[str]]:
    """Comma-separated addresses or CIDR ranges; returns (networks, entries that were invalid)."""
    networks: list[Network] = []
    invalid: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            invalid.append(part)
    return tuple(networks), invalid


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: web.Request, trusted: Sequence[Network]) -> str:
    """Who is really signing in (see the module docstring)."""
    remote = request.remote or "unknown"
    if not trusted or not _trusted(remote, trusted):
        return remote
    hops = [
        hop.strip()
        for header in request.headers.getall("X-Forwarded-For", [])
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return remote


@dataclass(frozen=True)
class Keys:
    user: str  # username at this address
    address: str  # this address, whatever the username
    account: str  # this username, whatever the address

    def all(self) -> tuple[str, str, str]:
        return (self.user, self.address, self.account)


def keys_for(username: str, address: str) -> Keys:
    """Hashed keys: the table never holds a username or an address in the clear."""
    return Keys(
        user="u:" + passwords.sha256_hex(f"{username}|{address}"),
        address="ip:" + passwords.sha256_hex(address),
        account="a:" + passwords.sha256_hex(username),
    )


@dataclass(frozen=True)
class Limits:
    user: int
    address: int
    account: int


@dataclass(frozen=True)
class Counts:
    user: int
    address: int
    account: int

    def over(self, limits: Limits, *, strictly: bool) -> bool:
        """``strictly``: counts include the attempt in hand; reaching the limit still passes."""
        pairs = (
            (self.user, limits.user),
            (self.address, limits.address),
            (self.account, limits.account),
        )
        if strictly:
            return any(count > limit for count, limit in pairs)
        return any(count >= limit for count, limit in pairs)


async def count(session: AsyncSession, keys: Keys, since: dt.datetime) -> Counts:
    return Counts(
        user=await staff_repo.count_failures(session, keys.user, since),
        address=await staff_repo.count_failures(session, keys.address, since),
        account=await staff_repo.count_failures(session, keys.account, since),
    )


async def serialize(session: AsyncSession) -> None:
    """Call first in the write transaction that counts and reserves (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": RESERVE_LOCK_ID})


async def reserve(session: AsyncSession, keys: Iterable[str], now: dt.datetime) -> list[int]:
    """Record one attempt under each key (assumed failed until proven right); returns row ids."""
    rows = [LoginAttempt(key=key[:200], at=now) for key in keys]
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows]


async def release(session: AsyncSession, ids: Sequence[int]) -> None:
    """Forget reservations of an attempt that turned out right."""
    if ids:
        await session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(list(ids))))
