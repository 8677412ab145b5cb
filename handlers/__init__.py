"""The conversation, independent of any channel, and the petition workflow.

``chat`` holds the flows a citizen talks to; ``workflow`` the petition rules that the chat, the
dashboard and the staff API all call. The core modules beside them carry one message through:
``types`` and ``capabilities`` (what an adapter hands over), ``engine`` (one transaction per
message), ``router`` + ``registry`` (which handler answers), ``flow`` (typed steps and drafts),
``payloads`` (typed buttons), ``typed_choices`` + ``offered_buttons`` (labels and numbers back to
payloads), ``outgoing`` (the one path into the outbox) and ``texts`` (every message, as data).
``build_registry`` is the one place where every handler is registered.
"""

from __future__ import annotations

from handlers.registry import Registry


def build_registry() -> Registry:
    """Every command, button, flow and intent handler of the bot."""
    from handlers import chat

    registry = Registry()
    chat.register(registry)
    return registry
