"""The tests' fake Zalo OA server (tests/channels/fake_zalo.py) as its own process, for benchmarks.

Run:  python bench/fake_zalo_server.py --port P --access TOKEN --refresh TOKEN [--send-delay S]

The given token pair is valid (as if the OA had just been authorised); ``--send-delay`` adds a
network-like latency to every send. ``GET /_bench/messages`` returns what was delivered, in
order, so a benchmark in another process can count replies per user and messages sent twice.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.channels.fake_zalo import LIFETIME, FakeZalo


class BenchZalo(FakeZalo):
    def __init__(self, send_delay: float, send_jitter: float = 0.0) -> None:
        super().__init__()
        self.send_delay = send_delay
        self.send_jitter = send_jitter

    async def _send(self, request: web.Request) -> web.Response:
        delay = self.send_delay + random.uniform(0, self.send_jitter)
        if delay:
            await asyncio.sleep(delay)
        return await super()._send(request)

    async def _messages(self, _request: web.Request) -> web.Response:
        delivered = [
            {"to": m["recipient"]["user_id"], "text": m["message"].get("text", "")}
            for m in self.messages
        ]
        return web.json_response({"messages": delivered, "send_calls": len(self.send_calls)})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_get("/_bench/messages", self._messages)
        return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access", required=True)
    parser.add_argument("--refresh", required=True)
    parser.add_argument("--send-delay", type=float, default=0.0)
    parser.add_argument("--send-jitter", type=float, default=0.0, help="extra 0..J s per send")
    args = parser.parse_args()
    fake = BenchZalo(args.send_delay, args.send_jitter)
    fake.access_tokens[args.access] = time.time() + LIFETIME
    fake.refresh_tokens.add(args.refresh)
    web.run_app(fake.app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
