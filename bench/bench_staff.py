"""Staff pages and exports at 100,000 petitions, and what they do to the rest of the server.

Run from the repository root:  .venv/bin/python bench/bench_staff.py [--petitions 100000]

A real ``python -m bot run`` is started on a fresh database; ``--petitions`` petitions spread
over this year (statuses by age — the old ones mostly closed, the new ones received or being
screened —, every category and village, six intake channels, due dates, answers) are inserted
directly by SQL; an ``office`` account made with ``python -m bot staff add`` signs in through the
login form. Then the reports page for the year, the inbox's first page and the year's XLSX
export are fetched one after the other while another client polls ``GET /healthz`` every 20 ms:
printed per request are its time, its size, the worst /healthz wait during it (how long the
event loop was blocked) and the server's RSS before it and at most during it (sampled from
/proc every 20 ms); for the export also the rows in its list sheet.
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import random
import re
import time

import aiohttp
from chatflow import PLACES, PROBLEMS, PROFILE
from harness import Bench, Server, loadavg, sql
from sqlalchemy import insert

from storage.models import Petition, utcnow

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CHANNELS = {"zalo": 45, "web": 15, "telegram": 10, "in_person": 12, "voter_meeting": 13}
BY_AGE = [  # (younger than N days, {status: weight})
    (3, {"received": 60, "screening": 30, "rejected": 5, "duplicate": 5}),
    (30, {"received": 10, "screening": 20, "needs_info": 5, "forwarded": 45, "answered": 15,
          "rejected": 3, "duplicate": 2}),
    (10**6, {"closed": 55, "answered": 12, "forwarded": 14, "needs_info": 2, "screening": 2,
             "rejected": 8, "duplicate": 5, "reopened": 2}),
]  # fmt: skip
FORWARDED = {"forwarded", "answered", "closed", "reopened"}
ANSWERED = {"answered", "closed", "reopened"}
LATER_FIELDS = ("forwarded_at", "forwarded_to", "due_date", "answered_at", "answer", "closed_at",
                "satisfaction")  # fmt: skip


def petition_row(rng: random.Random, commune: str, start: dt.datetime, now: dt.datetime) -> dict:
    created = start + (now - start) * rng.random()
    age = (now - created).days
    weights = next(w for limit, w in BY_AGE if age < limit)
    status = rng.choices(list(weights), list(weights.values()))[0]
    category = rng.choice(PROFILE["petitions"]["categories"])
    anonymous = rng.random() < 0.6
    row = {
        "commune_id": commune,
        "code": "".join(rng.choices(ALPHABET, k=8)),
        "category": category["id"],
        "committee": category["committee"],
        "village": rng.choice(PROFILE["villages"])["id"] if rng.random() < 0.9 else None,
        "content": f"{rng.choice(PROBLEMS)}, {rng.choice(PLACES)}. Đề nghị xã xem xét.",
        "content_norm": "",
        "status": status,
        "intake_channel": rng.choices(list(CHANNELS), list(CHANNELS.values()))[0],
        "anonymous": anonymous,
        "contact_name": None if anonymous else f"Công dân {rng.randint(1, 99999)}",
        "contact_phone": None if anonymous else f"09{rng.randint(0, 10**8 - 1):08d}",
        "consent_at": None if anonymous else created,
        "created_at": created,
        "updated_at": created,
        "rejection_reason": "out_of_scope" if status == "rejected" else None,
        **dict.fromkeys(LATER_FIELDS),  # one shape for every row (one executemany)
    }
    if status in FORWARDED:
        forwarded = created + dt.timedelta(days=rng.uniform(0.5, 5))
        due = (forwarded + dt.timedelta(days=21)).date()  # about 15 working days
        row.update(forwarded_at=forwarded, forwarded_to="UBND xã", due_date=due)
        row["updated_at"] = forwarded
        if status in ANSWERED:
            answered = min(now, forwarded + dt.timedelta(days=rng.uniform(3, 40)))
            answer = "UBND xã đã kiểm tra và bố trí kinh phí sửa chữa trong quý tới."
            row.update(answered_at=answered, updated_at=answered, answer=answer)
        if status == "closed":
            verdict = rng.choice(["satisfied", "satisfied", "unsatisfied", "no_response"])
            row.update(closed_at=row["answered_at"], satisfaction=verdict)
    return row


async def seed(db_url: str, count: int) -> float:
    """Insert ``count`` petitions of this year; returns the seconds it took."""
    t0, rng, now = time.monotonic(), random.Random(15), utcnow()
    start = dt.datetime(now.year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=7)  # ICT midnight
    codes: set[str] = set()
    async with sql(db_url) as conn:
        batch: list[dict] = []
        while len(codes) < count:
            row = petition_row(rng, PROFILE["id"], start, now)
            if row["code"] in codes:
                continue
            codes.add(row["code"])
            batch.append(row)
            if len(batch) == 2000 or len(codes) == count:
                await conn.execute(insert(Petition), batch)
                batch = []
    return time.monotonic() - t0


class HealthPoller:
    """GET /healthz every 20 ms; the worst wait for an answer in each measured span."""

    def __init__(self, url: str) -> None:
        self.url, self.worst, self.failures, self._stop = url, 0.0, 0, asyncio.Event()
        self.answered = 0
        self.waits: list[float] = []

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not self._stop.is_set():
                t0 = time.monotonic()
                try:
                    async with http.get(self.url + "/healthz") as r:
                        await r.read()
                        self.failures += r.status != 200
                except (aiohttp.ClientError, TimeoutError):
                    self.failures += 1
                self.worst = max(self.worst, time.monotonic() - t0)
                self.waits.append(time.monotonic() - t0)
                self.answered += 1
                await asyncio.sleep(0.02)

    async def settle(self) -> None:
        """Wait until two more polls came back: the one stuck behind a blocked loop is counted."""
        target = self.answered + 2
        while self.answered < target and not self._stop.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    def reset(self) -> None:
        self.worst = 0.0
        self.waits = []

    def spread(self) -> str:
        """p50 / p99 of the waits, and how many took over 100 ms."""
        waits = sorted(self.waits) or [0.0]
        p50, p99 = waits[len(waits) // 2], waits[min(len(waits) - 1, int(len(waits) * 0.99))]
        slow = sum(1 for w in waits if w > 0.1)
        return f"p50 {p50 * 1000:.0f} / p99 {p99 * 1000:.0f} ms, {slow}/{len(waits)} over 100 ms"

    def stop(self) -> None:
        self._stop.set()


async def login(http: aiohttp.ClientSession, base: str, username: str, password: str) -> None:
    async with http.get(base + "/staff/login") as r:
        csrf = re.search(r'name="_csrf" value="([^"]+)"', await r.text())
    assert csrf, "no CSRF token on the login page"
    form = {"username": username, "password": password, "_csrf": csrf.group(1)}
    async with http.post(base + "/staff/login", data=form, allow_redirects=False) as r:
        if r.status not in (302, 303):
            raise RuntimeError(f"login failed: HTTP {r.status}")


def xlsx_rows(body: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    # A streamed (write-only) sheet has no <dimension>: count the rows themselves.
    return sum(1 for _ in book["Danh sách kiến nghị"].iter_rows(min_row=2, values_only=True))


async def timed(
    http: aiohttp.ClientSession, bot: Server, path: str, poller: HealthPoller
) -> tuple[int, float, bytes, float, int, str]:
    """(status, seconds, body, worst /healthz wait, highest RSS in KiB seen during it, the
    spread of the /healthz waits during it)."""
    poller.reset()
    done, rss = asyncio.Event(), [bot.memory_kb()[0]]

    async def sample() -> None:
        while not done.is_set():
            rss.append(bot.memory_kb()[0])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.02)

    sampler = asyncio.create_task(sample())
    t0 = time.monotonic()
    async with http.get(bot.url + path) as r:
        body = await r.read()
        status = r.status
    took = time.monotonic() - t0
    done.set()
    await sampler
    await poller.settle()
    # taken now: counting the XLSX's rows below keeps this process busy (its own GIL) and would
    # make the polls it measures meanwhile look slow
    return status, took, body, poller.worst, max(rss), poller.spread()


async def one_database(bench: Bench, kind: str, count: int) -> list[str]:
    db_url = await bench.database(kind)
    bot: Server = await bench.bot(db_url, name=f"bot-staff-{kind}")  # creates the commune row
    seconds = await seed(db_url, count)
    username, password, _ = await bench.staff_token(db_url)
    print(f"\n== {kind}: {count} petitions seeded in {seconds:.0f} s", flush=True)
    year = utcnow().year
    pages = [
        ("reports page, year", f"/staff/reports?period=year&year={year}"),
        ("inbox, first page", "/staff/petitions"),
        ("XLSX export, year", f"/staff/reports.xlsx?period=year&year={year}"),
    ]
    poller = HealthPoller(bot.url)
    polling = asyncio.create_task(poller.run())
    rows = []
    timeout = aiohttp.ClientTimeout(total=600)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as http:
        await login(http, bot.url, username, password)
        poller.reset()
        await asyncio.sleep(10)  # the machine's own noise: /healthz with nothing else running
        print(f"idle, 10 s: worst /healthz wait {poller.worst * 1000:.0f} ms; {poller.spread()}")
        for label, path in pages:
            rss_before, _ = bot.memory_kb()
            status, took, body, worst, peak, spread = await timed(http, bot, path, poller)
            extra = ""
            if path.startswith("/staff/reports.xlsx") and status == 200:
                extra = f"; {await asyncio.to_thread(xlsx_rows, body)} rows in the list sheet"
            print(
                f"{label:<20} HTTP {status} in {took:6.2f} s, {len(body) / 1024:8.0f} KiB; "
                f"worst /healthz wait {worst * 1000:6.0f} ms; "
                f"RSS {rss_before // 1024} MiB before, {peak // 1024} MiB at most in it{extra}",
                f"\n{'':20} /healthz during it: {spread}",
                flush=True,
            )
            rows.append(
                f"| {kind} | {label} | {status} | {took:.2f} s | {worst * 1000:.0f} ms | "
                f"{rss_before // 1024} → {peak // 1024} MiB | {extra[2:]} |"
            )
    poller.stop()
    await polling
    print(f"/healthz failures: {poller.failures}; bot tracebacks: {bot.tracebacks()}")
    await bot.stop()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--petitions", type=int, default=100_000)
    args = parser.parse_args()
    print(f"loadavg before: {loadavg()}")
    rows = [
        "| db | request | HTTP | time | worst /healthz wait | server RSS | note |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    async with Bench() as bench:
        for kind in args.db.split(","):
            rows += await one_database(bench, kind, args.petitions)
    print(f"\nloadavg after: {loadavg()}\n")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
