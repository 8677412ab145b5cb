"""Shared pieces of the load benchmarks: temporary databases, real ``python -m bot run`` servers,
and a bounded HTTP load generator.

The benchmarks drive the bot only through its stable surfaces (the CLI, the HTTP routes of
CONTRACTS.md) and seed data with plain SQLAlchemy inserts on ``storage.models`` tables, so they
keep working while the code behind those surfaces is rebuilt. Every server is a subprocess of the
benchmark (the client), listens on 127.0.0.1 only, and is killed — and every temporary database
dropped — when the ``Bench`` context exits, whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
HOST = "127.0.0.1"
PG_ADMIN = os.environ.get("BENCH_POSTGRES", "postgres@127.0.0.1:5432")
CLK_TCK = os.sysconf("SC_CLK_TCK")
# The dev set sits in shared/ beside the clone; a clone without it uses the tests' copy of it.
FAQ_FILES = [
    *(up / "shared" / "eval" / "faq-dev.tsv" for up in (ROOT.parent, ROOT.parent.parent)),
    ROOT / "tests" / "knowledge" / "data" / "shared" / "faq-dev.tsv",
]
BOT_ENV_KEYS = ("DATABASE_URL", "BOT_HOST", "BOT_PORT", "COMMUNE_PROFILE", "KNOWLEDGE_DIR")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def user_id() -> str:
    """A web-chat id like the page makes: 128 random bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


def faq_questions() -> list[str]:
    """The FAQ questions of the dev set (topic labels only: no petitions, greetings, fallbacks)."""
    rows = []
    source = next(path for path in FAQ_FILES if path.is_file())
    for line in source.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if text and not label.startswith(("#", "@")):
            rows.append(text)
    return rows


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN: nothing measured
        return "-"
    value = seconds * 1000
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


