"""The floor under the web-chat figure: the least a durable chat message can cost in this stack.

``POST /api/chat`` checks the same body as the bot's route, runs the bot's own matcher on the text
(``knowledge.Matcher``, trained at start as the bot does) and, on PostgreSQL, writes what the bot
writes for a FAQ message in one transaction over a raw asyncpg pool — no SQLAlchemy, no handlers,
no admission control, no outbox worker:

1. ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` finds or creates the sender's state row and
   locks it (the bot's ``lock_sender``),
2. ``INSERT … ON CONFLICT DO NOTHING`` records the event under its message id, when the client
   sent one (``record_inbound``),
3. one statement stores the reply and updates the state in a CTE (``save_sender``).

It is a ceiling for the bot, not a rival: what aiohttp, the matcher and three round trips to
PostgreSQL leave when everything else the bot does is taken away. ``--no-matcher`` leaves out the
matcher; without ``--database-url`` it writes nothing. Run by ``bench_webchat.py --floor``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import asyncpg
from aiohttp import web
from bare_app import USER_ID_RE, ok  # the same body check and health route as the baseline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DB: web.AppKey[asyncpg.Pool | None] = web.AppKey("db")
MATCH: web.AppKey[object] = web.AppKey("match")

SCHEMA = """
CREATE TABLE IF NOT EXISTS floor_state (
    user_id text PRIMARY KEY, flow text, data jsonb NOT NULL DEFAULT '{}',
    message_count integer NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS floor_inbound (
    id bigserial PRIMARY KEY, user_id text NOT NULL, external_id text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(), UNIQUE (user_id, external_id));
CREATE TABLE IF NOT EXISTS floor_outbox (
    id bigserial PRIMARY KEY, user_id text NOT NULL, inbound_id bigint, body jsonb NOT NULL,
    status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
"""
LOCK = """INSERT INTO floor_state (user_id) VALUES ($1)
ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id
RETURNING flow, data, message_count"""
RECORD = """INSERT INTO floor_inbound (user_id, external_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING RETURNING id"""
SAVE = """WITH saved AS (
    UPDATE floor_state SET message_count = message_count + 1, updated_at = now()
    WHERE user_id = $1)
INSERT INTO floor_outbox (user_id, inbound_id, body, status) VALUES ($1, $2, $3, 'sent')"""


async def chat(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    if not isinstance(body, dict) or not USER_ID_RE.fullmatch(str(body.get("user_id", ""))):
        return web.json_response({"error": "user_id"}, status=400)
    user, text = str(body["user_id"]), str(body.get("text") or body.get("payload") or "")
    matcher = request.app[MATCH]
    match = matcher.match(text) if matcher is not None else None  # type: ignore[attr-defined]
    answer = (match.answer or f"Chủ đề: {match.topic}") if match is not None else text[:200]
    reply = {"text": answer, "buttons": [], "meta": {}}
    pool = request.app[DB]
    if pool is not None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.fetchrow(LOCK, user)
            event = None
            if body.get("message_id"):  # as the bot: an event is recorded only under an id
                event = await conn.fetchval(RECORD, user, str(body["message_id"]))
            await conn.execute(SAVE, user, event, json.dumps(reply, ensure_ascii=False))
    return web.json_response(
        {"replies": [reply], "duplicate": False}, dumps=lambda d: json.dumps(d, ensure_ascii=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", help="postgresql://… (the bot's URL without +asyncpg)")
    parser.add_argument("--no-matcher", action="store_true")
    args = parser.parse_args()
    app = web.Application()
    if args.no_matcher:
        app[MATCH] = None
    else:
        from knowledge import Matcher, load_knowledge, load_profile

        app[MATCH] = Matcher(load_knowledge(load_profile()))

    async def database(app: web.Application):  # type: ignore[no-untyped-def]
        if not args.database_url:
            app[DB] = None
            yield
            return
        url = args.database_url.replace("+asyncpg", "")
        async with asyncpg.create_pool(url, min_size=2, max_size=10) as pool:
            await pool.execute(SCHEMA)
            app[DB] = pool
            yield

    app.cleanup_ctx.append(database)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/healthz", ok)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
