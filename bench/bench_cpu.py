"""CPU per message in the bot process, and a py-spy profile of it under web-chat load.

Run from the repository root:  .venv/bin/python bench/bench_cpu.py [--no-profile]

For each database a real ``python -m bot run`` is started and warmed up; then, from this client:
- idle: the process's CPU over a few seconds with no traffic (the delivery worker's polling);
- FAQ: FAQ questions from many distinct users (4 clients, ``--window`` seconds);
- petitions: web-chat citizens filing a petition through the whole flow (the buttons of the
  replies), 4 at a time.
CPU is user + system time from /proc/<pid>/stat: ms per message = CPU delta / messages answered,
shown gross and less the idle rate. Then ``py-spy record`` samples the server for
``--profile-seconds`` under FAQ load from 10 clients and bench/profile_summary.py prints where
the CPU went (own and cumulative time per module:function, and per part of the hot path).
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from chatflow import Stats, file_many
from harness import PY, Bench, Server, faq_maker, faq_questions, loadavg, run_load
from profile_summary import summarise

IDLE_SECONDS = 4.0
T = TypeVar("T")


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy not found: pip install -e '.[bench]'")
    return found


async def cpu_of(server: Server, job: Awaitable[T]) -> tuple[T, float, float]:
    """(the job's result, CPU seconds the server spent while it ran, wall seconds)."""
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    result = await job
    return result, server.cpu_seconds() - cpu0, time.monotonic() - t0


def line(label: str, cpu: float, wall: float, messages: int, idle_rate: float) -> str:
    gross = cpu / messages * 1000 if messages else float("nan")
    net = (cpu - idle_rate * wall) / messages * 1000 if messages else float("nan")
    return (
        f"{label:<28} {messages:5d} msgs in {wall:5.1f} s  CPU {cpu:6.2f} s"
        f"  → {gross:5.1f} ms/msg gross, {net:5.1f} ms/msg less idle"
    )


async def one_database(bench: Bench, kind: str, args: argparse.Namespace) -> list[str]:
    db_url = await bench.database(kind)
    bot = await bench.bot(db_url, name=f"bot-{kind}")
    questions = faq_questions()
    await run_load("warm-up", [bot.url], faq_maker(questions), 2, 2.0)
    await file_many([bot.url], 3, 3, time.monotonic() + 60, Stats())
    print(f"\n== {kind}: bot pid {bot.pid}", flush=True)

    _, idle_cpu, idle_wall = await cpu_of(bot, asyncio.sleep(IDLE_SECONDS))
    idle_rate = idle_cpu / idle_wall
    print(f"idle: {idle_rate * 1000:.1f} ms CPU per second")

    faq = run_load("faq", [bot.url], faq_maker(questions), 4, args.window)
    result, cpu, wall = await cpu_of(bot, faq)
    ok = sum(v for k, v in result.statuses.items() if k.startswith("2"))
    rows = [line(f"FAQ ({kind})", cpu, wall, ok, idle_rate)]
    print(rows[-1], f" non-2xx: {result.non_2xx()}", flush=True)

    stats = Stats()
    job = file_many([bot.url], args.petitions, 4, time.monotonic() + 300, stats)
    _, cpu, wall = await cpu_of(bot, job)
    rows.append(line(f"petition flow ({kind})", cpu, wall, stats.answered, idle_rate))
    per_petition = cpu / max(1, len(stats.codes)) * 1000
    print(rows[-1])
    print(
        f"{'':28} {len(stats.codes)} petitions filed, {len(stats.failed)} failed, "
        f"{per_petition:.0f} ms CPU per petition ({stats.answered / max(1, len(stats.codes)):.1f}"
        " messages each)",
        flush=True,
    )

    if args.profile:
        out = Path(args.profile_dir) / f"profile-{kind}.speedscope.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        spy = await asyncio.create_subprocess_exec(
            py_spy(), "record", "--pid", str(bot.pid), "--duration", str(args.profile_seconds),
            "--rate", "100", "--gil", "--format", "speedscope", "--output", str(out),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        load = await run_load("profiled", [bot.url], faq_maker(questions), 10,
                              args.profile_seconds + 1)  # fmt: skip
        _, err = await spy.communicate()
        print(load.row())
        if spy.returncode != 0 or not out.exists():
            print(f"py-spy failed: {err.decode()[-400:]}")
        else:
            print(f"\n-- py-spy profile of the bot ({kind}), FAQ load at 10 clients: {out}")
            print(summarise(out, str(Path(__file__).resolve().parent.parent), args.top))
    await bot.stop()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--window", type=float, default=10.0, help="seconds of FAQ load")
    parser.add_argument("--petitions", type=int, default=40, help="petitions filed")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--profile-seconds", type=int, default=20)
    parser.add_argument("--profile-dir", default="/tmp/xabot-bench-profiles")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(f"loadavg before: {loadavg()}")
    rows: list[str] = []
    async with Bench() as bench:
        for kind in args.db.split(","):
            rows += await one_database(bench, kind, args)
    print(f"\nloadavg after: {loadavg()}")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