class Server:
    """One subprocess (a bot, or a helper such as the bare app), logging to a file."""

    def __init__(self, bench: Bench, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.bench, self.name, self.argv, self.env = bench, name, argv, env
        self.port = int(env.get("BOT_PORT") or free_port())
        self.env["BOT_PORT"] = str(self.port)
        self.log = bench.tmp / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, ready_path: str = "/healthz", within: float = 90) -> Server:
        self.ready_path = ready_path
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv,
                cwd=self.bench.tmp,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.bench.servers.append(self)
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise RuntimeError(f"{self.name} exited: {self.tail()}")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(self.url + ready_path) as response:
                        if response.status == 200:
                            return self
                await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready in {within}s: {self.tail()}")

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (from /proc/<pid>/stat)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def memory_kb(self) -> tuple[int, int]:
        """(current RSS, peak RSS) in KiB, from /proc/<pid>/status."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
        return values["VmRSS"], values["VmHWM"]

    async def kill9(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()

    async def stop(self, grace: float = 40) -> int | None:
        """SIGTERM (graceful), then SIGKILL after ``grace`` seconds; returns the exit code."""
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), grace)
        except TimeoutError:
            await self.kill9()
            return None


@dataclass
class Bench:
    """Owns a temporary folder, the subprocesses and the databases of one benchmark run."""

    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="xabot-bench-")))
    servers: list[Server] = field(default_factory=list)
    pg_databases: list[str] = field(default_factory=list)

    async def __aenter__(self) -> Bench:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for server in self.servers:
            with contextlib.suppress(ProcessLookupError):
                await server.kill9()
        for name in self.pg_databases:
            with contextlib.suppress(Exception):
                await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"(logs kept in {self.tmp})")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    async def database(self, kind: str) -> str:
        """A fresh, migrated database (``sqlite`` or ``postgresql``); its async URL."""
        if kind == "sqlite":
            url = f"sqlite+aiosqlite:///{self.tmp / f'bot-{secrets.token_hex(3)}.db'}"
        else:
            name = f"xabot_bench_{os.getpid()}_{secrets.token_hex(3)}"
            await pg_admin(f'CREATE DATABASE "{name}"')
            self.pg_databases.append(name)
            url = f"postgresql+asyncpg://{PG_ADMIN}/{name}"
        await self.cli(url, "db", "upgrade")
        return url

    def bot_env(self, db_url: str, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in BOT_ENV_KEYS}
        env = {k: v for k, v in env.items() if not k.startswith(("ZALO_", "TELEGRAM_"))}
        env.update(DATABASE_URL=db_url, BOT_HOST=HOST, PYTHONUNBUFFERED="1", **extra)
        return env

    async def cli(self, db_url: str, *args: str, stdin: str = "") -> str:
        """``python -m bot ARGS`` on that database; its standard output (raises on failure)."""
        proc = await asyncio.create_subprocess_exec(
            PY,
            "-m",
            "bot",
            *args,
            cwd=self.tmp,
            env=self.bot_env(db_url),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate(stdin.encode())
        if proc.returncode != 0:
            raise RuntimeError(f"bot {' '.join(args)}: {err.decode()[-500:]}")
        return out.decode()

    async def bot(self, db_url: str, name: str = "bot", **extra: str) -> Server:
        """A started ``python -m bot run`` on ``db_url``."""
        server = Server(self, name, [PY, "-m", "bot", "run"], self.bot_env(db_url, **extra))
        return await server.start()

    async def restart(self, server: Server) -> Server:
        """The same command on the same port again (after a kill -9)."""
        again = Server(self, server.name + "+", server.argv, dict(server.env))
        return await again.start(server.ready_path)

    async def helper(self, name: str, script: str, *args: str, ready: str = "/") -> Server:
        """A started helper process from bench/ (the bare app, the fake Zalo server)."""
        server = Server(self, name, [PY, str(ROOT / "bench" / script), *args], dict(os.environ))
        server.argv += ["--port", str(server.port)]
        return await server.start(ready_path=ready)

    async def staff_token(self, db_url: str, role: str = "office") -> tuple[str, str, str]:
        """(username, password, API token) of a new staff account, through the CLI."""
        username, password = f"bench{secrets.token_hex(3)}", secrets.token_urlsafe(18)
        args = ("staff", "add", username, "--role", role, "--password-stdin")
        await self.cli(db_url, *args, stdin=password + "\n")
        token = (await self.cli(db_url, "staff", "token", username)).split()[-1]
        return username, password, token


async def pg_admin(statement: str) -> None:
    import asyncpg

    user, _, hostport = PG_ADMIN.partition("@")
    host, _, port = hostport.partition(":")
    conn = await asyncpg.connect(
        host=host, port=int(port or 5432), user=user, database="postgres", timeout=10
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def sql(db_url: str):  # type: ignore[no-untyped-def]
    """A SQLAlchemy async connection in one transaction, for seeding and counting."""
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(db_url)
    try:
        async with engine.begin() as conn:
            yield conn
    finally:
        await engine.dispose()


@dataclass
class LoadResult:
    """What one load level did: statuses, latencies, and the 2xx answered inside the window."""

    label: str
    concurrency: int
    window: float
    ok_in_window: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        return self.ok_in_window / self.window

    def non_2xx(self) -> str:
        bad = {k: v for k, v in self.statuses.items() if not k.startswith("2")}
        return ", ".join(f"{k}×{v}" for k, v in sorted(bad.items())) or "none"

    def row(self) -> str:
        lat = self.latencies
        return (
            f"{self.label:<22} c={self.concurrency:<4} {self.rate:8.1f}/s"
            f"  p50 {ms(pct(lat, 0.5)):>6} ms  p99 {ms(pct(lat, 0.99)):>6} ms"
            f"  max {ms(max(lat, default=float('nan'))):>6} ms"
            f"  n={sum(self.statuses.values())}  non-2xx: {self.non_2xx()}"
        )


RequestMaker = Callable[[int, int], tuple[str, dict[str, Any]]]


def _retry_after(value: str | None) -> float:
    """Seconds of a ``Retry-After`` header (a number); anything else means no wait."""
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        return 0.0


async def run_load(
    label: str,
    urls: list[str],
    make: RequestMaker,
    concurrency: int,
    window: float,
    *,
    patience: float = 45.0,
) -> LoadResult:
    """``concurrency`` clients POST ``make(worker, i)`` back to back for ``window`` seconds,
    round-robin over ``urls``, each waiting a ``503``'s ``Retry-After`` (at most 0.5 s) as a
    well-behaved client does; requests still in flight at the end are awaited (up to
    ``patience`` seconds) so a slow failure — a 30 s pool timeout — is counted, not hidden."""
    result = LoadResult(label, concurrency, window)
    counter = iter(range(10**9))
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    client_timeout = aiohttp.ClientTimeout(total=patience)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as http:
        start = time.monotonic()
        deadline = start + window

        async def worker(w: int) -> None:
            i = 0
            while time.monotonic() < deadline:
                path, body = make(w, i)
                url = urls[next(counter) % len(urls)] + path
                t0 = time.monotonic()
                wait = 0.0
                try:
                    async with http.post(url, json=body) as response:
                        await response.read()
                        status = str(response.status)
                        if response.status == 503:
                            wait = _retry_after(response.headers.get("Retry-After"))
                except (aiohttp.ClientError, TimeoutError) as err:
                    status = f"error:{type(err).__name__}"
                t1 = time.monotonic()
                result.statuses[status] += 1
                result.latencies.append(t1 - t0)
                if status.startswith("2") and t1 <= deadline:
                    result.ok_in_window += 1
                i += 1
                if wait:  # a well-behaved client waits as told (capped: the window is short)
                    await asyncio.sleep(min(wait, 0.5, max(0.0, deadline - time.monotonic())))

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        result.elapsed = time.monotonic() - start
    return result


def faq_maker(questions: list[str], per_user: int = 3) -> RequestMaker:
    """FAQ questions from many distinct users: each client's user changes every ``per_user``."""
    users: dict[tuple[int, int], str] = {}

    def make(w: int, i: int) -> tuple[str, dict[str, Any]]:
        key = (w, i // per_user)
        uid = users.setdefault(key, user_id())
        return "/api/chat", {"user_id": uid, "text": questions[(w * 7 + i) % len(questions)]}

    return make


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
