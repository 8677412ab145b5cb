"""Test helpers: a web-chat user driven through the real HTTP API."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp.test_utils import TestClient

_ids = itertools.count(1)


class WebChat:
    """One citizen in the web chat, talking through POST /api/chat like the page does."""

    def __init__(self, client: TestClient, user_id: str | None = None) -> None:
        self.client = client
        self.user_id = user_id or f"user-{next(_ids):017d}"  # 22 characters, the shortest valid id
        self.replies: list[dict[str, Any]] = []
        self.last_push_id = 0

    async def send(self, **body: Any) -> tuple[int, dict[str, Any]]:
        response = await self.client.post("/api/chat", json={"user_id": self.user_id, **body})
        data = await response.json()
        if response.status == 200:
            self.replies = data["replies"]
        return response.status, data

    async def say(self, text: str, **extra: Any) -> list[dict[str, Any]]:
        status, data = await self.send(text=text, **extra)
        assert status == 200, data
        return data["replies"]

    async def tap(self, payload: str) -> list[dict[str, Any]]:
        status, data = await self.send(payload=payload)
        assert status == 200, data
        return data["replies"]

    def buttons(self) -> list[dict[str, Any]]:
        return [b for r in self.replies for b in r.get("buttons", [])]

    def find_button(self, label: str) -> dict[str, Any]:
        for button in self.buttons():
            if label.lower() in button["text"].lower():
                return button
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons()]}")

    async def press(self, label: str) -> list[dict[str, Any]]:
        """Press the button whose text contains ``label`` in the latest replies."""
        return await self.tap(self.find_button(label)["payload"])

    @property
    def text(self) -> str:
        return "\n".join(r["text"] for r in self.replies)

    async def pushed(self) -> list[dict[str, Any]]:
        """Messages pushed to this user since the last call."""
        response = await self.client.get(
            "/api/chat/messages", params={"user_id": self.user_id, "after": self.last_push_id}
        )
        assert response.status == 200
        messages = (await response.json())["messages"]
        if messages:
            self.last_push_id = messages[-1]["id"]
        return messages
