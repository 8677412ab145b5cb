"""``kb check``, ``kb gaps`` and ``kb export`` cover the entries saved on the dashboard; the
stored entries merge over the files like a KNOWLEDGE_DIR override; a profile's hand-off hours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import load_knowledge, load_profile
from knowledge.profile_check import check_profile
from knowledge.stored_entries import StoredEntry, merge_stored
from storage import kb_entries, unanswered
from tests.knowledge.test_cli import run_cli

TODAY = dt.date(2026, 11, 16)
NEW = {
    "topic": "one-stop-office",
    "title": "Mượn loa của xã",
    "question": "Xã có cho mượn loa đài không?",
    "phrasings": ["xa co cho muon loa khong", "muon loa dai cua xa"],
    "answer": "Hỏi {office_name}: xã cho mượn loa khi có việc chung của thôn.\n"
    "Bước tiếp theo: gọi {office_phone}.",
    "source": "Quy chế của UBND xã",
    "reviewed": "2026-11-16",
}


def test_stored_entries_merge_over_the_files() -> None:
    profile = load_profile()
    base = load_knowledge(profile)
    stored = [
        StoredEntry("muon-loa", NEW),
        StoredEntry("can-cuoc-card", {"answer": "Bản của xã.\nBước tiếp theo: gọi {hotline}."}),
        StoredEntry("passport", {}, disabled=True),
        StoredEntry("loi-chu-de", {**NEW, "topic": "khong-co"}),
    ]
    kb, issues = merge_stored(base, stored, TODAY)
    assert kb.get("muon-loa").title == "Mượn loa của xã"
    override = kb.get("can-cuoc-card")
    assert override.answer.startswith("Bản của xã")
    assert override.phrasings == base.get("can-cuoc-card").phrasings  # the rest is inherited
    assert kb.get("passport") is None and base.get("passport") is not None
    assert kb.get("loi-chu-de") is None  # left out, and said why
    assert [(i.path, i.field) for i in issues if i.level == "error"] == [
        ("db:kb/loi-chu-de", "topic")
    ]
    assert len(base) == len(load_knowledge(profile))  # the files' base is untouched


async def test_kb_check_gaps_and_export_read_the_database(
    runtime: Any, db_url: str, tmp_path: Path
) -> None:
    async with runtime.db.write() as session:
        for entry_id, fields in (
            ("muon-loa", NEW),
            ("loi-cho-dien", {**NEW, "answer": "Gọi {so_khong_co}."}),
        ):
            await kb_entries.save(
                session,
                commune_id=runtime.profile.id,
                entry_id=entry_id,
                fields=fields,
                disabled=False,
                staff_id=None,
                staff_label="test",
                now=runtime.clock(),
            )
        await kb_entries.save(
            session,
            commune_id=runtime.profile.id,
            entry_id="passport",
            fields={},
            disabled=True,
            staff_id=None,
            staff_label="test",
            now=runtime.clock(),
        )
        await unanswered.record_unanswered(
            session, runtime.profile.id, "xa co cho muon loa khong", runtime.clock()
        )
    assert await runtime.knowledge.refresh()  # as the poller does
    assert runtime.kb.get("loi-cho-dien") is None and runtime.kb.get("muon-loa") is not None
    env = {"DATABASE_URL": db_url}
    result = run_cli("kb", "check", "--today", TODAY.isoformat(), env=env)
    assert result.returncode == 1
    assert "db:kb/loi-cho-dien:1: mục 'loi-cho-dien': chỗ điền không xác định" in result.stdout
    assert "(3 mục trên trang quản lý)" in result.stderr

    result = run_cli("kb", "gaps", env=env)
    assert result.returncode == 0, result.stderr
    assert "xa co cho muon loa khong" in result.stdout
    assert "[nay đã có câu trả lời: muon-loa]" in result.stdout

    out = tmp_path / "dir" / "xa-cua-toi.yaml"
    out.parent.mkdir()
    result = run_cli("kb", "export", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [e["id"] for e in exported] == ["loi-cho-dien", "muon-loa", "passport"]
    assert exported[2] == {"id": "passport", "disabled": True}
    assert "answer: |" in out.read_text(encoding="utf-8")
    # The export is a KNOWLEDGE_DIR file: without the broken entry it loads as the database does.
    exported.pop(0)
    out.write_text(yaml.safe_dump(exported, allow_unicode=True), encoding="utf-8")
    from_files = load_knowledge(runtime.profile, out.parent)
    assert from_files.get("muon-loa").answer == runtime.kb.get("muon-loa").answer
    assert from_files.get("passport") is None


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ("handoff:\n  hours: ['25:00-26:00']\n", "không hợp lệ"),
        ("handoff:\n  hours: ['08:00-12:00', '11:00-17:00']\n", "chồng lên nhau"),
        ("handoff:\n  hours: ['17:00-08:00']\n", "kết thúc sau"),
        ("handoff:\n  gio: 1\n", "trường không hợp lệ 'gio'"),
        ("handoff:\n  remind_after_working_hours: 0\n", "lớn hơn hoặc bằng 1"),
    ],
)
def test_the_profile_hand_off_hours_are_checked(tmp_path: Path, block: str, problem: str) -> None:
    sample = Path(load_profile().source_path).read_text(encoding="utf-8")
    start = sample.index("handoff:")
    end = sample.index("\n\n", start)
    path = tmp_path / "profile.yaml"
    path.write_text(sample[:start] + block + sample[end:], encoding="utf-8")
    _, issues = check_profile(path, today=TODAY)
    assert any(problem in i.message and i.level == "error" for i in issues), issues
