"""SQLAlchemy 2 models: the same tables on SQLite and PostgreSQL, one module per concern.

Every row belongs to one commune so that one deployment can serve several. Personal data (a
citizen's name, phone, location) lives only in ``citizens`` and ``petitions`` and is wiped by the
erasure rules (``handlers.workflow.erasure``); nothing else copies it. A feature adds its own
module here and re-exports its models below, so ``from storage.models import X`` keeps working and
Alembic sees every table.
"""

from storage.models.base import NAMING_CONVENTION, Base, BigId, UTCDateTime, utcnow
from storage.models.channels import ChannelCredential
from storage.models.conversations import (
    ConversationState,
    InboundEvent,
    OutboxMessage,
    UnansweredQuestion,
)
from storage.models.council import CouncilMeeting, CouncilSession
from storage.models.files import StoredFile
from storage.models.followup import MailMessage, StaffReminder
from storage.models.handoff import HandoffConversation, HandoffMessage
from storage.models.ingest import WebhookEvent
from storage.models.knowledge import KnowledgeChange, KnowledgeEntry
from storage.models.people import ChannelIdentity, Citizen, Commune
from storage.models.petitions import Petition, PetitionAttachment, PetitionEvent, PetitionFollower
from storage.models.reach import (
    Announcement,
    AnnouncementDelivery,
    IdentityPrefs,
    ZnsNotice,
)
from storage.models.staff import ApiToken, LoginAttempt, StaffAccount, StaffSession

__all__ = [
    "NAMING_CONVENTION",
    "Announcement",
    "AnnouncementDelivery",
    "ApiToken",
    "Base",
    "BigId",
    "ChannelCredential",
    "ChannelIdentity",
    "Citizen",
    "Commune",
    "ConversationState",
    "CouncilMeeting",
    "CouncilSession",
    "HandoffConversation",
    "HandoffMessage",
    "IdentityPrefs",
    "InboundEvent",
    "KnowledgeChange",
    "KnowledgeEntry",
    "LoginAttempt",
    "MailMessage",
    "OutboxMessage",
    "Petition",
    "PetitionAttachment",
    "PetitionEvent",
    "PetitionFollower",
    "StaffAccount",
    "StaffReminder",
    "StaffSession",
    "StoredFile",
    "UTCDateTime",
    "UnansweredQuestion",
    "WebhookEvent",
    "ZnsNotice",
    "utcnow",
]
