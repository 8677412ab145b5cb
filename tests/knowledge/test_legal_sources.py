"""kb check warns (never errors) when an entry's source cites a replaced or amended document."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from knowledge import load_knowledge
from knowledge.kb_loader import check_knowledge
from knowledge.legal_sources import (
    REPLACED_DOCUMENTS,
    ReplacedDocument,
    check_sources,
    load_replaced_documents,
)
from knowledge.profile import CommuneProfile

TODAY = dt.date(2026, 12, 2)

ENTRY = """\
- id: xa-du-lieu
  topic: personal-data
  title: Dữ liệu cá nhân ở xã
  question: Xã giữ dữ liệu cá nhân của tôi thế nào?
  phrasings: [xa giu du lieu ca nhan]
  keywords: [dữ liệu]
  answer: |
    Xã chỉ dùng dữ liệu để giải quyết thủ tục của bạn.
    Bước tiếp theo: hỏi bộ phận một cửa.
  source: {source}
  reviewed: 2026-12-01
"""


def write_entry(folder: Path, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "du-lieu.yaml"
    path.write_text(ENTRY.format(source=source), encoding="utf-8")
    return path


def replaced_warnings(issues: list) -> list[str]:  # type: ignore[type-arg]
    return [str(i) for i in issues if i.level == "warning" and "nguồn dẫn" in i.message]


def test_the_bundled_list_loads_and_holds_the_note_s_replacements() -> None:
    docs, issues = load_replaced_documents()
    assert issues == []
    by_old = {d.document: d for d in docs}
    decree = next(d for d in docs if "13/2023" in d.document)
    assert "356/2025" in decree.replaced_by and decree.since == dt.date(2026, 1, 1)
    reception = next(d for d in docs if d.document.startswith("Luật Tiếp công dân"))
    assert reception.change == "amended" and reception.since == dt.date(2026, 7, 1)
    assert all(d.evidence for d in by_old.values())  # every line says where it was confirmed


def test_a_commune_entry_citing_a_replaced_decree_is_warned_about(
    tmp_path: Path, profile: CommuneProfile
) -> None:
    path = write_entry(tmp_path, "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân")
    issues = check_knowledge(profile, tmp_path, TODAY)
    found = replaced_warnings(issues)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:1: cảnh báo: mục 'xa-du-lieu'")
    assert "Nghị định 356/2025/NĐ-CP" in found[0] and "01/01/2026" in found[0]
    assert [i for i in issues if i.level == "error"] == []  # a warning, never an error
    assert load_knowledge(profile, tmp_path).get("xa-du-lieu") is not None  # still loads


def test_naming_the_replacement_or_checking_before_the_date_is_quiet(
    tmp_path: Path, profile: CommuneProfile
) -> None:
    write_entry(tmp_path / "new", "Nghị định 356/2025/NĐ-CP (thay Nghị định 13/2023/NĐ-CP)")
    assert replaced_warnings(check_knowledge(profile, tmp_path / "new", TODAY)) == []
    write_entry(tmp_path / "old", "Nghị định 13/2023/NĐ-CP")
    before = dt.date(2025, 12, 31)
    assert replaced_warnings(check_knowledge(profile, tmp_path / "old", before)) == []


def test_an_amended_law_warns_until_the_amendment_is_named(
    tmp_path: Path, profile: CommuneProfile
) -> None:
    write_entry(tmp_path / "a", "Luật Tiếp công dân 2013")
    found = replaced_warnings(check_knowledge(profile, tmp_path / "a", TODAY))
    assert len(found) == 1 and "sửa đổi, bổ sung bởi Luật 136/2025/QH15" in found[0]
    write_entry(tmp_path / "b", "Luật Tiếp công dân 2013, sửa đổi bởi Luật 136/2025/QH15")
    assert replaced_warnings(check_knowledge(profile, tmp_path / "b", TODAY)) == []
    # the amendment takes effect on 1/7/2026: a check run before that date stays quiet
    early = dt.date(2026, 6, 30)
    assert replaced_warnings(check_knowledge(profile, tmp_path / "a", early)) == []


@pytest.mark.parametrize(
    ("source", "cited"),
    [
        ("NGHỊ ĐỊNH  13/2023/NĐ-CP", True),  # case and spacing do not matter
        ("Nghị định 113/2023/NĐ-CP", False),  # another decree whose number ends the same way
        ("Nghị định 13/20234", False),
        ("Luật Căn cước 2023", False),  # not the old Law on Citizen Identification
    ],
)
def test_citations_are_matched_as_whole_numbers(source: str, cited: bool) -> None:
    docs, _ = load_replaced_documents()
    assert any(d.cited_in(source) for d in docs) is cited


def test_the_cli_prints_the_warning_and_exits_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli_knowledge

    write_entry(tmp_path / "kb", "Luật Xây dựng 2014; Nghị định 13/2023/NĐ-CP")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "kb"))
    monkeypatch.delenv("COMMUNE_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli_knowledge.main(["kb", "check", "--today", "2026-12-02"]) == 0
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if "nguồn dẫn" in line]
    assert len(lines) == 2
    assert any("Luật Xây dựng 2025 (135/2025/QH15" in line for line in lines)
    assert "0 lỗi, 2 cảnh báo" in captured.err


def test_a_malformed_list_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "replaced.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            - document: Nghị định 1/2020/NĐ-CP
              replaced_by: Nghị định 2/2025/NĐ-CP
              from: ngày mai
              source: thử
            - document: Nghị định 3/2020/NĐ-CP
              replaced_by: Nghị định 4/2025/NĐ-CP
              from: 2025-01-01
              source: thử
              change: bỏ
            - document: Nghị định 5/2020/NĐ-CP
              from: 2025-01-01
            """
        ),
        encoding="utf-8",
    )
    docs, issues = load_replaced_documents(path)
    assert docs == []
    assert [(i.line, i.level) for i in issues] == [(3, "error"), (9, "error"), (10, "error")]
    assert "thiếu trường bắt buộc 'replaced_by'" in issues[2].message


def test_check_sources_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "replaced.yaml"
    path.write_text(
        "- {document: Thông tư 1/2020, replaced_by: Thông tư 9/2025, from: 2025-01-01, "
        "source: thử}\n",
        encoding="utf-8",
    )

    class Cited:
        id, path, line = "x", "kb.yaml", 7
        source = "Thông tư 1/2020 của Bộ"

    found = check_sources([Cited()], TODAY, path)
    assert [str(i) for i in found] == [
        "kb.yaml:7: cảnh báo: mục 'x': nguồn dẫn Thông tư 1/2020, đã được thay thế bởi "
        "Thông tư 9/2025 từ 01/01/2025: rà soát lại câu trả lời và ghi nguồn mới"
    ]
    assert isinstance(load_replaced_documents(path)[0][0], ReplacedDocument)
    assert REPLACED_DOCUMENTS.is_file()
