"""Project hygiene that CI enforces: the layering of DESIGN.md and a clean ruff check."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package -> top-level modules it must not import (shared/DESIGN.md: bot -> handlers -> knowledge,
# storage; only bot/ knows about telegram and aiohttp).
FORBIDDEN = {
    "knowledge": {"bot", "handlers", "storage", "telegram", "aiohttp", "sqlalchemy"},
    "storage": {"bot", "handlers", "knowledge", "telegram", "aiohttp"},
    "handlers": {"bot", "telegram", "aiohttp"},
}


def test_imports_follow_the_one_direction() -> None:
    problems = []
    for package, banned in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module.split(".")[0]]
                problems += [
                    f"{path.relative_to(ROOT)}:{node.lineno}: imports {name}"
                    for name in names
                    if name in banned
                ]
    assert problems == []


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [ruff, "check", "--quiet", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
