"""The chat: every conversation a citizen has with the bot, on any channel.

Menu and help (``menu``), the matcher's answers (``answers``), filing a petition (``offer``,
``intake`` with ``intake_place`` and ``intake_contact``, ``drafts``), status (``lookup``),
the council's question (``followup``), rating the answer (``rating``), data deletion
(``privacy``) and talking to a person (``handoff``). The petition rules are the workflow's
(``handlers.workflow``): these modules call it and never the other way round. ``register``
puts every handler in the registry, in the order a reader expects.
"""

from __future__ import annotations

from handlers import router, typed_choices
from handlers.chat import (
    answers,
    followup,
    handoff,
    intake,
    intake_question,
    lookup,
    menu,
    oa_menu,
    offer,
    privacy,
    rating,
    villages,
)
from handlers.chat.drafts import DraftChoice
from handlers.payloads import AskPayload, EntryPayload, MenuPage, TopicPayload
from handlers.registry import Registry
from handlers.texts.chat import ChatTexts
from handlers.texts.handoff import HandoffTexts
from handlers.texts.intake import IntakeTexts
from handlers.texts.lookup import LookupTexts
from handlers.texts.privacy import PrivacyTexts
from handlers.texts.villages import VillageTexts
from handlers.workflow.buttons import AnswerQuestion, Rating, Track


def register(registry: Registry) -> None:
    """Add the chat's commands, flows, buttons, intents, interceptors and events."""
    registry.command("start", help=(ChatTexts, "help_start"))(menu.start)
    registry.command("tieptuc", "tiep")(router.resume)
    registry.command("menu")(menu.show_menu)
    registry.command("help", "trogiup", "huongdan", help=(ChatTexts, "help_help"))(menu.show_help)
    registry.listed.append(("huy", (ChatTexts, "help_cancel")))  # the router handles /huy
    registry.command("kiennghi", "petition", help=(IntakeTexts, "command_help"))(
        offer.start_intake
    )
    registry.command("tracuu", help=(LookupTexts, "command_help"))(lookup.cmd_lookup)
    registry.command("xoadulieu", help=(PrivacyTexts, "command_help"))(privacy.cmd_erase)
    registry.command("canbo", help=(HandoffTexts, "command_help"))(handoff.cmd_handoff)
    registry.command("thon", help=(VillageTexts, "help_village"))(villages.cmd_village)
    registry.command("tatthongbao", help=(VillageTexts, "help_off"))(villages.cmd_off)
    registry.command("batthongbao", help=(VillageTexts, "help_on"))(villages.cmd_on)

    registry.trigger(menu.MENU_TRIGGER, "menu")
    # The main menu's words typed bare, as older users do: "gui kien nghi", "kiến nghị".
    registry.trigger(menu.PETITION_WORDS, "kiennghi")
    registry.trigger(lookup.TRIGGER_WITH_CODE, "tracuu")
    registry.trigger(lookup.TRIGGER_ALONE, "tracuu")

    registry.add_flow(intake.INTAKE)
    registry.add_flow(followup.INFO)
    registry.add_flow(rating.COMMENT)
    registry.add_flow(privacy.ERASE)
    registry.add_flow(handoff.HANDOFF)

    registry.payload(AskPayload)(menu.on_ask)
    registry.payload(MenuPage)(menu.on_menu_page)
    registry.payload(EntryPayload)(menu.on_entry)
    registry.payload(TopicPayload)(menu.on_topic)
    registry.payload(offer.PetitionOffer)(offer.on_offer)
    registry.payload(DraftChoice)(offer.on_draft_choice)
    registry.payload(Track)(lookup.on_track)
    registry.payload(AnswerQuestion)(followup.on_answer_question)
    registry.payload(Rating)(rating.on_rating)
    registry.payload(villages.VillagePick)(villages.on_pick)

    registry.interceptor(handoff.in_handoff)  # first: while staff handle it, the bot is quiet
    registry.interceptor(typed_choices.typed_choice)
    registry.interceptor(oa_menu.menu_phrase)  # a tap on the Zalo OA menu, or its words typed
    registry.interceptor(intake_question.question_at_first_step)
    registry.interceptor(lookup.code_interceptor)
    registry.interceptor(followup.answer_interceptor)
    registry.interceptor(handoff.asks_for_person)  # last: "cho tôi gặp cán bộ" outside a flow

    registry.intent("faq")(answers.on_faq)
    registry.intent("greeting")(answers.on_greeting)
    registry.intent("fallback")(answers.on_fallback)
    registry.intent("petition")(offer.on_petition_intent)

    registry.event("follow")(menu.on_follow)
    registry.event("unfollow")(menu.on_unfollow)
    registry.event("withdraw_consent")(privacy.on_withdraw_consent)
