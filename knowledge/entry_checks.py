"""The checks ``kb check`` runs on loaded entries: topic known, placeholders known, answer length,
review date, source, phrasings — one function for the files and for the database's entries.
"""

from __future__ import annotations

import datetime as dt

from knowledge.entries import (
    AIM_ANSWER_CHARS,
    MAX_ANSWER_CHARS,
    REVIEW_MONTHS,
    TOPICS_FILE_NAME,
    Entry,
)
from knowledge.profile import CommuneProfile
from knowledge.render import context, known_placeholders, placeholders_in, render
from knowledge.yamlio import Issue


def check_entries(
    entries: dict[str, Entry],
    topics: dict[str, str],
    profile: CommuneProfile,
    today: dt.date,
    issues: list[Issue],
) -> None:
    names = known_placeholders(profile)
    values = context(profile, today)
    review_limit = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 1, day=28)
    )
    for entry in entries.values():
        src, line = entry.path, entry.line
        if entry.topic not in topics:
            issues.append(
                Issue(
                    src,
                    line,
                    "error",
                    f"chủ đề '{entry.topic}' không có trong danh sách chủ đề "
                    f"(khai báo trong {TOPICS_FILE_NAME} mục extra_topics)",
                    "topic",
                )
            )
        for name in placeholders_in(entry.answer):
            if name not in names:
                issues.append(
                    Issue(
                        src,
                        line,
                        "error",
                        f"mục '{entry.id}': chỗ điền không xác định '{{{name}}}'",
                        "answer",
                    )
                )
        rendered = render(entry.answer, values).strip()
        if len(rendered) > MAX_ANSWER_CHARS:
            issues.append(
                Issue(
                    src,
                    line,
                    "error",
                    f"mục '{entry.id}': câu trả lời dài {len(rendered)} ký tự, "
                    f"vượt giới hạn {MAX_ANSWER_CHARS}",
                    "answer",
                )
            )
        elif len(rendered) > AIM_ANSWER_CHARS:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}': câu trả lời dài {len(rendered)} ký tự, "
                    f"nên dưới {AIM_ANSWER_CHARS} để dễ đọc trên điện thoại",
                    "answer",
                )
            )
        if entry.reviewed is None:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}' chưa có ngày rà soát 'reviewed'",
                    "reviewed",
                )
            )
        elif entry.reviewed < review_limit:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}' rà soát lần cuối {entry.reviewed:%d/%m/%Y}, "
                    f"đã quá {REVIEW_MONTHS} tháng: cần kiểm tra lại",
                    "reviewed",
                )
            )
        elif entry.reviewed > today:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}' có ngày rà soát ở tương lai",
                    "reviewed",
                )
            )
        if not entry.source:
            issues.append(
                Issue(src, line, "warning", f"mục '{entry.id}' chưa ghi nguồn 'source'", "source")
            )
        if not entry.phrasings:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}' chưa có cách hỏi khác 'phrasings'",
                    "phrasings",
                )
            )
