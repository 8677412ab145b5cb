"""The session's Word documents: compilation report, appendix for the UBND, results report.

``render_compilation``, ``render_appendix`` and ``render_results`` take the typed models of
``handlers.council.documents`` and return .docx bytes, from the bundled templates or a commune's
own (``template_dir``). README.md beside this file lists the placeholders.
"""

from bot.documents.render import (
    FILENAMES,
    RENDERERS,
    Kind,
    TemplateError,
    render_appendix,
    render_compilation,
    render_results,
    template_path,
)

__all__ = [
    "FILENAMES",
    "RENDERERS",
    "Kind",
    "TemplateError",
    "render_appendix",
    "render_compilation",
    "render_results",
    "template_path",
]
