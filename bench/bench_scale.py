"""One versus two ``python -m bot run`` processes on one PostgreSQL database.

Run from the repository root:  .venv/bin/python bench/bench_scale.py [--clients 20 --window 15]

The same client (this process) drives FAQ questions from many distinct users at one process for
``--window`` seconds, then — after a second process is started on the same database — at both,
round-robin per request (no proxy). Printed: messages/s answered 2xx in the window, latency,
non-2xx, the CPU each bot process used, and the two-process rate over the one-process rate.
On a two-core machine the client shares the cores with the servers and PostgreSQL, so the
ratio shows the ceiling of this machine as much as the bot's scaling.
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from harness import Bench, LoadResult, Server, faq_maker, faq_questions, loadavg, run_load


async def measure(label: str, bots: list[Server], clients: int, window: float) -> LoadResult:
    before = [bot.cpu_seconds() for bot in bots]
    urls = [bot.url for bot in bots]
    result = await run_load(label, urls, faq_maker(faq_questions()), clients, window)
    used = [bot.cpu_seconds() - cpu for bot, cpu in zip(bots, before, strict=True)]
    print(result.row(), flush=True)
    print(f"{'':22} CPU per process: {', '.join(f'{u:.1f} s' for u in used)}", flush=True)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--window", type=float, default=15.0)
    args = parser.parse_args()
    print(f"loadavg before: {loadavg()}; {os.cpu_count()} CPUs")
    async with Bench() as bench:
        db_url = await bench.database("postgresql")
        first = await bench.bot(db_url, name="bot-1")
        await run_load("warm-up", [first.url], faq_maker(faq_questions()), 2, 2.0)
        one = await measure("1 process", [first], args.clients, args.window)
        second = await bench.bot(db_url, name="bot-2")
        await run_load("warm-up", [second.url], faq_maker(faq_questions()), 2, 2.0)
        await asyncio.sleep(1)
        two = await measure("2 processes", [first, second], args.clients, args.window)
        print(f"\nloadavg after: {loadavg()}")
        ratio = two.rate / one.rate if one.rate else float("nan")
        print(
            f"\n| processes | clients | msg/s | non-2xx |\n|---:|---:|---:|---|\n"
            f"| 1 | {args.clients} | {one.rate:.1f} | {one.non_2xx()} |\n"
            f"| 2 | {args.clients} | {two.rate:.1f} | {two.non_2xx()} |\n\n"
            f"two processes / one: {ratio:.2f}×"
        )
        for bot in (first, second):
            await bot.stop()


if __name__ == "__main__":
    asyncio.run(main())
