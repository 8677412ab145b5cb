"""Loading and checking the message files: the bundled ones, then a commune's overrides.

A commune changes a message by key, without code: ``KNOWLEDGE_DIR/messages/<file>.yaml`` with the
keys to replace (see README.md in this folder). A file without a declared set, a duplicate key, a
key the code does not use, a key the code uses but the bundled file lacks, a text that is not a
string and a placeholder that is neither a field of that message nor one of the commune profile
are errors — at start (the bot does not start) and in ``python -m bot kb check``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from handlers.texts.catalog import MessageSet, Spec, Template, TemplateMap, Texts, Values
from knowledge.profile import CommuneProfile
from knowledge.render import known_placeholders, placeholders_in
from knowledge.yamlio import Issue, YamlLoadError, line_of, load_yaml

BUNDLED_DIR = Path(__file__).parent
OVERRIDE_FOLDER = "messages"  # KNOWLEDGE_DIR/messages/*.yaml

Raw = dict[str, Any]


class TextsError(ValueError):
    """The messages cannot be loaded; the message is one ``file:line: message`` line."""


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    found = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    return {p.stem: p for p in sorted(found)}


def _read(path: Path, issues: list[Issue]) -> Mapping[str, Any] | None:
    try:
        data = load_yaml(path)
    except YamlLoadError as err:
        issues.append(Issue(err.path, err.line, "error", err.message))
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        issues.append(
            Issue(str(path), 1, "error", "tệp tin nhắn phải là các cặp 'khóa: nội dung'")
        )
        return None
    for key, line in getattr(data, "duplicate_keys", []):
        issues.append(Issue(str(path), line, "error", f"khóa '{key}' bị trùng"))
    return data


def _text_issues(
    text: Any, spec: Spec, allowed: set[str], src: str, line: int, key: str
) -> list[Issue]:
    if not isinstance(text, str):
        return [Issue(src, line, "error", f"'{key}' phải là một đoạn chữ")]
    names = spec.fields | allowed
    return [
        Issue(
            src,
            line,
            "error",
            f"'{key}' dùng chỗ trống không có {{{name}}} "
            f"(dùng được: {', '.join(sorted(spec.fields)) or 'không có trường riêng'} "
            "và các chỗ trống của hồ sơ xã)",
        )
        for name in placeholders_in(text)
        if name not in names
    ]


def _merge(
    cls: type[MessageSet],
    data: Mapping[str, Any],
    src: str,
    allowed: set[str],
    base: Raw | None,
    issues: list[Issue],
) -> Raw:
    """The set's raw texts after this file (``base`` = the bundled texts for an override)."""
    out: Raw = dict(base or {})
    for key, value in data.items():
        line = line_of(data, key)
        spec = cls.specs.get(key)
        if spec is None:
            issues.append(Issue(src, line, "error", f"khóa '{key}' không được dùng ở đâu"))
            continue
        if not spec.is_map:
            issues += _text_issues(value, spec, allowed, src, line, key)
            out[key] = value
            continue
        if not isinstance(value, dict) or not value:
            issues.append(Issue(src, line, "error", f"'{key}' phải là các cặp 'mã: nội dung'"))
            continue
        merged = dict(base.get(key, {})) if base is not None and spec.keys is not None else {}
        for item, text in value.items():
            item_line = line_of(value, item) or line
            if spec.keys is not None and str(item) not in spec.keys:
                issues.append(Issue(src, item_line, "error", f"'{key}' không có mục '{item}'"))
                continue
            issues += _text_issues(text, spec, allowed, src, item_line, f"{key}.{item}")
            merged[str(item)] = text
        out[key] = merged
    return out


def _complete(cls: type[MessageSet], raw: Raw, src: str, issues: list[Issue]) -> None:
    for key, spec in cls.specs.items():
        if key not in raw:
            issues.append(Issue(src, 1, "error", f"thiếu khóa '{key}' mà chương trình dùng"))
        elif spec.is_map and spec.keys is not None:
            missing = [k for k in spec.keys if k not in raw[key]]
            if missing:
                issues.append(Issue(src, 1, "error", f"'{key}' thiếu mục {', '.join(missing)}"))


def read_texts(
    profile: CommuneProfile | None, knowledge_dir: str | Path | None = None
) -> tuple[dict[type[MessageSet], Raw], list[Issue]]:
    """Every set's texts (bundled, then overridden) and every problem found on the way."""
    import handlers.texts  # noqa: F401  (declares every set of this folder)

    issues: list[Issue] = []
    allowed = known_placeholders(profile)
    declared = MessageSet.declared()
    bundled = _files(BUNDLED_DIR)
    folder = Path(knowledge_dir).expanduser() / OVERRIDE_FOLDER if knowledge_dir else None
    overrides = _files(folder) if folder is not None else {}
    for name, path in [*bundled.items(), *overrides.items()]:
        if name not in declared:
            issues.append(Issue(str(path), 1, "error", f"không có nhóm tin nhắn '{name}'"))
    sets: dict[type[MessageSet], Raw] = {}
    for name, cls in declared.items():
        path = bundled.get(name)
        if path is None:
            issues.append(Issue(str(BUNDLED_DIR / f"{name}.yaml"), 0, "error", "thiếu tệp"))
            continue
        data = _read(path, issues)
        raw = _merge(cls, data or {}, str(path), allowed, None, issues)
        _complete(cls, raw, str(path), issues)
        if name in overrides:
            extra = _read(overrides[name], issues)
            if extra:
                raw = _merge(cls, extra, str(overrides[name]), allowed, raw, issues)
        sets[cls] = raw
    return sets, issues


def check_texts(
    profile: CommuneProfile | None, knowledge_dir: str | Path | None = None
) -> list[Issue]:
    """Every problem in the bundled message files and a commune's overrides."""
    return read_texts(profile, knowledge_dir)[1]


def load_texts(
    profile: CommuneProfile, values: Values, knowledge_dir: str | Path | None = None
) -> Texts:
    """The catalog, or TextsError naming the first problem."""
    sets, issues = read_texts(profile, knowledge_dir)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise TextsError(str(errors[0]))
    built: dict[type[MessageSet], MessageSet] = {}
    for cls, raw in sets.items():
        items: dict[str, Template | TemplateMap] = {}
        for key, spec in cls.specs.items():
            if spec.is_map:
                entries = {
                    k: Template(f"{key}.{k}", v, spec.fields, values) for k, v in raw[key].items()
                }
                items[key] = TemplateMap(key, entries)
            else:
                items[key] = Template(key, raw[key], spec.fields, values)
        built[cls] = cls(items)
    return Texts(built)
