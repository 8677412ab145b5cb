"""The document model: counts derived from the items, classes, repeated items, grouping order."""

from __future__ import annotations

import dataclasses

import pytest

from handlers.council import documents as model
from handlers.council.documents import (
    CompiledItem,
    Resolution,
    ResultSection,
    SpotAnswer,
    Tally,
    group_by,
)
from tests.documents.models import empty_compilation, result, results_report


def test_opinions_count_every_voter_before_merging_including_answered_on_spot():
    report = empty_compilation(
        sections=(
            model.CommitteeSection(
                "Ban Kinh tế - Ngân sách",
                (model.FieldSection("Giao thông", (CompiledItem("Sửa đường", ("Thôn 1",), 3),)),),
            ),
        ),
        answered_on_spot=(SpotAnswer("Hỏi lịch chi trả", "Công chức", "Ngày 5", (), 2),),
    )
    assert report.opinions == 5
    assert len(report.items) == 1
    assert not report.is_empty
    assert empty_compilation().is_empty


def test_unanswered_items_count_as_not_resolved_and_are_reported_apart():
    tally = Tally.of(
        [
            result("a", Resolution.RESOLVED),
            result("b", Resolution.IN_PROGRESS),
            result("c", None, answer=""),
            result("d", Resolution.UNRESOLVED),
        ]
    )
    assert tally.total == 4
    assert tally.by_class[Resolution.UNRESOLVED] == 2
    assert tally.by_class[Resolution.RESOLVED] == 1
    assert tally.by_class[Resolution.EXPLAINED] == 0
    assert tally.unanswered == 1


def test_repeated_means_first_raised_at_an_earlier_session_and_still_open():
    open_earlier = result("mở từ kỳ 7", Resolution.IN_PROGRESS, first=7)
    unanswered_earlier = result("chưa trả lời từ kỳ 8", None, first=8, answer="")
    resolved_earlier = result("đã xong từ kỳ 7", Resolution.RESOLVED, first=7)
    explained_earlier = result("đã giải thích", Resolution.EXPLAINED, first=6)
    this_session = result("mới", Resolution.UNRESOLVED, first=9)
    report = results_report(
        (
            ResultSection(
                "Ban Kinh tế - Ngân sách",
                (open_earlier, resolved_earlier, this_session, unanswered_earlier),
            ),
            ResultSection("Ban Văn hóa - Xã hội", (explained_earlier,)),
        )
    )
    assert report.repeated() == (open_earlier, unanswered_earlier)


def test_group_by_puts_the_profile_order_first_then_the_rest_as_first_seen():
    entries = [
        ("Ban Văn hóa - Xã hội", 1),
        ("Ban Pháp chế", 2),
        ("Ban Kinh tế - Ngân sách", 3),
        ("Ban Văn hóa - Xã hội", 4),
        ("Tổ khác", 5),
    ]
    groups = group_by(
        entries, key=lambda e: e[0], order=["Ban Kinh tế - Ngân sách", "Ban Văn hóa - Xã hội"]
    )
    assert [name for name, _ in groups] == [
        "Ban Kinh tế - Ngân sách",
        "Ban Văn hóa - Xã hội",
        "Ban Pháp chế",
        "Tổ khác",
    ]
    assert [n for _, n in groups[1][1]] == [1, 4]


@pytest.mark.parametrize(
    "build",
    [
        lambda: CompiledItem("   "),
        lambda: CompiledItem("Sửa đường", voters=0),
        lambda: model.AppendixRow("", "UBND xã"),
        lambda: model.ResultItem("Sửa đường", "UBND xã", voters=-1),
        lambda: model.SessionInfo(0, "HĐND xã", "khóa XXI"),
    ],
)
def test_impossible_values_are_refused_when_the_model_is_built(build):
    with pytest.raises(ValueError):
        build()


NAMED_BODIES = (
    model.IssuingBody,
    model.FieldSection,
    model.CommitteeSection,
    model.AppendixSection,
    model.ResultSection,
)


def test_no_item_can_carry_a_citizens_name_phone_or_address():
    """The only person in the model is the signing official (Signature.name)."""
    personal = {"name", "phone", "phones", "address", "email", "citizen", "contact", "full_name"}
    classes = [
        obj
        for obj in vars(model).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj is not model.Signature
    ]
    assert len(classes) >= 15
    for cls in classes:
        names = {f.name for f in dataclasses.fields(cls)}
        if cls in NAMED_BODIES:
            names.discard("name")  # the name of a body, a committee or a field, not of a person
        assert not names & personal, (cls.__name__, names & personal)
    assert all(f.frozen for f in [cls.__dataclass_params__ for cls in classes])
