"""Chat platform adapters (Telegram, Zalo OA, Zalo Bot). The web chat lives in ``bot.webchat``.

Each adapter turns platform payloads into ``handlers.types.Inbound`` values (with the channel's
``Capabilities``) for the engine, and sends outbox rows back through the platform; none of them
reads the outbox to understand a message. ``setup`` wires them into a runtime: a channel whose
credentials are unset stays off; its webhook route still exists and refuses everything, so a
probe learns nothing.
"""
