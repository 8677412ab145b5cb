"""Zalo OA acknowledgement under a burst: 200 concurrent signed events against a real bot.

Run from the repository root:  .venv/bin/python bench/bench_zalo.py [--events 200]

The fake Zalo server of the tests (tests/channels/fake_zalo.py, as a process: fake_zalo_server.py)
plays the OA API and OAuth hosts; the bot is a real ``python -m bot run`` with ZALO_APP_ID,
ZALO_APP_SECRET, ZALO_OA_SECRET_KEY, the token pair and ZALO_API_BASE_URL / ZALO_OAUTH_BASE_URL
pointing at the fake. This client posts ``--events`` ``user_send_text`` events (FAQ questions, one
per distinct user, signed as Zalo signs them: ``mac=sha256(app_id + body + timestamp + OA secret
key)``) to /webhook/zalo all at once, and prints the acknowledgement p50/p99/max, the non-200
answers, and whether the fake then received a reply for every event (and how long that took).
Zalo expects the 200 within 2 seconds. It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from collections import Counter
from typing import Any

import aiohttp
from harness import Bench, Server, faq_questions, loadavg, ms, pct

from tests.channels.fake_zalo import APP_ID, APP_SECRET, OA_SECRET_KEY, encode, message_event


async def start_fake(
    bench: Bench, send_delay: float = 0.0, send_jitter: float = 0.0
) -> tuple[Server, dict[str, str]]:
    """The fake Zalo process, and the bot environment that points the OA channel at it."""
    access, refresh = f"acc-{secrets.token_hex(8)}", f"ref-{secrets.token_hex(8)}"
    args = ("--access", access, "--refresh", refresh, "--send-delay", str(send_delay))
    args += ("--send-jitter", str(send_jitter))
    fake = await bench.helper("fake-zalo", "fake_zalo_server.py", *args, ready="/_bench/messages")
    env = {
        "ZALO_APP_ID": APP_ID,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "ZALO_ACCESS_TOKEN": access,
        "ZALO_REFRESH_TOKEN": refresh,
        "ZALO_API_BASE_URL": fake.url,
        "ZALO_OAUTH_BASE_URL": fake.url,
    }
    return fake, env


async def delivered(fake: Server) -> list[dict[str, Any]]:
    """Every message the fake accepted so far: [{"to", "text"}], in order."""
    async with aiohttp.ClientSession() as http, http.get(fake.url + "/_bench/messages") as r:
        return (await r.json())["messages"]


def zalo_user(n: int) -> str:
    return str(5_800_000_000_000_000_000 + secrets.randbelow(10**15) * 1000 + n)


async def burst(bot: Server, users: list[str], questions: list[str]) -> tuple[list, Counter]:
    """All events posted at once; (ack latencies, statuses)."""
    bodies = [
        encode(message_event("user_send_text", user, text=questions[i % len(questions)]))
        for i, user in enumerate(users)
    ]
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        start = asyncio.Event()

        async def post(raw: bytes, headers: dict[str, str]) -> None:
            await start.wait()
            t0 = time.monotonic()
            try:
                async with http.post(bot.url + "/webhook/zalo", data=raw, headers=headers) as r:
                    await r.read()
                    statuses[str(r.status)] += 1
            except (aiohttp.ClientError, TimeoutError) as err:
                statuses[f"error:{type(err).__name__}"] += 1
            latencies.append(time.monotonic() - t0)

        tasks = [asyncio.create_task(post(raw, headers)) for raw, headers in bodies]
        await asyncio.sleep(0.2)  # every task waits at the gate
        start.set()
        await asyncio.gather(*tasks)
    return latencies, statuses


async def answered(fake: Server, users: list[str], patience: float) -> tuple[int, float]:
    """(users that received at least one message, seconds until the last of them did)."""
    t0, wanted = time.monotonic(), set(users)
    while True:
        got = wanted & {m["to"] for m in await delivered(fake)}
        if len(got) == len(wanted) or time.monotonic() - t0 > patience:
            return len(got), time.monotonic() - t0
        await asyncio.sleep(0.2)


async def one_database(bench: Bench, kind: str, events: int, bursts: int = 1) -> list[str]:
    db_url = await bench.database(kind)
    fake, env = await start_fake(bench)
    bot = await bench.bot(db_url, name=f"bot-zalo-{kind}", **env)
    bare = await bench.helper(f"bare-{kind}", "bare_app.py", ready="/healthz")
    questions = faq_questions()
    warm = [zalo_user(i) for i in range(3)]
    await burst(bot, warm, questions)
    await burst(bare, warm, questions)
    await answered(fake, warm, 30)
    rows = []
    for number in range(1, bursts + 1):
        rows.append(await one_burst(kind, events, bot, bare, fake, questions, number))
    await bare.stop()
    await bot.stop()
    await fake.stop()
    return rows


async def one_burst(
    kind: str, events: int, bot: Server, bare: Server, fake: Server, questions: list, number: int
) -> str:
    """One burst at the bare app, then the same at the bot, once the previous one was answered."""
    users = [zalo_user(i) for i in range(events)]
    # The same burst against a bare aiohttp app that only reads the body: what this machine and
    # this client cost by themselves, measured side by side in the same run.
    base, _ = await burst(bare, users, questions)
    await asyncio.sleep(1)
    users = [zalo_user(i) for i in range(events)]
    t0 = time.monotonic()
    latencies, statuses = await burst(bot, users, questions)
    acked = time.monotonic() - t0
    got, waited = await answered(fake, users, 120)
    bad = {k: v for k, v in statuses.items() if k != "200"}
    label = kind if number == 1 else f"{kind} #{number}"
    print(
        f"\n== {label}: bare aiohttp ack p50 {ms(pct(base, 0.5))} ms, p99 {ms(pct(base, 0.99))} ms"
        f"\n== {label}: {events} events in {acked:.2f} s; ack p50 {ms(pct(latencies, 0.5))} ms, "
        f"p99 {ms(pct(latencies, 0.99))} ms, max {ms(max(latencies))} ms; "
        f"non-200: {bad or 'none'}; answered {got}/{events} "
        f"(last reply {acked + waited:.1f} s after the burst began); "
        f"bot tracebacks: {bot.tracebacks()}; load {loadavg().split()[0]}",
        flush=True,
    )
    return (
        f"| {label} | {events} | {ms(pct(base, 0.5))} / {ms(pct(base, 0.99))} | "
        f"{ms(pct(latencies, 0.5))} | {ms(pct(latencies, 0.99))} | "
        f"{ms(max(latencies))} | {sum(bad.values())} | {got}/{events} | {acked + waited:.1f} s |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument(
        "--bursts",
        type=int,
        default=1,
        help="bursts per server, each once the previous one was answered (the spread between "
        "bursts is larger than most changes: compare medians)",
    )
    args = parser.parse_args()
    print(f"loadavg before: {loadavg()}")
    rows = [
        "| db | events | bare aiohttp p50 / p99 ms | ack p50 ms | ack p99 ms | ack max ms | "
        "non-200 | answered | last reply |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    async with Bench() as bench:
        for kind in args.db.split(","):
            rows += await one_database(bench, kind, args.events, args.bursts)
    print(f"\nloadavg after: {loadavg()}\n")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
