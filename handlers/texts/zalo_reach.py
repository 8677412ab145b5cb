"""What staff hear about the Zalo channel itself, and how a citizen was told after the window."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class ZaloReachTexts(MessageSet, file="zalo_reach"):
    """The keys of zalo_reach.yaml and the fields each is filled with."""

    config_alert: Msg = msg("code", "reason")
    quota_alert: Msg = msg("code", "reason")
    told_by_zns: Msg = msg()
    waiting_for_citizen: Msg = msg()
    zns_failed: Msg = msg()
    zns_note: Msg = msg()
    contact_form_title: Msg = msg()
    contact_form_subtitle: Msg = msg()
