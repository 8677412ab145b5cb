"""Stored files: the type is read from the content, a shared file's link serves it and nothing
else, and staff see a citizen's stored upload through the petition's attachment route."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest

from handlers.texts.uploads import UploadTexts
from handlers.uploads import (
    ANSWER_DOCUMENT_KINDS,
    PHOTO_KINDS,
    UploadError,
    check_upload,
    safe_name,
    sniff,
)
from storage import files as file_store
from storage import petitions as repo
from storage.models import PetitionAttachment
from tests.channels.harness import serve
from tests.staff.helpers import make_account, make_petition, signed_in

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("UBND xã trả lời kiến nghị")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_kind_comes_from_the_content_not_the_name(content: Any) -> None:
    texts = UploadTexts.of(content.texts)
    assert check_upload(PDF, texts, allowed=ANSWER_DOCUMENT_KINDS).name == "pdf"
    assert check_upload(_docx(), texts, allowed=ANSWER_DOCUMENT_KINDS).name == "docx"
    assert check_upload(JPEG, texts, allowed=PHOTO_KINDS).mime == "image/jpeg"
    assert sniff(EXE) is None
    with pytest.raises(UploadError) as refused:
        check_upload(EXE, texts, allowed=ANSWER_DOCUMENT_KINDS)
    assert "theo nội dung" in refused.value.message and "PDF" in refused.value.message
    with pytest.raises(UploadError):
        check_upload(PDF, texts, allowed=PHOTO_KINDS)  # a real PDF is no photo
    with pytest.raises(UploadError) as big:
        check_upload(PDF + b"\0" * 2048, texts, allowed={"pdf"}, max_bytes=1024)
    assert "quá giới hạn" in big.value.message
    with pytest.raises(UploadError):
        check_upload(b"", texts, allowed={"pdf"})
    # a real PDF named like a program is offered under its real extension, without a path
    kind = sniff(PDF)
    assert kind is not None
    assert safe_name("C:\\tmp\\traloi.exe", kind, "tra-loi") == "traloi.pdf"
    assert safe_name("../../<>.pdf", kind, "tra-loi") == "tra-loi.pdf"


async def test_a_shared_file_is_served_by_its_link_and_nothing_else(runtime: Any) -> None:
    async with runtime.db.write() as session:
        shared = await file_store.save_file(
            session,
            commune_id=runtime.profile.id,
            data=PDF,
            kind="pdf",
            mime="application/pdf",
            name="Trả lời số 12.pdf",
            source="staff:1",
            now=runtime.clock(),
            shared=True,
        )
        private = await file_store.save_file(
            session,
            commune_id=runtime.profile.id,
            data=JPEG,
            kind="jpeg",
            mime="image/jpeg",
            name="anh.jpg",
            source="citizen",
            now=runtime.clock(),
        )
        shared_token, private_token, shared_id = shared.token, private.token, shared.id
    assert len(shared_token) >= 40 and shared_token != private_token
    async with serve(runtime) as client:
        response = await client.get(f"/files/{shared_token}")
        assert response.status == 200 and await response.read() == PDF
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "Tr%E1%BA%A3%20l%E1%BB%9Di" in response.headers["Content-Disposition"]
        for token in (private_token, "x" * 43, "bad token!"):
            assert (await client.get(f"/files/{token}")).status == 404
        async with runtime.db.write() as session:
            assert await file_store.erase_files(session, [shared_id], runtime.clock()) == 1
        assert (await client.get(f"/files/{shared_token}")).status == 404


async def test_staff_see_a_stored_upload_of_a_petition_by_role(runtime: Any) -> None:
    code = await make_petition(runtime)
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        stored = await file_store.save_file(
            session,
            commune_id=runtime.profile.id,
            data=PNG,
            kind="png",
            mime="image/png",
            name="",
            source="citizen",
            now=runtime.clock(),
        )
        item = PetitionAttachment(
            petition_id=petition.id,
            kind="photo",
            channel="web",
            ref=file_store.file_ref(stored.id),
        )
        session.add(item)
        await session.flush()
        item_id = item.id
    office = await make_account(runtime, "office")
    viewer = await make_account(runtime, "viewer")
    async with serve(runtime) as client:
        agent = await signed_in(client.server, office.username)
        response = await agent.get(f"/staff/petitions/{code}/attachments/{item_id}")
        assert response.status == 200 and await response.read() == PNG
        assert response.headers["Cache-Control"] == "no-store"
        await agent.close()
        other = await signed_in(client.server, viewer.username)
        assert (await other.get(f"/staff/petitions/{code}/attachments/{item_id}")).status == 403
        await other.close()


def test_file_refs_round_trip_and_refuse_platform_ids() -> None:
    assert file_store.file_id_from_ref(file_store.file_ref(42)) == 42
    for ref in ("AgACAgQAAxkBAAI", "file:", "file:٤٢", "file:12a", "file:" + "9" * 30):
        assert file_store.file_id_from_ref(ref) is None
