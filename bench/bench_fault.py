"""Fault test: ``kill -9`` the bot while citizens file petitions, and again while it delivers.

Run from the repository root:  .venv/bin/python bench/bench_fault.py [--users 500]

Petitions: ``--users`` web-chat citizens (``--clients`` at a time) each file one petition through
the real flow, pressing the buttons of the replies, every message with a ``message_id``; when
``--kill-at`` of the expected answers have come back the server is ``kill -9``ed and started
again on the same port and database, while the clients retry each unanswered message until it
is answered. Printed: stored / duplicates / lost (a code the client was given that is not
stored) / unfinished, read from the database.

Notifications: each petition gets a follower on Zalo (a Zalo identity and a petition_followers
row, inserted by SQL), the bot runs with its Zalo channel pointed at the fake OA server
(``--send-delay`` of latency per send), and a staff account forwards every petition through
``POST /staff/api/petitions/{code}/events``. When the fake has received ``--kill-at`` of the
notifications the bot is ``kill -9``ed at a moment when some rows are claimed and being sent;
the outbox rows it had claimed but not recorded (status ``sending``) are counted as in flight;
it is restarted, the forwarding finishes, and once the outbox has drained (the claim's lease
must expire first) the fake's log gives the messages sent twice and those never sent. Both
databases. It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import aiohttp
from bench_zalo import delivered, start_fake, zalo_user
from chatflow import Stats, file_many
from harness import Bench, Server, loadavg, sql
from sqlalchemy import func, insert, select

from storage.models import ChannelIdentity, OutboxMessage, Petition, PetitionFollower, utcnow

STEPS = 7  # messages in one anonymous petition flow


async def stored_petitions(db_url: str) -> dict[str, list[str]]:
    """Web-chat user id -> codes of the petitions stored for that user."""
    stmt = (
        select(ChannelIdentity.external_user_id, Petition.code)
        .join(Petition, Petition.identity_id == ChannelIdentity.id)
        .where(ChannelIdentity.channel == "web")
    )
    found: dict[str, list[str]] = {}
    async with sql(db_url) as conn:
        for uid, code in (await conn.execute(stmt)).all():
            found.setdefault(uid, []).append(code)
    return found


async def outbox_status(db_url: str, channel: str = "zalo") -> Counter[str]:
    stmt = select(OutboxMessage.status, func.count()).where(OutboxMessage.channel == channel)
    async with sql(db_url) as conn:
        return Counter(dict((await conn.execute(stmt.group_by(OutboxMessage.status))).all()))


async def kill_when(bot: Server, ready: Callable[[], Awaitable[bool]], label: str) -> float:
    """Poll ``ready()`` every 20 ms, then kill -9 the bot; returns the time of the kill."""
    while not await ready():  # noqa: ASYNC110 — polling another process's state
        await asyncio.sleep(0.02)
    await bot.kill9()
    print(f"   kill -9 ({label})", flush=True)
    return time.monotonic()


async def petitions(
    bench: Bench, db_url: str, env: dict[str, str], args: argparse.Namespace
) -> tuple[Server, Stats, str]:
    bot = await bench.bot(db_url, name="bot-fault", **env)
    stats = Stats()
    deadline = time.monotonic() + args.patience
    job = asyncio.create_task(file_many([bot.url], args.users, args.clients, deadline, stats))

    async def ready() -> bool:
        return stats.answered >= args.users * STEPS * args.kill_at or job.done()

    killed = await kill_when(bot, ready, "mid-run")
    print(f"   {stats.answered} of {args.users * STEPS} messages answered at the kill")
    bot = await bench.restart(bot)
    print(f"   restarted in {time.monotonic() - killed:.1f} s", flush=True)
    ours = {person.uid for person in await job}
    found = await stored_petitions(db_url)
    stored = sum(1 for uid in ours if found.get(uid))
    duplicates = sum(len(found.get(uid, [])) - 1 for uid in ours if found.get(uid))
    lost = sum(1 for uid, code in stats.codes.items() if code not in found.get(uid, []))
    print(
        f"   petitions: {args.users} users → stored {stored}, duplicates {duplicates}, "
        f"lost {lost}, unfinished {len(stats.failed)} {set(stats.failed.values()) or ''}; "
        f"{stats.sent} requests, {stats.answered} answered ({stats.duplicates} as replays), "
        f"retries {dict(stats.retries)}",
        flush=True,
    )
    row = f"{stored} | {duplicates} | {lost} | {len(stats.failed)}"
    return bot, stats, row


async def add_zalo_followers(db_url: str, codes: list[str]) -> list[str]:
    """A Zalo follower for each petition (identity + follower row); their Zalo user ids."""
    now = utcnow()
    async with sql(db_url) as conn:
        rows = (await conn.execute(select(Petition.id, Petition.commune_id).where(
            Petition.code.in_(codes)))).all()  # fmt: skip
        users = [zalo_user(i) for i in range(len(rows))]
        identity_rows = [
            {"commune_id": commune, "channel": "zalo", "external_user_id": user,
             "active": True, "last_inbound_at": now, "created_at": now}
            for (_, commune), user in zip(rows, users, strict=True)
        ]  # fmt: skip
        await conn.execute(insert(ChannelIdentity), identity_rows)
        ids = dict((await conn.execute(
            select(ChannelIdentity.external_user_id, ChannelIdentity.id).where(
                ChannelIdentity.channel == "zalo"))).all())  # fmt: skip
        await conn.execute(
            insert(PetitionFollower),
            [{"petition_id": pid, "identity_id": ids[user], "created_at": now}
             for (pid, _), user in zip(rows, users, strict=True)],
        )  # fmt: skip
    return users


async def forward_all(bot_url: str, token: str, codes: list[str], deadline: float) -> Counter:
    """Forward every petition through the staff API, retrying across the restart."""
    outcomes: Counter[str] = Counter()
    gate = asyncio.Semaphore(10)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"status": "forwarded", "forwarded_to": "UBND xã",
            "public_note": "Đã chuyển UBND xã xem xét, giải quyết."}  # fmt: skip
    timeout = aiohttp.ClientTimeout(total=45)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as http:

        async def one(code: str) -> None:
            url = f"{bot_url}/staff/api/petitions/{code}/events"
            async with gate:
                while time.monotonic() < deadline:
                    try:
                        async with http.post(url, json=body) as r:
                            if r.status in (200, 409):  # 409: applied before the kill
                                outcomes[str(r.status)] += 1
                                return
                            outcomes[f"retry {r.status}"] += 1
                    except (aiohttp.ClientError, TimeoutError) as err:
                        outcomes[f"retry {type(err).__name__}"] += 1
                    await asyncio.sleep(0.3)
                outcomes["gave up"] += 1

        await asyncio.gather(*(one(code) for code in codes))
    return outcomes


async def notifications(
    bench: Bench, db_url: str, bot: Server, fake: Server, codes: list[str], kill_at: float
) -> str:
    users = await add_zalo_followers(db_url, codes)
    _, _, token = await bench.staff_token(db_url)
    deadline = time.monotonic() + 400
    job = asyncio.create_task(forward_all(bot.url, token, codes, deadline))
    at_kill: dict[str, int] = {}

    give_up = time.monotonic() + 120

    async def ready() -> bool:
        """Past ``kill_at`` of the notifications, at a moment when sends are in flight (rows
        claimed, ``sending``), so that the kill lands inside a batch, not between two."""
        if len(await delivered(fake)) < len(codes) * kill_at and not job.done():
            return False
        return (await outbox_status(db_url)).get("sending", 0) > 0 or time.monotonic() > give_up

    await kill_when(bot, ready, "during delivery")
    at_kill["sent"] = len(await delivered(fake))  # the bot is dead: nothing new is sent
    status = await outbox_status(db_url)
    in_flight = status.get("sending", 0)
    print(f"   at the kill: fake received {at_kill['sent']}, outbox {dict(status)}", flush=True)
    bot = await bench.restart(bot)
    outcomes = await job
    t0 = time.monotonic()
    while time.monotonic() < deadline:
        status = await outbox_status(db_url)
        if not status.get("pending") and not status.get("sending"):
            break
        await asyncio.sleep(1)
    drained = time.monotonic() - t0
    received = Counter(m["to"] for m in await delivered(fake) if m["to"] in set(users))
    twice = sum(n - 1 for n in received.values() if n > 1)
    never = sum(1 for user in users if not received[user])
    print(
        f"   notifications: {len(users)} Zalo followers; forwarded {dict(outcomes)}; "
        f"in flight at the kill {in_flight}; sent twice {twice}; never sent {never}; "
        f"outbox now {dict(status)} (drained {drained:.0f} s after the forwarding ended); "
        f"bot tracebacks {bot.tracebacks()}",
        flush=True,
    )
    await bot.stop()
    return f"{in_flight} | {twice} | {never}"


async def one_database(bench: Bench, kind: str, args: argparse.Namespace) -> str:
    print(f"\n== {kind}", flush=True)
    db_url = await bench.database(kind)
    fake, env = await start_fake(bench, args.send_delay, args.send_jitter)
    bot, stats, petition_row = await petitions(bench, db_url, env, args)
    note_row = await notifications(
        bench, db_url, bot, fake, list(stats.codes.values()), args.kill_at
    )
    await fake.stop()
    return f"| {kind} | {args.users} | {petition_row} | {note_row} |"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--clients", type=int, default=25, help="citizens typing at once")
    parser.add_argument("--kill-at", type=float, default=0.4, help="share done at the kill")
    parser.add_argument("--send-delay", type=float, default=0.1, help="fake Zalo latency, s")
    parser.add_argument(
        "--send-jitter", type=float, default=0.0, help="extra random latency per send, 0..J s"
    )
    parser.add_argument("--patience", type=float, default=400, help="seconds, per phase")
    args = parser.parse_args()
    print(f"loadavg before: {loadavg()}")
    rows = [
        "| db | users | stored | duplicates | lost | unfinished | "
        "in flight at kill | sent twice | never sent |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    async with Bench() as bench:
        for kind in args.db.split(","):
            rows.append(await one_database(bench, kind, args))
    print(f"\nloadavg after: {loadavg()}\n")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
