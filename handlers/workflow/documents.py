"""The UBND's written answer attached when staff record an answer.

It is stored in the database (``storage.files``, marked shared: the citizen receives a link made
from its random token) and listed among the petition's attachments as kind ``answer`` so staff
find it in the timeline and the attachment list. The citizen's notification carries it in
``meta["document"]``: Telegram sends it as a document, Zalo and the web chat show the link.
"""

from __future__ import annotations

from typing import Any

from handlers.context import Txn
from handlers.texts.staff_followup import StaffFollowupTexts
from handlers.types import Button, Reply
from handlers.workflow.changes import AnswerDocument
from storage import files as file_store
from storage.models import Petition, PetitionAttachment

ANSWER_KIND = "answer"


async def store_answer_document(
    txn: Txn, petition: Petition, document: AnswerDocument
) -> dict[str, Any]:
    """Save the file and its attachment row; what the answer event records about it."""
    row = await file_store.save_file(
        txn.session,
        commune_id=petition.commune_id,
        data=document.data,
        kind=document.kind,
        mime=document.mime,
        name=document.name,
        source="staff",
        now=txn.now,
        shared=True,
        sha256=document.sha256,
    )
    attachment = PetitionAttachment(
        petition_id=petition.id,
        kind=ANSWER_KIND,
        channel="staff",
        ref=file_store.file_ref(row.id),
        name=row.name,
        mime=row.mime,
        size=row.size,
        created_at=txn.now,
    )
    txn.session.add(attachment)
    await txn.session.flush()
    document.file_id, document.token = row.id, row.token
    return {"file_id": row.id, "attachment_id": attachment.id, "name": row.name, "mime": row.mime}


def document_meta(public_url: str, document: AnswerDocument) -> dict[str, Any]:
    """What a notification carries so each channel can deliver the file."""
    return {
        "file_id": document.file_id,
        "name": document.name,
        "mime": document.mime,
        "url": f"{public_url.rstrip('/')}/files/{document.token}",
    }


def with_document(txn: Txn, reply: Reply, document: AnswerDocument) -> Reply:
    """The answer's notification with the document: a line naming it, its link as a button, and
    ``meta["document"]`` for the channels that send files."""
    t = StaffFollowupTexts.of(txn.texts)
    meta = document_meta(txn.services.public_url, document)
    return Reply(
        text=reply.text + t.answer_document(name=document.name),
        buttons=[Button(t.answer_document_button(), url=meta["url"]), *reply.buttons],
        meta={**reply.meta, "document": meta},
    )
