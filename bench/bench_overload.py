"""Overload: POST /api/chat and /webhook/zalo at twice the saturating load, and far beyond.

Run from the repository root:  .venv/bin/python bench/bench_overload.py [--window 8]

For each database a real ``python -m bot run`` (default settings: DB_POOL_SIZE 10,
MAX_CONCURRENT_MESSAGES 6, Zalo pointed at the fake OA server) is driven by closed-loop web-chat
clients at doubling concurrency (1, 2, 4, …) until the rate stops growing by 10 %: that
concurrency is the saturating load. Then it is driven at twice and at ``--far`` times that, and
every answer is classified: 2xx, 503 with a Retry-After header, any other 5xx (must be none),
other statuses, connection errors. The 503s' own latency shows they are refused at once. At the
same time, /healthz is polled every 50 ms (its worst wait shows it is never starved), and at 2×
a burst of signed Zalo events is posted too (webhooks share the overload rule). It prints
figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from bench_zalo import burst, start_fake, zalo_user
from harness import Bench, Server, faq_maker, faq_questions, loadavg, ms, pct


@dataclass
class Level:
    concurrency: int
    window: float
    ok: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    ok_latency: list[float] = field(default_factory=list)
    busy_latency: list[float] = field(default_factory=list)
    health_worst: float = 0.0

    @property
    def rate(self) -> float:
        return self.ok / self.window

    def summary(self) -> str:
        return ", ".join(f"{k}×{v}" for k, v in sorted(self.kinds.items()))


def classify(status: int, headers: aiohttp.typedefs.LooseHeaders) -> str:
    if 200 <= status < 300:
        return "2xx"
    if status == 503:
        return "503+Retry-After" if "Retry-After" in headers else "503 WITHOUT Retry-After"
    return f"{status} (other 5xx)" if status >= 500 else str(status)


async def poll_health(url: str, stop: asyncio.Event, level: Level) -> None:
    async with aiohttp.ClientSession() as http:
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                async with http.get(url + "/healthz") as r:
                    await r.read()
            except aiohttp.ClientError:
                pass
            level.health_worst = max(level.health_worst, time.monotonic() - t0)
            await asyncio.sleep(0.05)


async def drive(bot: Server, concurrency: int, window: float) -> Level:
    level = Level(concurrency, window)
    make = faq_maker(faq_questions())
    stop = asyncio.Event()
    health = asyncio.create_task(poll_health(bot.url, stop, level))
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=45)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        deadline = time.monotonic() + window

        async def client(w: int) -> None:
            i = 0
            while time.monotonic() < deadline:
                path, body = make(w, i)
                i += 1
                t0 = time.monotonic()
                try:
                    async with http.post(bot.url + path, json=body) as r:
                        await r.read()
                        kind = classify(r.status, r.headers)
                        retry_after = float(r.headers.get("Retry-After", "0") or 0)
                except (aiohttp.ClientError, TimeoutError) as err:
                    kind, retry_after = f"error:{type(err).__name__}", 0.0
                t1 = time.monotonic()
                level.kinds[kind] += 1
                if kind == "2xx":
                    level.ok_latency.append(t1 - t0)
                    level.ok += t1 <= deadline
                elif kind.startswith("503"):
                    level.busy_latency.append(t1 - t0)
                    # a well-behaved client honours Retry-After (capped so the window sees reuse)
                    await asyncio.sleep(min(retry_after, 0.5))

        await asyncio.gather(*(client(w) for w in range(concurrency)))
    stop.set()
    await health
    return level


def row(kind: str, label: str, level: Level) -> str:
    return (
        f"| {kind} | {label} | {level.concurrency} | {level.rate:.1f} | "
        f"{ms(pct(level.ok_latency, 0.5))} / {ms(pct(level.ok_latency, 0.99))} ms | "
        f"{level.kinds.get('503+Retry-After', 0)} | "
        f"{ms(pct(level.busy_latency, 0.5))} / {ms(pct(level.busy_latency, 0.99))} ms | "
        f"{sum(v for k, v in level.kinds.items() if 'other 5xx' in k or 'WITHOUT' in k)} | "
        f"{ms(level.health_worst)} ms |"
    )


async def one_database(bench: Bench, kind: str, args: argparse.Namespace) -> list[str]:
    db_url = await bench.database(kind)
    fake, env = await start_fake(bench)
    bot = await bench.bot(db_url, name=f"bot-overload-{kind}", **env)
    await drive(bot, 2, 2.0)  # warm-up: lazily imported code
    print(f"\n== {kind}: bot pid {bot.pid}", flush=True)
    best, saturating, concurrency = 0.0, 1, 1
    while concurrency <= args.max_search:
        level = await drive(bot, concurrency, args.window)
        print(f"   c={concurrency:<4} {level.rate:7.1f} msg/s  {level.summary()}", flush=True)
        if level.rate < best * 1.10:
            break
        best, saturating = max(best, level.rate), concurrency
        concurrency *= 2
    print(f"   saturating load: {saturating} clients ({best:.1f} msg/s)", flush=True)
    rows = []
    for factor in (2, args.far):
        c = saturating * factor
        users = [zalo_user(i) for i in range(args.zalo)] if factor == 2 else []
        zalo_job = asyncio.create_task(burst(bot, users, faq_questions())) if users else None
        level = await drive(bot, c, args.window)
        print(
            f"   {factor}× = c={c}: {level.rate:.1f} msg/s; {level.summary()}; "
            f"2xx p50/p99 {ms(pct(level.ok_latency, 0.5))}/{ms(pct(level.ok_latency, 0.99))} ms; "
            f"503 p50/p99 {ms(pct(level.busy_latency, 0.5))}/"
            f"{ms(pct(level.busy_latency, 0.99))} ms; worst /healthz {ms(level.health_worst)} ms",
            flush=True,
        )
        if zalo_job is not None:
            latencies, statuses = await zalo_job
            print(
                f"   Zalo burst of {len(users)} during it: {dict(statuses)}; ack p50/p99 "
                f"{ms(pct(latencies, 0.5))}/{ms(pct(latencies, 0.99))} ms",
                flush=True,
            )
        rows.append(row(kind, f"{factor}× saturating", level))
    print(f"   bot tracebacks in its log: {bot.tracebacks()}", flush=True)
    await bot.stop()
    await fake.stop()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--window", type=float, default=8.0, help="seconds per level")
    parser.add_argument("--max-search", type=int, default=64, help="largest c tried")
    parser.add_argument("--far", type=int, default=8, help="the second overload factor")
    parser.add_argument("--zalo", type=int, default=200, help="Zalo events posted at 2×")
    args = parser.parse_args()
    print(f"loadavg before: {loadavg()}")
    table = [
        "| db | load | clients | 2xx msg/s | 2xx p50 / p99 | 503 + Retry-After | "
        "503 p50 / p99 | other 5xx | worst /healthz |",
        "|---|---|---:|---:|---|---:|---|---:|---:|",
    ]
    async with Bench() as bench:
        for kind in args.db.split(","):
            table += await one_database(bench, kind, args)
    print(f"\nloadavg after: {loadavg()}\n")
    print("\n".join(table))


if __name__ == "__main__":
    asyncio.run(main())
