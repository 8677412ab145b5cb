"""Voters' petitions: intake in chat, lookup, notifications, follow-up, and the lifecycle.

The staff side (dashboard, JSON API) drives ``lifecycle.apply_action``; everything a citizen does
in chat is registered here, on top of ``handlers.basic`` (this module's petition intent wins).
"""

from __future__ import annotations

from handlers.router import Registry


def register(registry: Registry) -> None:
    """Add the petition commands, flows, buttons, interceptors and events to the registry."""
    from handlers.petitions import followup, intake, lookup, privacy

    registry.add_flow(intake.IntakeFlow())
    registry.add_flow(followup.InfoFlow())
    registry.add_flow(followup.CommentFlow())
    registry.add_flow(privacy.EraseFlow())

    registry.command("kiennghi", "petition", help_text="gửi kiến nghị, phản ánh tới HĐND xã")(
        intake.start_intake
    )
    registry.command("tracuu", help_text="xem kiến nghị đã gửi đến đâu (/tracuu MÃ)")(
        lookup.cmd_lookup
    )
    registry.command("xoadulieu", help_text="xóa thông tin cá nhân bạn đã để lại")(
        privacy.cmd_erase
    )
    registry.trigger(lookup.TRIGGER_WITH_CODE, "tracuu")
    registry.trigger(lookup.TRIGGER_ALONE, "tracuu")

    registry.payloads["poffer"] = intake.on_offer_payload
    registry.payloads["ptrack"] = lookup.on_track_payload
    registry.payloads["pinfo"] = followup.on_info_payload
    registry.payloads["psat"] = followup.on_rating_payload

    registry.interceptors.append(lookup.code_interceptor)
    registry.interceptors.append(followup.answer_interceptor)

    registry.intents["petition"] = intake.offer_petition
    registry.events["withdraw_consent"] = privacy.on_withdraw_consent
