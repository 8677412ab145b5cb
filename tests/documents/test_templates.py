"""A commune's own templates: used when present, checked, and refused with a clear message."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from bot.documents import (
    TemplateError,
    render_appendix,
    render_compilation,
    render_results,
    sample,
    template_path,
)
from bot.documents.build_templates import build
from bot.documents.preview import to_pdf
from bot.documents.render import BUNDLED_DIR
from tests.documents.reading import lines, open_docx


def _template(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def test_a_communes_template_replaces_the_bundled_one_and_only_that_one(tmp_path):
    _template(
        tmp_path / "compilation.docx",
        "BÁO CÁO CỦA XÃ TÔI — kỳ họp thứ {{ session.number }}",
        "{%p for c in committees %}",
        "{{ c.roman }}/{{ c.name }}: {{ c.count }} ý kiến",
        "{%p endfor %}",
        "Tổng {{ opinions }} lượt; {{ signer_name }}",
    )
    assert template_path("compilation", tmp_path) == tmp_path / "compilation.docx"
    assert template_path("results", tmp_path) == BUNDLED_DIR / "results.docx"
    text = lines(open_docx(render_compilation(sample.compilation(), tmp_path)))
    assert text == [
        "BÁO CÁO CỦA XÃ TÔI — kỳ họp thứ 9",
        "I/Ban Kinh tế - Ngân sách: 4 ý kiến",
        "II/Ban Văn hóa - Xã hội: 2 ý kiến",
        "Tổng 12 lượt; Trần Văn Mẫu",
    ]
    # the other documents still come from the bundled templates
    assert "Phụ lục" in lines(open_docx(render_appendix(sample.appendix(), tmp_path)))
    assert "BÁO CÁO" in lines(open_docx(render_results(sample.results(), tmp_path)))


def test_a_bundled_template_copied_into_the_folder_renders_like_the_bundled_one(tmp_path):
    shutil.copy(BUNDLED_DIR / "results.docx", tmp_path / "results.docx")
    own = lines(open_docx(render_results(sample.results(), tmp_path)))
    assert own == lines(open_docx(render_results(sample.results())))


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["Xã {{ ten_xa }}"], "{{ ten_xa }}"),
        (["{%p for c in committees %}", "{{ c.ten_ban }}", "{%p endfor %}"], "ten_ban"),
        (["{{ session.so_ky_hop }}"], "so_ky_hop"),
        (["Kỳ họp {{ session.number "], "lỗi cú pháp"),
        (["{%p for c in committees %}", "{{ c.name }}"], "lỗi cú pháp"),
    ],
)
def test_a_broken_template_names_itself_and_the_problem(tmp_path, paragraphs, expected):
    path = _template(tmp_path / "compilation.docx", *paragraphs)
    with pytest.raises(TemplateError) as caught:
        render_compilation(sample.compilation(), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"Mẫu văn bản «{path}» không dùng được:")
    assert expected in message
    assert caught.value.template == path


def test_an_unknown_placeholder_lists_the_ones_that_exist(tmp_path):
    _template(tmp_path / "results.docx", "{{ ket_qua }} và {{ tong }}")
    with pytest.raises(TemplateError) as caught:
        render_results(sample.results(), tmp_path)
    message = str(caught.value)
    assert "{{ ket_qua }}, {{ tong }}" in message
    assert "summary" in message and "repeated" in message  # what the template may use instead


def test_a_file_that_is_not_a_word_document_is_refused_clearly(tmp_path):
    (tmp_path / "appendix.docx").write_text("không phải docx", encoding="utf-8")
    with pytest.raises(TemplateError, match="không phải là văn bản Word"):
        render_appendix(sample.appendix(), tmp_path)


def test_the_committed_templates_are_what_the_build_script_makes(tmp_path):
    built = build(tmp_path)
    assert {p.name for p in built} == {p.name for p in BUNDLED_DIR.glob("*.docx")}
    for path in built:
        assert path.read_bytes() == (BUNDLED_DIR / path.name).read_bytes(), (
            f"{path.name} is stale: run python -m bot.documents.build_templates"
        )


def test_values_with_xml_characters_and_decomposed_diacritics_render_safely():
    import unicodedata

    from tests.documents.models import one_item_compilation

    summary = unicodedata.normalize("NFD", 'Đề nghị sửa cống <Cầu Đá> & đường "A"')
    text = "\n".join(lines(open_docx(render_compilation(one_item_compilation(summary)))))
    assert '1. Đề nghị sửa cống <Cầu Đá> & đường "A" (Thôn 1; 1 lượt cử tri).' in text
    assert unicodedata.is_normalized("NFC", text)


def test_libreoffice_opens_the_documents_and_prints_the_header_on_page_one(tmp_path):
    """A second, independent reader: what python-docx accepts Word-like programs must too."""
    for name, data in (
        ("compilation", render_compilation(sample.compilation())),
        ("appendix", render_appendix(sample.appendix())),
    ):
        docx = tmp_path / f"{name}.docx"
        docx.write_bytes(data)
        pdf = to_pdf(docx, tmp_path)
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
        info = dict(line.split(":", 1) for line in pages.stdout.splitlines() if ":" in line)
        count = int(info["Pages"])
        if name == "compilation":
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
            assert "Tân Phú An, ngày 02 tháng 12 năm 2026" in first
            assert count == 2
        else:
            assert "DANH MỤC Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI" in first
            assert count == 1
        assert pdf.stat().st_size > 10_000


def _keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            _keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, found)
    return found


def test_every_placeholder_a_template_can_use_is_documented():
    """README.md beside the templates names every value each template receives."""
    import re

    from bot.documents import context

    readme = (BUNDLED_DIR.parent / "README.md").read_text(encoding="utf-8")
    contexts = {
        "compilation": context.compilation(sample.compilation()),
        "appendix": context.appendix(sample.appendix()),
        "results": context.results(sample.results()),
    }
    common = readme.split("## Chỗ điền chung")[1].split("\n## ")[0]
    for kind, values in contexts.items():
        section = readme.split(f"## `{kind}.docx`")[1].split("\n## ")[0]
        code = " ".join(re.findall(r"`([^`]+)`", common + section))
        documented = set(re.findall(r"[A-Za-z_]+", code))
        missing = _keys(values, set()) - documented
        assert not missing, (kind, missing)
