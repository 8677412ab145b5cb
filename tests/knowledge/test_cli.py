"""python -m bot ask / eval / kb check / kb gaps."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli_knowledge
from storage import communes, unanswered
from storage import db as storage_db

from .conftest import DEV_SET, REPO

CLEAN_ENV = ("COMMUNE_PROFILE", "KNOWLEDGE_DIR", "DATABASE_URL")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env=base,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in CLEAN_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read


def test_ask_json_matches_the_contract() -> None:
    result = run_cli("ask", "--json", "cho em hỏi mất cccd làm lại ở đâu ạ")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"intent", "topic", "score", "answer", "suggestions"} <= data.keys()
    assert data["intent"] == "faq" and data["topic"] == "can-cuoc-card"
    assert 0 < data["score"] <= 1 and isinstance(data["suggestions"], list)


def test_ask_batch_one_object_per_line_in_order(tmp_path: Path) -> None:
    lines = [
        "xin chào",
        "quen mat khau vneid",
        "",
        "đèn đường thôn 3 hỏng, đề nghị xã sửa",
        "giá vàng hôm nay",
        "😀",
        "a" * 5000,
    ]
    batch = tmp_path / "batch.txt"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("ask", "--json", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    objects = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["intent"] for o in objects] == [
        "greeting",
        "faq",
        "fallback",
        "petition",
        "fallback",
        "fallback",
        "fallback",
    ]
    assert objects[1]["topic"] == "vneid-login-problem"


def test_ask_plain_prints_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_knowledge.main(["ask", "giờ", "làm", "việc", "bộ", "phận", "một", "cửa"]) == 0
    out = capsys.readouterr().out
    assert "0123 456 700" in out and "Bước tiếp theo" in out


def test_ask_without_text_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_knowledge.main(["ask"]) == 2
    assert "Cần nội dung" in capsys.readouterr().err


def test_eval_prints_classes_overall_and_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "set.tsv"
    data.write_text(
        "# comment\n"
        "vneid-login-problem\tquen mat khau vneid\n"
        "passport\tquen mat khau vneid\n"  # a deliberate miss
        "@greeting\txin chào\n"
        "@fallback|bot-help\tgiá vàng hôm nay\n",
        encoding="utf-8",
    )
    assert cli_knowledge.main(["eval", str(data)]) == 0
    out = capsys.readouterr().out
    assert "vneid-login-problem" in out and "@greeting" in out
    assert "Tổng: 3/4 = 75.0%" in out
    assert "✗ passport → vneid-login-problem" in out


def test_eval_dev_set_meets_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_knowledge.main(["eval", "--json", str(DEV_SET)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["overall"] >= 0.95
    assert min(c["accuracy"] for c in result["classes"].values()) >= 0.85


def test_kb_check_clean_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_knowledge.main(["kb", "check", "--today", "2026-12-02"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 lỗi" in captured.err


def test_kb_check_reports_errors_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "- id: moi\n  topic: khong-co-chu-de\n  title: T\n  question: Q\n"
        "  answer: Gọi {khong_ro}.\n  mau: x\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("KNOWLEDGE_DIR", str(folder))
    assert cli_knowledge.main(["kb", "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(
        line.endswith(
            "trường không hợp lệ 'mau' (dùng: answer, disabled, id, keywords, "
            "links, phrasings, question, reviewed, source, title, topic)"
        )
        and ":6: " in line
        for line in lines
    )
    assert any("khong-co-chu-de" in line and ":1: " in line for line in lines)
    assert all(":" in line.split(" ")[0] for line in lines)


def test_kb_check_profile_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("id: x\nname: xã X\n", encoding="utf-8")
    monkeypatch.setenv("COMMUNE_PROFILE", str(profile))
    assert cli_knowledge.main(["kb", "check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("profile.yaml:1: ") and "office" in out  # relative to the cwd


def test_invalid_knowledge_dir_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "bad.yaml").write_text("- id: [\n", encoding="utf-8")
    result = run_cli("ask", "xin chào", env={"KNOWLEDGE_DIR": str(folder)})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.yaml" in result.stderr


async def test_kb_gaps_lists_the_most_frequent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gaps.db'}"
    db = storage_db.Database(url)
    await db.upgrade()
    now = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    async with db.write() as session:
        await communes.ensure_commune(session, "tan-phu-an", "xã Tân Phú An")
        for text in ["gia lua hom nay", "lich cat dien", "lich cat dien", "lich cat dien"]:
            await unanswered.record_unanswered(session, "tan-phu-an", text, now)
    await db.dispose()
    result = run_cli("kb", "gaps", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    lines = [
        line for line in result.stdout.splitlines() if "lich cat dien" in line or "gia lua" in line
    ]
    assert "lich cat dien" in lines[0] and lines[0].split()[0] == "3"
    assert "gia lua hom nay" in lines[1]


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_ask_with_empty_text_refuses(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_knowledge.main(["ask", text]) == 2
    captured = capsys.readouterr()
    assert "Cần nội dung câu hỏi" in captured.err and captured.out == ""


def test_ask_batch_with_a_missing_file_refuses_before_loading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_loading(_settings: object) -> None:
        raise AssertionError("loaded the knowledge base before checking the file")

    monkeypatch.setattr(cli_knowledge, "_content", no_loading)
    missing = tmp_path / "khong-co.txt"
    assert cli_knowledge.main(["ask", "--batch", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"Không đọc được tệp '{missing}'" in err and len(err.strip().splitlines()) == 1
