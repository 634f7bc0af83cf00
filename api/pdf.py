"""HTML to PDF with Debian's headless Chromium (``--print-to-pdf``).

Chromium, because the report's charts are drawn by plotly.js in the page: a browser prints
exactly what a reader sees, where a PDF library would need the charts redrawn (kaleido
bundles its own Chromium anyway). The binary is ``SUPPLYGRAPH_CHROMIUM`` or the first of
chromium / chromium-browser / google-chrome on PATH; a fresh profile each run, and no
network: the page needs none.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from graph.errors import PdfError

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


def chromium(wanted: str | None = None) -> str:
    """``wanted`` (the SUPPLYGRAPH_CHROMIUM setting) if given, else the first on PATH."""
    if wanted:
        return wanted
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(
        "no Chromium to print the PDF with: install it (Debian: apt-get install chromium) "
        "or set SUPPLYGRAPH_CHROMIUM to its path"
    )


def html_to_pdf(html: str, out: Path, *, browser: str | None = None, timeout: float = 120) -> None:
    with tempfile.TemporaryDirectory(prefix="supplygraph-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium(browser),
            *FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={out.resolve()}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PdfError(f"Chromium did not print the PDF: {e}") from e
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise PdfError(f"Chromium exited {done.returncode} without a PDF: {tail}")
