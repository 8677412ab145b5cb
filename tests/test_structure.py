"""The shapes other work builds on refuse mistakes loudly: messages, registries, flows, buttons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pytest

from handlers import build_registry
from handlers.context import Context
from handlers.flow import Flow, FlowDraft
from handlers.payloads import DuplicatePrefix, Payload, decode
from handlers.registry import DuplicateRegistration
from handlers.texts.chat import ChatTexts
from handlers.texts.loader import TextsError, check_texts, load_texts
from handlers.workflow.buttons import Rating
from knowledge import load_knowledge, load_profile

PROFILE = load_profile()
KB = load_knowledge(PROFILE)


def _messages(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "messages"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_commune_overrides_a_message_by_key(tmp_path: Path) -> None:
    folder = _messages(tmp_path, "chat.yaml", "menu_short: Xin chào từ {commune}!\n")
    assert check_texts(PROFILE, folder) == []
    chat = ChatTexts.of(load_texts(PROFILE, KB.values, folder))
    assert chat.menu_short() == f"Xin chào từ {PROFILE.name}!"
    assert chat.stale_button() == ChatTexts.of(load_texts(PROFILE, KB.values)).stale_button()


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("chat.yaml", "menu_short: a\nmenu_short: b\n", "bị trùng"),
        ("chat.yaml", "menu_short: Gọi {so_dien_thoai}\n", "{so_dien_thoai}"),
        ("chat.yaml", "khong_co_khoa: x\n", "không được dùng"),
        ("khong_co.yaml", "a: b\n", "không có nhóm tin nhắn"),
        ("workflow.yaml", "status:\n  khong_co: x\n", "không có mục"),
        ("chat.yaml", "menu_short: [1, 2]\n", "phải là một đoạn chữ"),
    ],
)
def test_a_bad_override_is_an_error_at_load_and_in_kb_check(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    folder = _messages(tmp_path, name, text)
    issues = check_texts(PROFILE, folder)
    assert issues and any(problem in issue.message for issue in issues), issues
    assert all(issue.path.endswith(name) for issue in issues)
    with pytest.raises(TextsError):
        load_texts(PROFILE, KB.values, folder)


def test_a_message_refuses_a_field_it_does_not_declare() -> None:
    chat = ChatTexts.of(load_texts(PROFILE, KB.values))
    assert chat.unknown_command(command="/x").startswith('Tôi chưa hiểu lệnh "/x"')
    with pytest.raises(TypeError):
        chat.unknown_command(lenh="/x")


def test_registering_twice_raises() -> None:
    registry = build_registry()

    async def handler(ctx: Context, _args: object) -> None:
        return None

    with pytest.raises(DuplicateRegistration):
        registry.command("menu")(handler)
    with pytest.raises(DuplicateRegistration):
        registry.intent("petition")(handler)
    with pytest.raises(DuplicateRegistration):
        registry.payload(Rating)(handler)
    with pytest.raises(DuplicateRegistration):
        registry.event("follow")(handler)
    with pytest.raises(DuplicateRegistration):
        registry.add_flow(registry.flows["petition"])


def test_a_payload_prefix_has_one_class() -> None:
    with pytest.raises(DuplicatePrefix):

        @dataclass(frozen=True)
        class Another(Payload, prefix="psat"):
            code: str

    rating = decode("psat:AB3D7XYZ:yes")
    assert rating == Rating("AB3D7XYZ", "yes") and rating.encode() == "psat:AB3D7XYZ:yes"
    assert decode("nope:x") is None


class _Steps(StrEnum):
    ONE = "one"
    TWO = "two"


@dataclass
class _Draft(FlowDraft):
    value: str = ""


def test_a_flow_without_a_step_handler_fails_at_import() -> None:
    with pytest.raises(TypeError, match="on_two"):

        class Broken(Flow[_Draft]):
            name = "broken"
            Step = _Steps
            first_step = _Steps.ONE

            async def prompt_one(self, ctx: Context) -> None: ...

            async def on_one(self, ctx: Context, value: str | None) -> None: ...

            async def prompt_two(self, ctx: Context) -> None: ...

    with pytest.raises(TypeError, match="on_three"):

        class Stray(Flow[_Draft]):
            name = "stray"
            Step = _Steps
            first_step = _Steps.ONE

            async def prompt_one(self, ctx: Context) -> None: ...

            async def on_one(self, ctx: Context, value: str | None) -> None: ...

            async def prompt_two(self, ctx: Context) -> None: ...

            async def on_two(self, ctx: Context, value: str | None) -> None: ...

            async def on_three(self, ctx: Context, value: str | None) -> None: ...


def test_a_draft_keeps_only_what_differs_from_its_defaults() -> None:
    draft = _Draft.load({"value": "x", "unknown": 1})
    assert draft.value == "x" and draft.dump() == {"value": "x"}
    assert _Draft().dump() == {}
