"""kb check: each class of error is reported as file:line: message; overrides work."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from knowledge import KnowledgeError, Matcher, ProfileError, load_knowledge, load_profile
from knowledge.kb_loader import check_knowledge
from knowledge.profile import BUNDLED_PROFILE, CommuneProfile
from knowledge.profile_check import check_profile

TODAY = dt.date(2026, 11, 21)

GOOD = """\
- id: xa-rac-thai
  topic: {topic}
  title: Lịch thu gom rác
  question: Lịch thu gom rác của xã?
  phrasings: [lich thu gom rac, xe rac may gio den]
  keywords: [rác]
  answer: |
    Xe thu gom rác đi qua các thôn sáng thứ Hai và thứ Năm. Gọi {{hotline}} nếu xe không đến.
    Bước tiếp theo: để rác đúng giờ.
  source: Thông báo của xã
  reviewed: 2026-10-01
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(issues: list) -> list[str]:
    return [str(i) for i in issues if i.level == "error"]


def warnings(issues: list) -> list[str]:
    return [str(i) for i in issues if i.level == "warning"]


def test_valid_extra_entry_with_declared_topic(tmp_path: Path, profile: CommuneProfile) -> None:
    write(tmp_path, "topics.yaml", "extra_topics:\n  - {id: rac-thai, title: Rác thải}\n")
    write(tmp_path, "rac.yaml", GOOD.format(topic="rac-thai"))
    assert errors(check_knowledge(profile, tmp_path, TODAY)) == []
    kb = load_knowledge(profile, tmp_path)
    assert "Gọi 0123 456 789" in kb.render(kb.get("xa-rac-thai"))  # type: ignore[arg-type]
    m = Matcher(kb).match("xe rac may gio den thon")
    assert m.intent == "faq" and m.topic == "rac-thai"


def test_unknown_topic(tmp_path: Path, profile: CommuneProfile) -> None:
    path = write(tmp_path, "rac.yaml", GOOD.format(topic="rac-thai"))
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert len(found) == 1
    assert found[0].startswith(f"{path}:1: ") and "chủ đề 'rac-thai'" in found[0]


def test_unknown_field(tmp_path: Path, profile: CommuneProfile) -> None:
    text = GOOD.format(topic="bot-help").replace("  source:", "  anwser: lỗi chính tả\n  source:")
    path = write(tmp_path, "a.yaml", text)
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert found == [
        f"{path}:10: trường không hợp lệ 'anwser' (dùng: answer, disabled, id, "
        "keywords, links, phrasings, question, reviewed, source, title, topic)"
    ]


def test_unknown_placeholder(tmp_path: Path, profile: CommuneProfile) -> None:
    text = GOOD.format(topic="bot-help").replace("{hotline}", "{so_dien_thoai}")
    path = write(tmp_path, "a.yaml", text)
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert len(found) == 1 and found[0].startswith(f"{path}:1: ")
    assert "{so_dien_thoai}" in found[0]


def test_duplicate_id_within_one_source(tmp_path: Path, profile: CommuneProfile) -> None:
    one = GOOD.format(topic="bot-help")
    path = write(tmp_path, "a.yaml", one + "\n" + one)
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert len(found) == 1
    assert found[0].startswith(f"{path}:13: mã mục 'xa-rac-thai' bị trùng")


def test_duplicate_id_across_files_of_the_commune(tmp_path: Path, profile: CommuneProfile) -> None:
    write(tmp_path, "a.yaml", GOOD.format(topic="bot-help"))
    path = write(tmp_path, "b.yaml", GOOD.format(topic="bot-help"))
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert len(found) == 1 and found[0].startswith(f"{path}:1: ")


def test_answer_too_long(tmp_path: Path, profile: CommuneProfile) -> None:
    long_answer = "Nội dung rất dài. " * 130
    text = GOOD.format(topic="bot-help").replace(
        "    Bước tiếp theo: để rác đúng giờ.", f"    {long_answer}"
    )
    path = write(tmp_path, "a.yaml", text)
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert len(found) == 1 and found[0].startswith(f"{path}:1: ")
    assert "vượt giới hạn 2000" in found[0]


