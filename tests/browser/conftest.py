"""Browser tests: Playwright drives Debian's chromium against a real server on 127.0.0.1.

The server is the whole application (``create_app``) behind aiohttp's AppRunner on a free port,
with the delivery worker running, on a fresh SQLite database. A failing test leaves a screenshot
of every page it opened under ``test-artifacts/`` (or $TEST_ARTIFACTS). Without chromium the
tests are skipped locally and fail on CI (CI=true), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.conftest import ON_CI, make_settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_PASSWORD_RE = re.compile(r"Mật khẩu dùng một lần: (\S+)")

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    problem = ""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        problem = "gói playwright chưa được cài"
    if not problem and not Path(CHROMIUM).exists():
        problem = f"không có chromium ở {CHROMIUM}"
    if problem:
        if ON_CI:
            pytest.fail(f"Kiểm thử trình duyệt không chạy được: {problem} (bắt buộc trên CI)")
        pytest.skip(problem)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[Any]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    runtime: Any
    admin_username: str
    admin_password: str


@pytest.fixture
async def live_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[LiveServer]:
    """The whole app with its background worker, on SQLite, at http://127.0.0.1:<free port>."""
    _require_browser()
    from bot.app import create_app
    from bot.runtime import build_runtime
    from tests.conftest import _sqlite_url

    url = await _sqlite_url(tmp_path)
    port = _free_port()
    runtime = await build_runtime(
        make_settings(url, BOT_PORT=str(port)), migrate=False, worker_options={"jitter": 0.0}
    )
    app = create_app(runtime, run_background=True)
    runner = web.AppRunner(app)
    await runner.setup()  # on_startup: the first admin is created and announced on stdout
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    printed = capsys.readouterr().out
    found = ADMIN_PASSWORD_RE.search(printed)
    assert found, f"the first admin's one-time password was not printed: {printed!r}"
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", runtime, "admin", found.group(1))
    finally:
        await runner.cleanup()
        await runtime.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    _require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Script errors, CSP refusals and missing scripts/styles/images of every page a test opens."""
    return []


@pytest.fixture
async def new_page(
    browser: Any, request: pytest.FixtureRequest, artifacts_dir: Path, console_errors: list[str]
) -> AsyncIterator[Any]:
    """``await new_page()`` opens a page in a fresh context (its own cookies and storage).

    Pages are screenshotted if the test fails, so CI keeps what the browser showed.
    """
    opened: list[tuple[str, Any]] = []

    async def factory(name: str = "page", **context_options: Any) -> Any:
        context_options.setdefault("locale", "vi-VN")
        context_options.setdefault("viewport", {"width": 1024, "height": 1366})  # a tablet
        context = await browser.new_context(**context_options)
        page = await context.new_page()
        page.set_default_timeout(15_000)

        def on_console(message: Any) -> None:
            # Error pages (401, 403, 409…) are expected in these tests and logged by chromium as
            # "Failed to load resource"; broken scripts, styles and CSP refusals are not.
            if message.type == "error" and "Failed to load resource" not in message.text:
                console_errors.append(f"{name}: {message.text}")

        def on_response(response: Any) -> None:
            kind = response.request.resource_type
            if kind in ("script", "stylesheet", "image", "font") and response.status >= 400:
                console_errors.append(f"{name}: {response.status} {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        opened.append((name, page))
        return page

    yield factory
    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    for name, page in opened:
        if failed:
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{name}")
            # A crashed page cannot be captured; the failure itself is still reported.
            with contextlib.suppress(Exception):
                await page.screenshot(path=str(artifacts_dir / f"{safe}.png"), full_page=True)
        await page.context.close()
