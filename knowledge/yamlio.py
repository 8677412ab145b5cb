"""YAML loading that remembers line numbers, and the ``file:line: message`` issue type.

``kb check`` must point staff at the exact line to fix, so every mapping loaded here is a
``LineDict``: a plain dict that also knows the line it starts on and the line of each key.
Duplicate keys inside one mapping (which PyYAML silently collapses) are recorded too.
libyaml's C parser is used when available: it keeps loading 1,000 entries well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = ["Issue", "LineDict", "YamlLoadError", "line_of", "load_yaml"]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Issue:
    """One problem found in a data file."""

    path: str
    line: int
    level: Literal["error", "warning"]
    message: str
    # The entry field the problem is about ("topic", "answer"…), for the editor's per-field
    # messages; empty when it is about the file or the entry as a whole.
    field: str = ""

    def __str__(self) -> str:
        prefix = "" if self.level == "error" else "cảnh báo: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class LineDict(dict):
    """A dict from YAML that remembers where it and each of its keys came from."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicate_keys: list[tuple[Any, int]]

    def key_line(self, key: Any) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


_CParser = getattr(yaml, "CParser", None)


if _CParser is not None:

    class _PlainLineLoader(  # type: ignore[misc, valid-type]
        _CParser, yaml.constructor.SafeConstructor, yaml.resolver.BaseResolver
    ):
        """Every scalar stays a string (no implicit dates, numbers, booleans): 3x faster."""

        def __init__(self, stream: Any) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml

    class _PlainLineLoader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        yaml.constructor.SafeConstructor,
        yaml.resolver.BaseResolver,
    ):
        def __init__(self, stream: Any) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicate_keys = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicate_keys.append((key, line))
        result.key_lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_PlainLineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class YamlLoadError(ValueError):
    """The file cannot be read or is not valid YAML; ``line`` is 1-based (0 if unknown)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def load_yaml(path: str | Path, plain: bool = False) -> Any:
    """Parse one YAML file into plain data whose mappings are ``LineDict``s.

    ``plain=True`` keeps every scalar a string (``2026-01-15`` stays text, ``true`` stays text):
    the knowledge-base files hold only text, and skipping implicit typing loads them faster.
    """
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as err:
        raise YamlLoadError(str(target), 0, f"không đọc được tệp ({err.strerror})") from err
    except UnicodeDecodeError as err:
        raise YamlLoadError(str(target), 0, "tệp không phải UTF-8") from err
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        problem = err.problem or err.context or "lỗi cú pháp"
        raise YamlLoadError(str(target), line, f"YAML không hợp lệ: {problem}") from err
    except yaml.YAMLError as err:
        raise YamlLoadError(str(target), 0, f"YAML không hợp lệ: {err}") from err


def line_of(obj: Any, key: Any = None) -> int:
    """The line of a LineDict (or of one of its keys); 0 for anything else."""
    if isinstance(obj, LineDict):
        return obj.key_line(key) if key is not None else obj.line
    return 0
