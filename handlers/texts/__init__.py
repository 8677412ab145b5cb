"""Every text the bot says, as data: one YAML file per concern in this folder.

``<concern>.yaml`` holds the Vietnamese; ``<concern>.py`` declares its keys and placeholders as
a ``MessageSet`` (see ``catalog``). Every module of this folder is imported here, so a new
concern is two new files and nothing else to edit. ``loader.load_texts`` reads them once at start,
with a commune's overrides from ``KNOWLEDGE_DIR/messages/``; README.md here shows the format.
"""

from __future__ import annotations

import importlib
import pkgutil

from handlers.texts.catalog import MessageSet, Msg, MsgMap, Template, TemplateMap, Texts

_INFRASTRUCTURE = {"catalog", "loader"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["MessageSet", "Msg", "MsgMap", "Template", "TemplateMap", "Texts"]
