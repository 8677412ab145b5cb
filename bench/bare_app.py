"""The baseline for the web-chat throughput: a bare aiohttp app answering a similar JSON POST.

``POST /api/chat`` reads and checks the same body as the bot's route and answers one reply in the
same shape, with no database and no matcher: the ceiling aiohttp and the client give on this
machine, so the bot's figure can be read as a share of it. Run by bench_webchat.py.
"""

from __future__ import annotations

import argparse
import json
import re

from aiohttp import web

USER_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]{22,64}")


async def chat(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    if not isinstance(body, dict) or not USER_ID_RE.fullmatch(str(body.get("user_id", ""))):
        return web.json_response({"error": "user_id"}, status=400)
    text = str(body.get("text") or body.get("payload") or "")
    reply = {"text": f"Bạn hỏi: {text[:200]}", "buttons": [], "meta": {}}
    return web.json_response(
        {"replies": [reply], "duplicate": False}, dumps=lambda d: json.dumps(d, ensure_ascii=False)
    )


async def webhook(request: web.Request) -> web.Response:
    """The least a webhook can do: read the body, answer 200 (the Zalo burst's baseline)."""
    await request.read()
    return web.json_response({"ok": True})


async def ok(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/api/chat", chat)
    app.router.add_post("/webhook/zalo", webhook)
    app.router.add_get("/healthz", ok)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
