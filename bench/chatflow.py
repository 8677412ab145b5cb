"""A web-chat citizen who files a petition through the real flow, pressing the buttons the bot
offers, and retries each message (same ``message_id``) until the server answers it.

The client chooses by what a citizen sees — the buttons' texts — never by the payload format, so
it keeps working when the payloads change. Every message carries a ``message_id``: a retry after
a lost response (a ``kill -9``) is answered with the first answer, not filed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import yaml
from harness import ROOT, user_id

PROFILE = yaml.safe_load((ROOT / "knowledge/data/profile-sample.yaml").read_text("utf-8"))
CATEGORIES = [c["name"] for c in PROFILE["petitions"]["categories"]]
VILLAGES = [v["name"] for v in PROFILE["villages"]]
PROBLEMS = [
    "Đường bê tông bị sụt lún, nhiều ổ gà, xe máy đi rất nguy hiểm",
    "Cống thoát nước bị tắc, mưa xuống là nước ngập vào nhà dân",
    "Đèn đường hỏng cả tháng nay, buổi tối học sinh đi học về rất tối",
    "Rác thải đổ bừa bãi ven kênh, bốc mùi hôi, ruồi muỗi nhiều",
    "Điện chập chờn, mất điện nhiều lần trong tuần, ảnh hưởng sản xuất",
    "Nước máy yếu, có mùi lạ, bà con phải mua nước bình để uống",
    "Cầu tre qua kênh đã mục, trẻ em đi học phải qua lại hằng ngày",
    "Bãi đất trống bị lấn chiếm làm quán, cản trở lối đi chung",
    "Sóng điện thoại và Internet rất yếu, không dùng được VNeID",
    "Trạm y tế thiếu thuốc thông thường, người già phải lên huyện mua",
]
PLACES = ["gần trường tiểu học", "cạnh chợ", "đầu ngõ", "trước nhà văn hóa", "cuối xóm",
          "gần cầu", "bên đình làng", "ven đê"]  # fmt: skip
ASKS = ["Đề nghị xã sớm cho sửa chữa.", "Kính mong xã xem xét giải quyết.",
        "Đề nghị xã kiểm tra và có phương án xử lý."]  # fmt: skip
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


class FlowError(RuntimeError):
    """The bot answered something the citizen would not know how to go on from."""


def petition_text(rng: random.Random) -> str:
    return (
        f"{rng.choice(PROBLEMS)}, {rng.choice(PLACES)}, khoảng nhà số {rng.randint(1, 400)}. "
        f"{rng.choice(ASKS)}"
    )


@dataclass
class Stats:
    """Shared by all users of one run: what the transport did."""

    sent: int = 0
    answered: int = 0
    duplicates: int = 0  # answers the server marked as replays of a message already handled
    retries: Counter[str] = field(default_factory=Counter)
    codes: dict[str, str] = field(default_factory=dict)  # user id -> petition code
    failed: dict[str, str] = field(default_factory=dict)  # user id -> why


class ChatUser:
    """One citizen; ``urls`` are tried round-robin (several processes), retried on failure."""

    def __init__(
        self, http: aiohttp.ClientSession, urls: list[str], stats: Stats, seed: int
    ) -> None:
        self.http, self.urls, self.stats = http, urls, stats
        self.uid = user_id()
        self.rng = random.Random(seed)
        self.replies: list[dict[str, Any]] = []
        self.step = 0

    async def send(self, deadline: float, **body: Any) -> list[dict[str, Any]]:
        """POST one message until answered (or ``deadline``), with the same message_id each try."""
        self.step += 1
        body = {"user_id": self.uid, "message_id": f"{self.uid}.m{self.step}", **body}
        attempt = 0
        while True:
            url = self.urls[(self.step + attempt) % len(self.urls)] + "/api/chat"
            self.stats.sent += 1
            try:
                async with self.http.post(url, json=body) as response:
                    status = response.status
                    data = await response.json(content_type=None) if status < 300 else None
            except (aiohttp.ClientError, TimeoutError, ValueError) as err:
                status, data = 0, None
                reason = type(err).__name__
            else:
                reason = str(status)
            if data is not None:
                self.stats.answered += 1
                self.stats.duplicates += bool(data.get("duplicate"))
                self.replies = data["replies"]
                return self.replies
            if status and status not in RETRY_STATUSES:
                raise FlowError(f"HTTP {status}")
            self.stats.retries[reason] += 1
            if time.monotonic() > deadline:
                raise FlowError(f"gave up after {attempt + 1} tries ({reason})")
            attempt += 1
            await asyncio.sleep(min(2.0, 0.1 * 2**attempt) * self.rng.uniform(0.5, 1.5))

    def buttons(self) -> list[dict[str, Any]]:
        return [b for r in self.replies for b in r.get("buttons", []) if b.get("payload")]

    def button(self, *labels: str) -> dict[str, Any] | None:
        for button in self.buttons():
            if any(label.lower() in button["text"].lower() for label in labels):
                return button
        return None

    def code(self) -> str | None:
        for reply in self.replies:
            code = (reply.get("meta") or {}).get("petition_code")
            if code:
                return code
        return None

    async def file_petition(self, deadline: float) -> str:
        """The whole petition flow, anonymously; returns the tracking code."""
        try:
            await self.send(deadline, text="/kiennghi")
            content_sent = False
            for _ in range(12):
                if (code := self.code()) is not None:
                    self.stats.codes[self.uid] = code
                    return code
                choice = (
                    self.button("Xác nhận gửi")
                    or self.button("Gửi ẩn danh")
                    or self.button("Vẫn gửi kiến nghị mới")
                    or (self.button("Xong") if content_sent else None)
                    or self.button(self.rng.choice(VILLAGES))
                    or self.button(*VILLAGES)
                    or self.button(self.rng.choice(CATEGORIES))
                    or self.button(*CATEGORIES)
                )
                if choice is not None:
                    await self.send(deadline, payload=choice["payload"])
                elif not content_sent:
                    await self.send(deadline, text=petition_text(self.rng))
                    content_sent = True
                else:
                    texts = [r["text"][:60] for r in self.replies]
                    raise FlowError(f"no way on from {texts}")
            raise FlowError("flow did not end in 12 steps")
        except FlowError as err:
            self.stats.failed[self.uid] = str(err)
            raise


async def file_many(
    urls: list[str], users: int, concurrency: int, deadline: float, stats: Stats
) -> list[ChatUser]:
    """``users`` citizens, at most ``concurrency`` at a time, each filing one petition."""
    gate = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=45)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        people = [ChatUser(http, urls, stats, seed=i) for i in range(users)]

        async def one(person: ChatUser) -> None:
            async with gate:
                with contextlib.suppress(FlowError):  # recorded in stats.failed
                    await person.file_petition(deadline)

        await asyncio.gather(*(one(p) for p in people))
    return people
