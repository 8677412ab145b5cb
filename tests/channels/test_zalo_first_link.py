"""The first connection of a real OA: the console's own link and fixed challenge, or none."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from sqlalchemy import func, select

from bot.channels.zalo_auth import exchange, main, pkce_pair
from storage.models import InboundEvent, WebhookEvent
from tests.channels import fake_zalo as zl
from tests.channels.harness import zalo_env
from tests.conftest import make_settings


async def test_the_consoles_fixed_challenge_with_its_verifier(db_url, fake_zalo, tmp_path) -> None:
    verifier, challenge = pkce_pair()  # saved once in the app's settings on the console
    settings = make_settings(db_url, **zalo_env(fake_zalo), ZALO_CODE_VERIFIER=verifier)
    code = fake_zalo.issue_code(challenge)  # the console generated the link itself
    line = await exchange(settings, code, tmp_path / "none.json")  # no 'link' was run here
    assert "Đã lưu cặp token Zalo" in line


async def test_a_wrong_verifier_is_refused_with_zalos_reason(db_url, fake_zalo, tmp_path) -> None:
    from bot.channels.zalo_api import TokenRefreshError

    _, challenge = pkce_pair()
    settings = make_settings(db_url, **zalo_env(fake_zalo))
    code = fake_zalo.issue_code(challenge)
    with pytest.raises(TokenRefreshError, match="-14003"):
        await exchange(settings, code, tmp_path / "none.json", verifier="not-the-one")


async def test_a_link_without_pkce_needs_no_verifier(db_url, fake_zalo, tmp_path) -> None:
    settings = make_settings(db_url, **zalo_env(fake_zalo))
    code = fake_zalo.issue_code(None)
    assert "Đã lưu cặp token Zalo" in await exchange(settings, code, tmp_path / "none.json")


async def test_the_command_line_takes_the_verifier(
    monkeypatch, fake_zalo, db_url, capsys, tmp_path
) -> None:
    verifier, challenge = pkce_pair()
    code = fake_zalo.issue_code(challenge)
    for key, value in {**zalo_env(fake_zalo), "DATABASE_URL": db_url}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    # in a thread: main() runs its own event loop, while this one serves the fake Zalo
    rc = await asyncio.to_thread(main, ["exchange", code, "--verifier", verifier])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "Đã lưu cặp token Zalo" in out.out and verifier not in out.out


async def test_a_refused_webhook_request_is_described_without_content(zalo, caplog) -> None:
    caplog.set_level(logging.WARNING)
    body = zl.message_event("user_send_text", "5500000000000000009", text="Số tôi 0912345678")
    raw, headers = zl.encode(body)
    headers["X-ZEvent-Signature"] = "mac=" + "0" * 64
    response = await zalo.client.post("/webhook/zalo", data=raw, headers=headers)
    assert response.status == 403
    line = next(r.getMessage() for r in caplog.records if "từ chối một yêu cầu" in r.getMessage())
    assert "event_name=user_send_text" in line and "app_id=khớp" in line and "chữ ký=có" in line
    assert "0912345678" not in caplog.text and "Số tôi" not in caplog.text


async def test_an_unsigned_sample_event_at_registration_gets_200_and_is_dropped(
    zalo, caplog
) -> None:
    """Zalo's console may post a sample event, unsigned, when the URL is saved: the save must
    not fail. It names another app (a sample), so it is acknowledged, logged by shape, and
    nothing is stored or answered. The same body naming our app, unsigned, is a forgery: 403."""
    caplog.set_level(logging.WARNING)
    empty, raw = zl.registration_posts()
    assert (await zalo.client.post("/webhook/zalo", data=empty)).status == 200
    response = await zalo.client.post(
        "/webhook/zalo", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status == 200 and (await response.json())["ignored"] is True
    line = next(r.getMessage() for r in caplog.records if "sự kiện mẫu" in r.getMessage())
    assert "app_id=KHÁC" in line and "chữ ký=KHÔNG CÓ" in line
    assert "0912345678" not in caplog.text
    ours = dict(json.loads(raw), app_id=zl.APP_ID)
    forged = await zalo.client.post(
        "/webhook/zalo",
        data=json.dumps(ours).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert forged.status == 403
    wrong = await zalo.client.post(
        "/webhook/zalo", data=raw, headers={"X-ZEvent-Signature": "mac=" + "0" * 64}
    )
    assert wrong.status == 403
    async with zalo.runtime.db.read() as session:
        stored = (await session.execute(select(func.count()).select_from(WebhookEvent))).scalar()
        inbound = (await session.execute(select(func.count()).select_from(InboundEvent))).scalar()
    assert stored == 0 and inbound == 0
