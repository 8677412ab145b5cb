"""The conversation, independent of any channel: flows, commands, intents, petition workflow.

``build_registry`` is the one place where every handler is registered, in the order a reader would
expect to find them.
"""

from __future__ import annotations

from handlers.router import Registry


def build_registry() -> Registry:
    """Every command, button, flow and intent handler of the bot."""
    from handlers import basic, petitions

    registry = Registry()
    basic.register(registry)
    petitions.register(registry)  # after basic: its petition intent replaces the simple offer
    return registry
