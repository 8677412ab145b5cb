"""``python -m bot report session ID --kind … -o FILE.docx`` on a database with a session."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path

from storage.communes import ensure_commune
from storage.db import Database
from storage.models import CouncilSession
from tests.documents.reading import lines, open_docx
from tests.test_cli import ROOT, _env


async def _seed(url: str) -> int:
    db = Database(url)
    try:
        await db.upgrade()
        async with db.write() as session:
            await ensure_commune(session, "tan-phu-an", "xã Tân Phú An")
            row = CouncilSession(
                commune_id="tan-phu-an", number=7, term="khóa XXI", date=dt.date(2026, 12, 1)
            )
            session.add(row)
            await session.flush()
            return row.id
    finally:
        await db.dispose()


def _report(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "report", "session", *args],
        capture_output=True,
        text=True,
        env=_env(DATABASE_URL=url),
        cwd=ROOT,
        timeout=120,
    )


def test_report_session_writes_each_document(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    session_id = asyncio.run(_seed(url))
    out = tmp_path / "bc.docx"
    result = _report(url, str(session_id), "--kind", "results", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = "\n".join(lines(open_docx(out.read_bytes())))
    assert "kỳ họp thứ 7" in text.lower() and "kết quả" in text.lower()

    missing = _report(url, "999", "--kind", "compilation", "-o", str(tmp_path / "x.docx"))
    assert missing.returncode == 1 and "999" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not (tmp_path / "x.docx").exists()
