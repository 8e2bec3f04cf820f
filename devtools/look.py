"""Look at every overview format as the coordinator would: ``python devtools/look.py [DIR]``.

Renders a sample round (:func:`benchmarks.big_round.big_round`, 12 colleagues by default) to
every format, then turns them into what a reader sees:

- Word and Excel through LibreOffice (``soffice --headless --convert-to pdf``), as the
  coordinator's office suite would lay them out and print them;
- HTML printed to PDF by headless Chromium (A4, as "Print" would) plus a screenshot;
- every PDF into one PNG per page (``pdftoppm``), to open in any image viewer.

Writes everything to DIR (default ``look-output/``) and prints the page count of each PDF.
Needs ``soffice``, ``chromium`` and ``pdftoppm`` on PATH (Debian: libreoffice-writer-nogui,
libreoffice-calc-nogui, chromium, poppler-utils); a missing tool is reported and skipped.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Runnable as a plain script from the repository root as well as with -m.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.big_round import NOW, big_round
from reports.overview import build_overview
from reports.render import FORMATS, render

# Word updates the contents (a TOC field) when the file opens, as the document asks it to;
# LibreOffice keeps the cached entries. Through UNO, when the system Python has it
# (python3-uno), the indexes are updated first, so the PDF shows what Word shows.
_UNO_CONVERT = r"""
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

soffice, profile, source, target, pipe = sys.argv[1:6]
office = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                           "--invisible", "--norestore", f"--accept=pipe,name={pipe};urp;"])
resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
for _ in range(120):
    try:
        context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.5)
else:
    office.kill()
    sys.exit("soffice did not answer")
desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
def prop(name, value):
    p = PropertyValue(); p.Name, p.Value = name, value; return p
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                   (prop("Hidden", True),))
indexes = doc.getDocumentIndexes()
for i in range(indexes.getCount()):
    indexes.getByIndex(i).update()
doc.refresh()
doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "writer_pdf_Export"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=60)
"""

_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _run(command: list[str], timeout: int = 180) -> bool:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"  ! {command[0]}: {exc}")
        return False
    if done.returncode != 0:
        print(f"  ! {' '.join(command[:3])}…: exit {done.returncode}: {done.stderr[-300:]!r}")
    return done.returncode == 0


def _tool(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def _has_uno() -> bool:
    python = Path("/usr/bin/python3")
    return python.exists() and _run([str(python), "-c", "import uno"], timeout=30)


def _pages(pdf: Path, png_prefix: Path, dpi: int) -> int:
    """PNG per page; returns the page count (0 when pdftoppm is missing)."""
    pdftoppm = _tool("pdftoppm")
    if pdftoppm is None or not pdf.exists():
        return 0
    for old in png_prefix.parent.glob(f"{png_prefix.name}-*.png"):
        old.unlink()
    _run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(png_prefix)])
    return len(list(png_prefix.parent.glob(f"{png_prefix.name}-*.png")))


def look(
    out: Path, colleagues: int, *, submitted_only: bool, template: Path | None, dpi: int
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    overview = build_overview(big_round(colleagues), NOW, submitted_only=submitted_only)
    files = {}
    for fmt, spec in FORMATS.items():
        path = out / f"overview{spec.extension}"
        path.write_bytes(render(overview, fmt, docx_template=template))
        files[fmt] = path
        print(f"{fmt:>5}: {path}")

    soffice = _tool("soffice", "libreoffice")
    if soffice is None:
        print("  ! soffice not found: Word and Excel not laid out")
    else:
        for fmt in ("docx", "xlsx"):
            with tempfile.TemporaryDirectory() as profile:
                _run(
                    [
                        soffice,
                        f"-env:UserInstallation=file://{profile}",
                        "--headless",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        str(out / fmt),
                        str(files[fmt]),
                    ]
                )
            pdf = out / fmt / "overview.pdf"
            print(f"{fmt:>5}: {pdf} — {_pages(pdf, out / fmt / 'page', dpi)} pages")

    chromium = _tool("chromium", "chromium-browser", "google-chrome")
    if chromium is None:
        print("  ! chromium not found: HTML not printed")
        return
    (out / "html").mkdir(exist_ok=True)
    url = files["html"].resolve().as_uri()
    pdf = out / "html" / "overview.pdf"
    with tempfile.TemporaryDirectory() as profile:
        flags = [*_CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        _run([chromium, *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url])
        _run(
            [
                chromium,
                *flags,
                "--window-size=1280,2400",
                f"--screenshot={out / 'html' / 'screen.png'}",
                url,
            ]
        )
    print(
        f" html: {pdf} — {_pages(pdf, out / 'html' / 'page', dpi)} pages; "
        f"screenshot {out / 'html' / 'screen.png'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devtools/look.py", description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=Path("look-output"))
    parser.add_argument("--colleagues", type=int, default=12)
    parser.add_argument("--submitted-only", action="store_true")
    parser.add_argument("--docx-template", type=Path, default=None)
    parser.add_argument("--dpi", type=int, default=50, help="resolution of the page PNGs")
    args = parser.parse_args(argv)
    look(
        args.output,
        args.colleagues,
        submitted_only=args.submitted_only,
        template=args.docx_template,
        dpi=args.dpi,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
