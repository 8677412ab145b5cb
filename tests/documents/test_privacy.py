"""No citizen's name or phone number can reach a session document.

The petitions below carry names and phones the way the database does; the documents are built
the only way the model allows (summary, villages, lượt, answers), then every XML part of every
generated file is searched for them.
"""

from __future__ import annotations

import datetime as dt

from bot.documents import render_appendix, render_compilation, render_results
from bot.documents.formatting import PHONE_MASK
from handlers.council.documents import (
    Appendix,
    AppendixRow,
    AppendixSection,
    CommitteeSection,
    CompiledItem,
    FieldSection,
    Resolution,
    ResultItem,
    ResultSection,
    SpotAnswer,
)
from tests.documents.models import SESSION, empty_compilation, header, results_report
from tests.documents.reading import all_xml_text

PETITIONS = [
    {
        "name": "Nguyễn Thị Bảo Mật",
        "phone": "0987654321",
        "content": "Tôi là Nguyễn Thị Bảo Mật, số 0987654321, đường nhà tôi ngập nước",
        "summary": "Đề nghị khơi thông cống thoát nước tuyến đường Thôn 2.",
        "village": "Thôn 2",
    },
    {
        "name": "Phạm Văn Riêng Tư",
        "phone": "0976 111 222",
        "content": "Phạm Văn Riêng Tư (0976 111 222) hỏi về trợ cấp",
        # staff typed the number into the summary by mistake: the renderer masks it
        "summary": "Hỏi chế độ trợ cấp người cao tuổi; gọi lại 0976 111 222.",
        "village": "Thôn 4",
    },
]
SECRETS = ["Nguyễn Thị Bảo Mật", "Phạm Văn Riêng Tư", "0987654321", "0976 111 222", "0976111222"]


def _documents() -> list[bytes]:
    items = tuple(CompiledItem(p["summary"], (p["village"],)) for p in PETITIONS)
    compilation = empty_compilation(
        sections=(CommitteeSection("Ban Văn hóa - Xã hội", (FieldSection("Chính sách", items),)),),
        answered_on_spot=(
            SpotAnswer(
                PETITIONS[1]["summary"],
                "Công chức Lao động",
                "Chi trả ngày 05/12.",
                (PETITIONS[1]["village"],),
            ),
        ),
    )
    appendix = Appendix(
        header(symbol="HĐND"),
        SESSION,
        (
            AppendixSection(
                "Ban Văn hóa - Xã hội",
                tuple(
                    AppendixRow(p["summary"], "UBND xã", (p["village"],), 1, dt.date(2027, 1, 5))
                    for p in PETITIONS
                ),
            ),
        ),
    )
    results = results_report(
        (
            ResultSection(
                "Ban Văn hóa - Xã hội",
                tuple(
                    ResultItem(
                        p["summary"],
                        "UBND xã",
                        "Đã trả lời trực tiếp.",
                        Resolution.RESOLVED,
                        (p["village"],),
                    )
                    for p in PETITIONS
                ),
            ),
        )
    )
    return [render_compilation(compilation), render_appendix(appendix), render_results(results)]


def test_no_name_or_phone_appears_in_any_part_of_any_document():
    for data in _documents():
        xml = all_xml_text(data)
        for secret in SECRETS:
            assert secret not in xml
        assert PHONE_MASK in xml  # the number typed into a summary was replaced, visibly
        assert "Đề nghị khơi thông cống thoát nước tuyến đường Thôn 2" in xml
