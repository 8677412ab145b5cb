"""Render a session document from its model and a Word template (docxtpl, Jinja placeholders).

A commune may keep its own templates in a folder: a file there named like a bundled one
(compilation.docx, appendix.docx, results.docx) is used instead of it. Its placeholders are checked
before rendering, so a misspelt one gives one clear Vietnamese message naming the file and the
placeholder, never a half-filled document. Rendering is synchronous and CPU-bound: callers on the
event loop run it in a thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from lxml import etree

from bot.documents import context as ctx
from handlers.council.documents import Appendix, CompilationReport, ResultsReport

Kind = Literal["compilation", "appendix", "results"]
BUNDLED_DIR = Path(__file__).parent / "templates"
FILENAMES: dict[Kind, str] = {
    "compilation": "compilation.docx",
    "appendix": "appendix.docx",
    "results": "results.docx",
}
DOCUMENT_NAMES: dict[Kind, str] = {
    "compilation": "báo cáo tổng hợp ý kiến, kiến nghị của cử tri",
    "appendix": "phụ lục danh mục ý kiến, kiến nghị gửi UBND",
    "results": "báo cáo kết quả giải quyết ý kiến, kiến nghị của cử tri",
}


class TemplateError(ValueError):
    """A template cannot be used; the message is Vietnamese and names the file."""

    def __init__(self, template: Path, problem: str) -> None:
        super().__init__(f"Mẫu văn bản «{template}» không dùng được: {problem}")
        self.template = template
        self.problem = problem


def template_path(kind: Kind, template_dir: Path | None = None) -> Path:
    """The commune's own template for ``kind`` when ``template_dir`` has one, else the bundled."""
    name = FILENAMES[kind]
    if template_dir is not None and (Path(template_dir) / name).is_file():
        return Path(template_dir) / name
    return BUNDLED_DIR / name


def _environment() -> jinja2.Environment:
    # StrictUndefined: a placeholder the model does not provide is an error, not a silent blank
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def _undefined_message(err: jinja2.UndefinedError) -> str:
    text = str(err)
    attr = re.search(r"has no attribute '([^']+)'", text)
    if attr:
        return f"chỗ điền «{attr.group(1)}» không có trong dữ liệu của văn bản này"
    name = re.search(r"'([^']+)' is undefined", text)
    if name:
        return f"chỗ điền «{{{{ {name.group(1)} }}}}» không có trong dữ liệu của văn bản này"
    return f"chỗ điền không có trong dữ liệu của văn bản này ({text})"


def _records(value: Any) -> Any:
    """Nested dicts as attribute-only records: ``f.items`` must mean the key, not dict.items."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _records(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_records(v) for v in value]
    return value


def render_template(
    kind: Kind, context: dict[str, Any], template_dir: Path | None = None
) -> bytes:
    """Fill the template for ``kind`` with ``context``; TemplateError when the template fails."""
    path = template_path(kind, template_dir)
    env = _environment()
    context = {key: _records(value) for key, value in context.items()}
    try:
        template = DocxTemplate(path)
        unknown = template.get_undeclared_template_variables(jinja_env=env, context=context)
        if unknown:
            names = ", ".join(f"{{{{ {name} }}}}" for name in sorted(unknown))
            known = ", ".join(sorted(context))
            raise TemplateError(
                path,
                f"có chỗ điền không biết: {names}. Các chỗ điền dùng được: {known} "
                "(xem bot/documents/README.md).",
            )
        template.render(context, jinja_env=env, autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except TemplateError:
        raise
    except jinja2.UndefinedError as err:
        raise TemplateError(path, _undefined_message(err)) from err
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(
            path, f"lỗi cú pháp chỗ điền ({err.message}); kiểm tra các cặp {{{{ }}}} và {{% %}}."
        ) from err
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as err:
        raise TemplateError(path, "tệp không phải là văn bản Word (.docx).") from err
    except (jinja2.TemplateError, etree.XMLSyntaxError, ValueError, TypeError) as err:
        raise TemplateError(path, f"không điền được dữ liệu vào mẫu ({err}).") from err
    return out.getvalue()


def render_compilation(model: CompilationReport, template_dir: Path | None = None) -> bytes:
    """The compilation report (báo cáo tổng hợp ý kiến, kiến nghị cử tri) as .docx bytes."""
    return render_template("compilation", ctx.compilation(model), template_dir)


def render_appendix(model: Appendix, template_dir: Path | None = None) -> bytes:
    """The appendix to the letter forwarding the items to the UBND, as .docx bytes."""
    return render_template("appendix", ctx.appendix(model), template_dir)


def render_results(model: ResultsReport, template_dir: Path | None = None) -> bytes:
    """The results report (báo cáo kết quả giải quyết) as .docx bytes."""
    return render_template("results", ctx.results(model), template_dir)


RENDERERS: dict[Kind, Callable[..., bytes]] = {
    "compilation": render_compilation,
    "appendix": render_appendix,
    "results": render_results,
}
