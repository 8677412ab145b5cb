"""Render the sample session's documents to PNG pages through LibreOffice and pdftoppm.

    python -m bot.documents.preview            # docs/images/council-compilation.png (README)
    python -m bot.documents.preview --all DIR  # every page of the three documents, in DIR

Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on PATH. LibreOffice runs with a
private profile in a temporary folder, so it neither touches nor waits for another running copy.
Without Times New Roman installed LibreOffice uses its metric-compatible substitute (Liberation
Serif), so line breaks match what Word prints.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.documents import render_appendix, render_compilation, render_results, sample

ROOT = Path(__file__).resolve().parents[2]
README_IMAGE = ROOT / "docs" / "images" / "council-compilation.png"


def to_pdf(docx: Path, workdir: Path) -> Path:
    """Convert ``docx`` to PDF with headless LibreOffice; the PDF lands beside it."""
    profile = (workdir / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return docx.with_suffix(".pdf")


def to_png(pdf: Path, prefix: Path, *, first_only: bool, dpi: int = 80) -> list[Path]:
    """Pages of ``pdf`` as PNG files ``prefix-1.png``…"""
    pages = ["-f", "1", "-l", "1"] if first_only else []
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), *pages, str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", type=Path, metavar="DIR", help="write every page of all three")
    args = parser.parse_args(argv)
    documents = {
        "compilation": render_compilation(sample.compilation()),
        "appendix": render_appendix(sample.appendix()),
        "results": render_results(sample.results()),
    }
    if not args.all:
        documents = {"compilation": documents["compilation"]}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, data in documents.items():
            docx = work / f"{name}.docx"
            docx.write_bytes(data)
            pdf = to_pdf(docx, work)
            if args.all:
                args.all.mkdir(parents=True, exist_ok=True)
                shutil.copy(docx, args.all / docx.name)
                for png in to_png(pdf, work / name, first_only=False):
                    shutil.copy(png, args.all / png.name)
                    print(args.all / png.name)
            else:
                (png,) = to_png(pdf, work / name, first_only=True)
                README_IMAGE.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(png, README_IMAGE)
                print(README_IMAGE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
