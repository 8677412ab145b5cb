"""A commune's ``KNOWLEDGE_DIR/lexicon.yaml``: its abbreviations change how a message is read,
they win over the bundled ones, and a malformed file is a ``file:line`` error."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import cli_knowledge
from knowledge import KnowledgeError, Matcher, load_knowledge, normalize
from knowledge.kb_loader import check_knowledge
from knowledge.normalize import use_lexicon
from knowledge.profile import CommuneProfile

TODAY = dt.date(2026, 12, 2)
LEXICON = """\
# the commune's own words
abbreviations:
  ubx: ủy ban xã
  hk: học kỳ
fillers: [nhớ]
phrases:
  - {when: [xom ngoai], find: '\\bxom ngoai\\b', put: 'thon 3'}
"""


@pytest.fixture(autouse=True)
def bundled_lexicon() -> Iterator[None]:
    """The lexicon is the process's: leave the bundled one in force for the other tests."""
    yield
    use_lexicon(None)


def commune(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir(exist_ok=True)
    (folder / "lexicon.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_a_local_abbreviation_changes_how_a_message_is_understood(
    tmp_path: Path, profile: CommuneProfile
) -> None:
    bundled = Matcher(load_knowledge(profile)).match("ubx o dau")
    assert normalize("ubx o dau") == "ubx o dau"
    assert bundled.topic != "one-stop-office"  # "ubx" means nothing to the bundled lexicon

    folder = commune(tmp_path, LEXICON)
    assert check_knowledge(profile, folder, TODAY) == []  # lexicon.yaml is not an entries file
    kb = load_knowledge(profile, folder)
    assert normalize("ubx o dau") == "uy ban xa o dau"
    m = Matcher(kb).match("ubx o dau")
    assert (m.intent, m.band, m.topic) == ("faq", "answer", "one-stop-office")
    assert m.normalized == "uy ban xa o dau"


def test_the_commune_wins_on_a_conflict_and_adds_fillers_and_phrases(
    tmp_path: Path, profile: CommuneProfile
) -> None:
    assert normalize("hk") == "ho khau"  # the bundled reading
    load_knowledge(profile, commune(tmp_path, LEXICON))
    assert normalize("hk") == "hoc ky"
    assert normalize("gio lam viec nhớ") == "gio lam viec"
    assert normalize("dai bieu xom ngoai la ai") == "dai bieu thon 3 la ai"
    assert normalize("cccd") == "can cuoc"  # the bundled entries stay
    load_knowledge(profile)  # a knowledge base without the file: the bundled lexicon again
    assert normalize("hk") == "ho khau" and normalize("ubx") == "ubx"


def test_a_malformed_lexicon_is_a_file_line_error(tmp_path: Path, profile: CommuneProfile) -> None:
    folder = commune(
        tmp_path,
        """\
        abbreviations:
          ubx: ủy ban xã
          hai tu: sai
          rong: ''
        filers: [nhe]
        phrases:
          - {when: [ab], find: '(', put: x}
        """,
    )
    path = str(folder / "lexicon.yaml")
    found = [str(i) for i in check_knowledge(profile, folder, TODAY) if i.level == "error"]
    assert f"{path}:3: từ viết tắt 'hai tu' phải là một từ (chữ cái, chữ số, không dấu cách)" in (
        found
    )
    assert f"{path}:4: từ viết tắt 'rong' cần nghĩa (một chuỗi)" in found
    assert f"{path}:5: khóa không hợp lệ 'filers' (dùng abbreviations, fillers, phrases)" in found
    assert any(f.startswith(f"{path}:7: quy tắc 1: biểu thức chính quy sai") for f in found)
    with pytest.raises(KnowledgeError, match=r"lexicon\.yaml:5: khóa không hợp lệ"):
        load_knowledge(profile, folder)
    assert normalize("ubx") == "ubx"  # nothing of a broken file is in force


def test_kb_check_prints_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = commune(tmp_path, "abbreviations: [ubx, uy ban xa]\n")
    monkeypatch.delenv("COMMUNE_PROFILE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(folder))
    assert cli_knowledge.main(["kb", "check", "--today", "2026-12-02"]) == 1
    out = capsys.readouterr().out
    assert "lexicon.yaml:1: 'abbreviations' cần một bảng từ viết tắt → nghĩa" in out
    (folder / "lexicon.yaml").write_text("abbreviations:\n  ubx: [\n", encoding="utf-8")
    assert cli_knowledge.main(["kb", "check", "--today", "2026-12-02"]) == 1
    assert "lexicon.yaml:3: YAML không hợp lệ" in capsys.readouterr().out
