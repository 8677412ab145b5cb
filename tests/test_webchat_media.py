"""The web chat's photos, location and contact, through the real HTTP API."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import create_app
from handlers.image_meta import strip_location
from storage.models import Petition, PetitionAttachment, StoredFile
from tests.helpers import WebChat
from tests.photos import gps_rationals, jpeg_with_gps, tiff_with_gps


@pytest.fixture
async def client(runtime):
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _upload(client, user_id: str, data: bytes, name: str = "anh.jpg"):
    form = aiohttp.FormData()
    form.add_field("user_id", user_id)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return await client.post("/api/chat/upload", data=form)


def test_location_metadata_is_removed_from_every_kind() -> None:
    jpeg = jpeg_with_gps()
    assert gps_rationals() in jpeg
    clean = strip_location(jpeg, "jpeg")
    assert gps_rationals() not in clean and b"Exif" not in clean
    assert clean.startswith(b"\xff\xd8\xff\xe0") and clean.endswith(b"\xff\xd9")
    heic = b"\0\0\0\x18ftypheic" + b"\0" * 12 + b"Exif\x00\x00" + tiff_with_gps() + b"mdat"
    cleaned = strip_location(heic, "heic")
    assert len(cleaned) == len(heic) and gps_rationals() not in cleaned
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", b"\0" * 13) + _chunk(b"eXIf", tiff_with_gps())
    assert gps_rationals() not in strip_location(png + _chunk(b"IEND", b""), "png")
    webp = _riff(_chunk_le(b"VP8X", b"\x08" + b"\0" * 9) + _chunk_le(b"EXIF", tiff_with_gps()))
    out = strip_location(webp, "webp")
    assert gps_rationals() not in out and out[:4] == b"RIFF"


def _chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunk_le(kind: bytes, data: bytes) -> bytes:
    import struct

    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def _riff(body: bytes) -> bytes:
    import struct

    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


async def test_a_photo_location_and_contact_reach_the_petition(runtime, client) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say("Cống thoát nước trước nhà văn hóa bị tắc, nước tràn ra đường")
    response = await _upload(client, chat.user_id, jpeg_with_gps(), "IMG_0001.jpg")
    assert response.status == 200, await response.text()
    replies = (await response.json())["replies"]
    chat.replies = replies
    await chat.press("Xong")
    share = next(b for b in chat.buttons() if b.get("request") == "location")
    assert share
    status, data = await chat.send(location={"latitude": 10.7923, "longitude": 106.7821})
    assert status == 200, data
    assert any(b.get("request") == "contact" for b in chat.buttons())
    status, data = await chat.send(contact={"name": "Phạm Thị Hoa", "phone": "0912 345 678"})
    assert status == 200, data
    await chat.press("Đồng ý")
    await chat.press("Xác nhận gửi")
    async with runtime.db.read() as session:
        petition = (await session.execute(select(Petition))).scalar_one()
        [photo] = (await session.execute(select(PetitionAttachment))).scalars().all()
        stored = (await session.execute(select(StoredFile))).scalar_one()
    assert (petition.latitude, petition.longitude) == (10.7923, 106.7821)
    assert petition.contact_name == "Phạm Thị Hoa" and petition.contact_phone == "0912345678"
    assert photo.petition_id == petition.id and photo.ref == f"file:{stored.id}"
    assert stored.mime == "image/jpeg" and gps_rationals() not in stored.data


async def test_bad_uploads_are_refused_in_vietnamese(runtime, client) -> None:
    exe = await _upload(client, "u-1", b"MZ\x90\x00" + b"\0" * 100, "anh.jpg")
    assert exe.status == 400 and "không đúng loại" in (await exe.json())["error"]
    big = await _upload(client, "u-1", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024 + 10))
    assert big.status == 413 and "10" in (await big.json())["error"]
    empty = await _upload(client, "u-1", b"")
    assert empty.status == 400
    nobody = await _upload(client, "bad user!", jpeg_with_gps())
    assert nobody.status == 400
    wrong = await client.post(
        "/api/chat", json={"user_id": "web-location-user-0000001", "location": {"latitude": 99}}
    )
    assert wrong.status == 400 and "latitude" in (await wrong.json())["error"]
    async with runtime.db.read() as session:
        assert (await session.execute(select(StoredFile))).first() is None
