"""What keeps the suite fast: cheap argon2 under the tests only, fitted models cached on disk,
and CLI commands that do not need the matcher not importing scikit-learn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.staff import passwords
from knowledge import training

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XABOT_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_the_suite_hashes_cheaply_and_production_does_not() -> None:
    assert passwords.hash_password_sync("một câu dài dễ nhớ").startswith("$argon2id$v=19$m=8,t=1")
    code = "from bot.staff import passwords; print(passwords.hash_password_sync('x'))"
    assert _python(code).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert _python(code, XABOT_TEST_CHEAP_ARGON2="1").startswith("$argon2id$v=19$m=8,t=1")


def test_a_production_hash_still_verifies_under_the_cheap_hasher() -> None:
    code = "from bot.staff import passwords; print(passwords.hash_password_sync('Mật khẩu 12345'))"
    strong = _python(code)
    assert passwords.verify_password_sync(strong, "Mật khẩu 12345")
    assert not passwords.verify_password_sync(strong, "Mật khẩu 12346")


def test_fitted_models_are_reused_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content
) -> None:
    monkeypatch.setenv(training.DISK_CACHE_VARIABLE, str(tmp_path / "models"))
    training.clear_cache()
    first = training.build_models(content.kb)
    files = list((tmp_path / "models").glob("models-*.pickle"))
    assert len(files) == 1
    assert (tmp_path / "models").stat().st_mode & 0o077 == 0

    training.clear_cache()

    def no_training(*_args: object) -> None:
        raise AssertionError("trained again although the models were on disk")

    monkeypatch.setattr(training, "_fit", no_training)
    again = training.build_models(content.kb)
    assert again.intent.classes == first.intent.classes
    query = "quen mat khau vneid"
    assert (
        again.intent.probabilities(query, True) == first.intent.probabilities(query, True)
    ).all()


def test_a_damaged_cache_file_is_trained_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content
) -> None:
    monkeypatch.setenv(training.DISK_CACHE_VARIABLE, str(tmp_path))
    training.clear_cache()
    training.build_models(content.kb)
    (cached,) = tmp_path.glob("models-*.pickle")
    cached.write_bytes(b"not a pickle")
    training.clear_cache()
    bundle = training.build_models(content.kb)
    assert "@fallback" in bundle.intent.classes


def test_cli_commands_without_the_matcher_do_not_import_scikit_learn() -> None:
    code = (
        "import sys; from bot.__main__ import build_parser; build_parser();"
        "import knowledge; knowledge.load_profile;"
        "from knowledge.stored_entries import StoredEntry;"
        "print('sklearn' in sys.modules)"
    )
    assert _python(code) == "False"
