"""The workflow's words as the dashboard shows them: statuses, channels, reasons, actions.

Read once from the message files (``handlers/texts/workflow.yaml``, overridable by the commune),
so the dashboard, the exports and the chat say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers import workflow
from handlers.texts import Texts
from handlers.texts.council import CouncilTexts
from handlers.texts.staff_followup import StaffFollowupTexts
from handlers.texts.workflow import WorkflowTexts

CREATE = "Tiếp nhận kiến nghị"  # the first event of every petition (not an action)


@dataclass(frozen=True)
class ActionView:
    """One action the dashboard offers: its name, label and where it leads."""

    name: str
    label: str
    target: str | None
    needs_public_note: bool
    public: bool


@dataclass(frozen=True)
class Labels:
    status: dict[str, str]
    channels: dict[str, str]
    reasons: dict[str, str]
    actions: dict[str, str]

    @classmethod
    def of(cls, texts: Texts) -> Labels:
        t = WorkflowTexts.of(texts)
        return cls(
            status={k: v() for k, v in t.status.items()},
            channels={k: v() for k, v in t.intake_channel.items()},
            reasons={k: v() for k, v in t.rejection_reason.items()},
            actions={
                **{k: v() for k, v in CouncilTexts.of(texts).action.items()},
                **{k: v() for k, v in t.action.items()},
                "publish": StaffFollowupTexts.of(texts).event_publish(),
                "unpublish": StaffFollowupTexts.of(texts).event_unpublish(),
            },
        )

    def status_label(self, status: str) -> str:
        return self.status.get(status, status)

    def channel_label(self, channel: str | None) -> str:
        return self.channels.get(channel or "", channel or "")

    def action_label(self, action: str) -> str:
        return CREATE if action == "create" else self.actions.get(action, action)

    def action_views(self, status: str) -> list[ActionView]:
        return [
            ActionView(t.name, self.action_label(t.name), t.target, t.needs_public_note, t.public)
            for t in workflow.allowed_actions(status)
        ]