def test_missing_required_field_and_bad_types(tmp_path: Path, profile: CommuneProfile) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        """\
        - id: thieu-truong
          topic: bot-help
          title: Thiếu câu trả lời
          question: Hỏi gì?
          phrasings: một chuỗi thay vì danh sách
        - id: Sai Ma
          topic: bot-help
          title: x
          question: y
          answer: z
          links: [{text: Trang, url: "ftp://x"}]
          reviewed: hôm qua
        """,
    )
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert f"{path}:1: thiếu trường bắt buộc 'answer'" in found
    assert any(f.startswith(f"{path}:6: ") and "mã mục 'Sai Ma'" in f for f in found)
    assert any(f.startswith(f"{path}:11: ") and "ftp://x" in f for f in found)
    assert any(f.startswith(f"{path}:12: ") and "reviewed" in f for f in found)


def test_invalid_yaml_reports_the_line(tmp_path: Path, profile: CommuneProfile) -> None:
    path = write(tmp_path, "a.yaml", "- id: a\n  topic: [bot-help\n  title: x\n")
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert len(found) == 1 and found[0].startswith(f"{path}:") and "YAML không hợp lệ" in found[0]
    line = int(found[0].split(":")[1])
    assert line in (2, 3, 4)


def test_not_a_list(tmp_path: Path, profile: CommuneProfile) -> None:
    path = write(tmp_path, "a.yaml", "id: a\ntopic: bot-help\n")
    found = errors(check_knowledge(profile, tmp_path, TODAY))
    assert found and found[0].startswith(f"{path}:1: ")


def test_old_review_is_a_warning_not_an_error(tmp_path: Path, profile: CommuneProfile) -> None:
    text = GOOD.format(topic="bot-help").replace("2026-10-01", "2025-06-30")
    path = write(tmp_path, "a.yaml", text)
    issues = check_knowledge(profile, tmp_path, TODAY)
    assert errors(issues) == []
    assert any(w.startswith(f"{path}:1: cảnh báo: ") and "12 tháng" in w for w in warnings(issues))
    load_knowledge(profile, tmp_path)  # warnings do not stop loading


def test_bundled_entries_past_review_date_warn(profile: CommuneProfile) -> None:
    issues = check_knowledge(profile, None, dt.date(2028, 1, 1))
    assert errors(issues) == []
    assert len([w for w in warnings(issues) if "rà soát lần cuối" in w]) >= 45


def test_override_replaces_a_bundled_entry(tmp_path: Path, profile: CommuneProfile) -> None:
    write(
        tmp_path,
        "override.yaml",
        """\
        - id: one-stop-office
          topic: one-stop-office
          title: Bộ phận một cửa (đã chuyển trụ sở)
          question: Bộ phận một cửa ở đâu?
          phrasings: [mot cua o dau, gio lam viec mot cua]
          answer: |
            Từ tháng 12, bộ phận một cửa chuyển về nhà văn hóa thôn 2. Gọi {office_phone}.
            Bước tiếp theo: mang giấy tờ gốc.
          source: Thông báo của xã
          reviewed: 2026-11-01
        """,
    )
    assert errors(check_knowledge(profile, tmp_path, TODAY)) == []  # not a duplicate
    kb = load_knowledge(profile, tmp_path)
    entry = kb.get("one-stop-office")
    assert entry is not None and entry.title.endswith("(đã chuyển trụ sở)")
    assert len(kb.entries) == len(load_knowledge(profile).entries)
    m = Matcher(kb).match("mot cua xa o dau vay")
    assert m.entry_id == "one-stop-office" and "nhà văn hóa thôn 2" in m.answer


