"""The fitted models kept between processes: where, when they are trusted, and what a process
that finds them skips (importing scikit-learn and training)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import training

ROOT = Path(__file__).resolve().parents[2]


def test_the_cache_lives_in_the_users_cache_folder_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(training.DISK_CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert training.cache_folder() == tmp_path / "xdg" / "xabot" / "matcher"
    monkeypatch.setenv(training.DISK_CACHE_VARIABLE, str(tmp_path / "own"))
    assert training.cache_folder() == tmp_path / "own"
    for off in ("off", "OFF", "", "  "):
        monkeypatch.setenv(training.DISK_CACHE_VARIABLE, off)
        assert training.cache_folder() is None


def test_models_are_not_kept_when_the_cache_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content
) -> None:
    monkeypatch.setenv(training.DISK_CACHE_VARIABLE, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    training.clear_cache()
    training.build_models(content.kb)
    assert not list(tmp_path.rglob("*.pickle"))


def test_a_folder_others_may_write_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content
) -> None:
    folder = tmp_path / "models"
    monkeypatch.setenv(training.DISK_CACHE_VARIABLE, str(folder))
    training.clear_cache()
    training.build_models(content.kb)
    assert len(list(folder.glob("models-*.pickle"))) == 1
    folder.chmod(0o777)  # anyone could now have swapped the pickle for code of their own
    trained: list[int] = []
    real_fit = training._fit

    def counting_fit(*args: object) -> training.ModelBundle:
        trained.append(1)
        return real_fit(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(training, "_fit", counting_fit)
    training.clear_cache()
    training.build_models(content.kb)
    assert trained == [1]
    folder.chmod(0o700)
    (pickled,) = folder.glob("models-*.pickle")
    pickled.chmod(0o666)
    training.clear_cache()
    training.build_models(content.kb)
    assert trained == [1, 1]
    pickled.chmod(0o600)
    training.clear_cache()
    training.build_models(content.kb)
    assert trained == [1, 1]  # private again: loaded, not trained


def test_a_process_that_finds_its_models_does_not_import_scikit_learn(tmp_path: Path) -> None:
    code = (
        "import sys; from bot.config import load_settings; from bot.runtime import load_content;"
        "c = load_content(load_settings(env={}, dotenv=None));"
        "print(c.matcher.match('quen mat khau vneid').topic, 'sklearn' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XABOT_")}
    env["XDG_CACHE_HOME"] = str(tmp_path)

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    assert run() == "vneid-login-problem True"  # the first process trains
    assert list((tmp_path / "xabot" / "matcher").glob("models-*.pickle"))
    assert run() == "vneid-login-problem False"
