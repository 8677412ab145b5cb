"""CPU per FAQ message inside ``Engine.handle``, in-process (no HTTP), with an optional cProfile.

Run from the repository root:  .venv/bin/python bench/profile_engine.py [--db sqlite,postgresql]
[--messages 600] [--profile]

A fresh migrated database per kind (as the other benches), the real runtime and the bundled
commune, web-chat messages (inline replies, a ``message_id`` each, a new user every three
messages, sequential). CPU is this process's user + system time (``time.process_time``: every
thread, aiosqlite's included) divided by the messages handled. It prints figures; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import secrets
import time

from harness import Bench, faq_questions

from bot.config import load_settings
from bot.runtime import WEB, WEB_CHANNEL, build_runtime
from handlers.types import Inbound


async def one(kind: str, url: str, args: argparse.Namespace) -> str:
    runtime = await build_runtime(
        load_settings(env={"DATABASE_URL": url}, dotenv=None), migrate=False
    )
    questions = faq_questions()
    engine = runtime.engine

    async def run(count: int) -> None:
        user = ""
        for i in range(count):
            if i % 3 == 0:
                user = secrets.token_hex(11)
            text = questions[(i * 7) % len(questions)]
            await engine.handle(
                Inbound(
                    channel=WEB_CHANNEL,
                    user_key=user,
                    text=text,
                    external_id=f"{user}:{i}",
                    capabilities=WEB,
                )
            )

    try:
        await run(60)  # warm-up: caches, pools, the matcher
        if args.statements:
            await show_statements(runtime, questions)
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        cpu0, wall0 = time.process_time(), time.monotonic()
        if profiler:
            profiler.enable()
        await run(args.messages)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    finally:
        await runtime.close()
    line = (
        f"{kind:<10} {args.messages} FAQ messages: {cpu / args.messages * 1000:.2f} ms CPU each,"
        f" {wall / args.messages * 1000:.2f} ms wall each"
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        line += "\n" + out.getvalue()
    return line


async def show_statements(runtime: object, questions: list[str]) -> None:
    """Print the SQL of a known user's FAQ message (what one message costs in round trips)."""
    from sqlalchemy import event

    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split())[:160])

    sync_engine = runtime.db.engine.sync_engine  # type: ignore[attr-defined]
    user = secrets.token_hex(11)
    for i, label in enumerate(("first message of a user", "a known user's FAQ message")):
        seen.clear()
        event.listen(sync_engine, "before_cursor_execute", note)
        await runtime.engine.handle(  # type: ignore[attr-defined]
            Inbound(channel=WEB_CHANNEL, user_key=user, text=questions[i],
                    external_id=f"{user}:s{i}", capabilities=WEB)
        )  # fmt: skip
        event.remove(sync_engine, "before_cursor_execute", note)
        print(f"-- {label}: {len(seen)} statements")
        print("\n".join(f"   {s}" for s in seen))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--profile", action="store_true", help="cProfile (slows it down)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--statements", action="store_true", help="print one message's SQL")
    args = parser.parse_args()
    rows = []
    async with Bench() as bench:
        for kind in args.db.split(","):
            rows.append(await one(kind, await bench.database(kind), args))
            print(rows[-1], flush=True)


if __name__ == "__main__":
    asyncio.run(main())
