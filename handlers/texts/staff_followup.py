"""Staff follow-up: the answer document the citizen receives, reminders and digests staff
receive by e-mail, and the public results page (no personal data in any of them)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map


class StaffFollowupTexts(MessageSet, file="staff_followup"):
    """The keys of staff_followup.yaml and the fields each is filled with."""

    answer_document: Msg = msg("name")
    answer_document_button: Msg = msg()
    mail_assigned_subject: Msg = msg("code", "committee")
    mail_assigned: Msg = msg("code", "category", "village", "committee", "due", "link")
    mail_due_soon_subject: Msg = msg("code", "due")
    mail_due_soon: Msg = msg("code", "category", "village", "due", "days", "link")
    mail_overdue_subject: Msg = msg("code", "due")
    mail_overdue: Msg = msg("code", "category", "village", "due", "link")
    mail_body_overdue_subject: Msg = msg("code", "due")
    mail_body_overdue: Msg = msg("code", "body", "doc_no", "due", "category", "village")
    mail_digest_subject: Msg = msg("week")
    mail_digest: Msg = msg("name", "week", "new", "nearly", "overdue", "answered", "items", "link")
    mail_footer: Msg = msg()
    event_publish: Msg = msg()
    event_unpublish: Msg = msg()
    not_allowed_publish: Msg = msg()
    public_title: Msg = msg()
    public_intro: Msg = msg()
    public_empty: Msg = msg()
    # the public page's words for a petition's status (plainer than the staff's)
    public_status: MsgMap = msg_map(
        keys=(
            "received",
            "screening",
            "needs_info",
            "forwarded",
            "reopened",
            "answered",
            "closed",
            "rejected",
            "duplicate",
        )
    )
    public_masked_name: Msg = msg()
    public_masked_phone: Msg = msg()
