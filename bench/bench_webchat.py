"""Web-chat throughput: POST /api/chat on a real ``python -m bot run`` beside a bare aiohttp app.

Run from the repository root:  .venv/bin/python bench/bench_webchat.py [--window 10]

For each database (SQLite, PostgreSQL) and each concurrency level, the same client (this
process) first drives the bare app (bench/bare_app.py) and then the bot with FAQ questions of
shared/eval/faq-dev.tsv from many distinct users (a fresh 22-character random id every three
messages), for ``--window`` seconds each. Printed per level: messages/s answered 2xx inside the
window, p50/p99/max latency of every request (those still in flight at the end of the window
are awaited, up to 45 s, so a slow failure is counted), non-2xx statuses by code, and the bot's
share of the bare app's rate. With ``--floor`` a third server joins each level: the bot's matcher
and, on PostgreSQL, the bot's three statements per message over raw asyncpg (bench/floor_app.py)
— how far this stack can go once SQLAlchemy and the handlers are gone. It prints figures; it is
not a test.
"""

from __future__ import annotations

import argparse
import asyncio

from harness import Bench, LoadResult, faq_maker, faq_questions, loadavg, ms, pct, run_load

WARM_UP = 2.0  # seconds


async def level(label: str, url: str, concurrency: int, window: float) -> LoadResult:
    result = await run_load(label, [url], faq_maker(faq_questions()), concurrency, window)
    print(result.row(), flush=True)
    return result


async def one_database(
    bench: Bench, kind: str, levels: list[int], window: float, floor: bool
) -> list[str]:
    db_url = await bench.database(kind)
    bot = await bench.bot(db_url, name=f"bot-{kind}")
    bare = await bench.helper(f"bare-{kind}", "bare_app.py", ready="/healthz")
    servers = [bot, bare]
    if floor:  # the matcher + raw asyncpg floor (bench/floor_app.py); the matcher alone on SQLite
        args = ["--database-url", db_url] if kind == "postgresql" else []
        floor_app = await bench.helper(f"floor-{kind}", "floor_app.py", *args, ready="/healthz")
        servers.append(floor_app)
    for server in servers:  # first requests load lazily imported code
        await run_load("warm-up", [server.url], faq_maker(faq_questions()), 2, WARM_UP)
    print(f"\n== {kind}: bot pid {bot.pid}, bare app pid {bare.pid}")
    lines = []
    for concurrency in levels:
        base = await level("bare aiohttp", bare.url, concurrency, window)
        mine = await level(f"bot ({kind})", bot.url, concurrency, window)
        share = mine.rate / base.rate if base.rate else float("nan")
        print(f"{'':22} ratio bot/bare at c={concurrency}: {share * 100:.2f} %", flush=True)
        floor_cell = ""
        if floor:
            what = "matcher+asyncpg" if kind == "postgresql" else "matcher only"
            low = await level(f"floor ({what})", servers[2].url, concurrency, window)
            low_share = low.rate / base.rate if base.rate else float("nan")
            print(f"{'':22} ratio floor/bare at c={concurrency}: {low_share * 100:.2f} %")
            floor_cell = f" {low.rate:.0f} ({low_share * 100:.1f} %) |"
        lines.append(
            f"| {kind} | {concurrency} | {base.rate:.0f} | {mine.rate:.1f} | {share * 100:.2f} % "
            f"| {ms(pct(mine.latencies, 0.5))} / {ms(pct(mine.latencies, 0.99))} ms "
            f"| {mine.non_2xx()} |{floor_cell}"
        )
        await asyncio.sleep(2)  # let the server settle (delivery worker, WAL checkpoint)
    print(f"bot tracebacks in its log: {bot.tracebacks()}")
    for server in servers:
        await server.stop()
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="1,10,50,100", help="concurrency levels")
    parser.add_argument("--window", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument(
        "--floor", action="store_true", help="also the matcher + raw asyncpg floor (floor_app.py)"
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    print(f"loadavg before: {loadavg()}")
    table = ["| db | clients | bare msg/s | bot msg/s | bot/bare | bot p50 / p99 | bot non-2xx |"]
    table.append("|---|---:|---:|---:|---:|---|---|")
    if args.floor:
        table[0] += " floor msg/s (floor/bare) |"
        table[1] += "---:|"
    async with Bench() as bench:
        for kind in args.db.split(","):
            table += await one_database(bench, kind, levels, args.window, args.floor)
    print(f"loadavg after: {loadavg()}\n")
    print("\n".join(table))


if __name__ == "__main__":
    asyncio.run(main())
