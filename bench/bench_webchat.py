"""Web-chat throughput: POST /api/chat on a real ``python -m bot run`` beside a bare aiohttp app.

Run from the repository root:  .venv/bin/python bench/bench_webchat.py [--window 10]

For each database (SQLite, PostgreSQL) and each concurrency level, the same client (this
process) first drives the bare app (bench/bare_app.py) and then the bot with FAQ questions of
shared/eval/faq-dev.tsv from many distinct users (a fresh 22-character random id every three
messages), for ``--window`` seconds each. Printed per level: messages/s answered 2xx inside the
window, p50/p99/max latency of every request (those still in flight at the end of the window
are awaited, up to 45 s, so a slow failure is counted), non-2xx statuses by code, and the bot's
share of the bare app's rate. It prints figures; it is not a test.
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


async def one_database(bench: Bench, kind: str, levels: list[int], window: float) -> list[str]:
    db_url = await bench.database(kind)
    bot = await bench.bot(db_url, name=f"bot-{kind}")
    bare = await bench.helper(f"bare-{kind}", "bare_app.py", ready="/healthz")
    for server in (bot, bare):  # first requests load lazily imported code
        await run_load("warm-up", [server.url], faq_maker(faq_questions()), 2, WARM_UP)
    print(f"\n== {kind}: bot pid {bot.pid}, bare app pid {bare.pid}")
    lines = []
    for concurrency in levels:
        base = await level("bare aiohttp", bare.url, concurrency, window)
        mine = await level(f"bot ({kind})", bot.url, concurrency, window)
        share = mine.rate / base.rate if base.rate else float("nan")
        print(f"{'':22} ratio bot/bare at c={concurrency}: {share * 100:.2f} %", flush=True)
        lines.append(
            f"| {kind} | {concurrency} | {base.rate:.0f} | {mine.rate:.1f} | {share * 100:.2f} % "
            f"| {ms(pct(mine.latencies, 0.5))} / {ms(pct(mine.latencies, 0.99))} ms "
            f"| {mine.non_2xx()} |"
        )
        await asyncio.sleep(2)  # let the server settle (delivery worker, WAL checkpoint)
    print(f"bot tracebacks in its log: {bot.tracebacks()}")
    await bot.stop()
    await bare.stop()
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="1,10,50,100", help="concurrency levels")
    parser.add_argument("--window", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    print(f"loadavg before: {loadavg()}")
    table = ["| db | clients | bare msg/s | bot msg/s | bot/bare | bot p50 / p99 | bot non-2xx |"]
    table.append("|---|---:|---:|---:|---:|---|---|")
    async with Bench() as bench:
        for kind in args.db.split(","):
            table += await one_database(bench, kind, levels, args.window)
    print(f"loadavg after: {loadavg()}\n")
    print("\n".join(table))


if __name__ == "__main__":
    asyncio.run(main())