def test_override_inherits_the_fields_it_leaves_out(
    tmp_path: Path, profile: CommuneProfile
) -> None:
    write(
        tmp_path,
        "o.yaml",
        """\
        - id: commune-website
          answer: |
            Xem thông báo ở bảng tin nhà văn hóa các thôn và trang {website}.
            Bước tiếp theo: mở {website}.
          reviewed: 2026-11-20
        """,
    )
    assert errors(check_knowledge(profile, tmp_path, TODAY)) == []
    kb = load_knowledge(profile, tmp_path)
    entry, bundled = kb.get("commune-website"), load_knowledge(profile).get("commune-website")
    assert entry is not None and bundled is not None
    assert entry.phrasings == bundled.phrasings and entry.title == bundled.title
    assert entry.answer.startswith("Xem thông báo ở bảng tin") and entry.path.endswith("o.yaml")
    assert Matcher(kb).match("website cua xa o dau").entry_id == "commune-website"


def test_disabled_removes_a_bundled_entry(tmp_path: Path, profile: CommuneProfile) -> None:
    write(tmp_path, "off.yaml", "- {id: ecommerce-ocop, disabled: true}\n")
    kb = load_knowledge(profile, tmp_path)
    assert kb.get("ecommerce-ocop") is None
    issues = check_knowledge(profile, tmp_path, TODAY)
    assert any("ecommerce-ocop" in w for w in warnings(issues))  # topic left without an entry


def test_load_knowledge_raises_one_readable_line(tmp_path: Path, profile: CommuneProfile) -> None:
    path = write(tmp_path, "a.yaml", GOOD.format(topic="khong-co"))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(profile, tmp_path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}:1: ")


def test_missing_knowledge_dir(tmp_path: Path, profile: CommuneProfile) -> None:
    with pytest.raises(KnowledgeError):
        load_knowledge(profile, tmp_path / "khong-ton-tai")


# ------------------------------------------------------------------------------- profile


def profile_text() -> str:
    return BUNDLED_PROFILE.read_text(encoding="utf-8")


def test_profile_unknown_field_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", profile_text().replace("hotline:", "hotlne: 1\nhotline:", 1))
    _, issues = check_profile(path, today=TODAY)
    found = errors(issues)
    assert len(found) == 1 and "'hotlne'" in found[0]
    line = int(found[0].split(":")[1])
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith("hotlne:")


def test_profile_structural_error_has_a_line(tmp_path: Path) -> None:
    text = profile_text().replace("committee: kt-ns}", "committee: kt-xx}", 1)
    path = write(tmp_path, "p.yaml", text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    where, _, message = str(info.value).partition(": ")
    line = int(where.rsplit(":", 1)[1])
    assert "kt-xx" in message and "kt-xx" in text.splitlines()[line - 1]
    _, issues = check_profile(path, today=TODAY)
    assert len(errors(issues)) == 1 and f":{line}: " in errors(issues)[0]


def test_profile_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", profile_text().replace("hotline: 0123 456 789\n", "", 1))
    with pytest.raises(ProfileError, match="thiếu trường bắt buộc 'hotline'"):
        load_profile(path)


def test_profile_unknown_village_in_schedule(tmp_path: Path) -> None:
    text = profile_text().replace("villages: [thon-3, thon-4]", "villages: [thon-3, thon-99]", 1)
    path = write(tmp_path, "p.yaml", text)
    _, issues = check_profile(path, today=TODAY)
    assert any("thon-99" in e for e in errors(issues))


def test_profile_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ProfileError):
        load_profile(tmp_path / "nope.yaml")
    write(tmp_path, "bad.yaml", "id: [x\n")
    with pytest.raises(ProfileError, match="YAML không hợp lệ"):
        load_profile(tmp_path / "bad.yaml")


def test_profile_keeps_its_public_interface(profile: CommuneProfile) -> None:
    assert profile.id == "tan-phu-an" and profile.name == "xã Tân Phú An"
    assert profile.village("thon-1") is not None and profile.village("x") is None
    assert profile.committee("kt-ns") is not None
    assert profile.category("giao-thong") is not None
    assert profile.category("giao-thong").committee == "kt-ns"  # type: ignore[union-attr]
    assert profile.petitions.due_working_days == 15
    assert dt.date(2026, 9, 2) in profile.petitions.holidays
    assert profile.office.phone.startswith("0123")
