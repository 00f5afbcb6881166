"""Write the screenshots of docs/card/: the card at desktop and phone widths, and a print preview.

Run from the repository root with the dev extras installed, Debian's chromium and poppler-utils:
``python docs/card/make_screenshots.py``. It renders the card into a temporary folder first.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from ipexkg.card import render_card

OUT = Path(__file__).parent
CHROMIUM = shutil.which("chromium") or "chromium"
#: (name, viewport width, element to scroll to, height of the shot)
SHOTS = (
    ("desktop-top", 1280, None, 1600),
    ("desktop-mechanism", 1280, "#mechanism", 1000),
    ("desktop-manifestations", 1280, "#system-abnormality-of-the-integument", 1500),
    ("phone-top", 390, None, 1500),
    ("phone-manifestations", 390, "#system-abnormality-of-the-integument", 1500),
)


def main() -> None:
    """Render the card and write the PNG files."""
    page_path = Path(tempfile.mkdtemp()) / "ipexkg.html"  # not build/: ipexkg replaces it whole
    page_path.parent.mkdir(exist_ok=True)
    page_path.write_text(render_card(), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, width, anchor, height in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_path.resolve().as_uri())
            y = page.evaluate(f"document.querySelector('{anchor}').offsetTop") if anchor else 0
            page.screenshot(
                path=str(OUT / f"card-{name}.png"),
                full_page=True,
                clip={"x": 0, "y": y, "width": width, "height": height},
            )
            page.close()
        browser.close()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "card.pdf"
        subprocess.run(  # noqa: S603
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                f"--user-data-dir={tmp}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        info = subprocess.run(  # noqa: S603
            [_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        count = int(next(x for x in info.splitlines() if x.startswith("Pages")).split()[-1])
        print(f"print preview: {count} A4 pages")
        first_chart = next(
            n
            for n in range(1, count + 1)
            if "% of patients"
            in subprocess.run(  # noqa: S603
                [_tool("pdftotext"), "-f", str(n), "-l", str(n), str(pdf), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for old in OUT.glob("card-print-*.png"):
            old.unlink()
        for first, last in ((1, 1), (first_chart, first_chart + 1)):
            subprocess.run(  # noqa: S603
                [
                    _tool("pdftoppm"),
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    str(first),
                    "-l",
                    str(last),
                    str(pdf),
                    str(OUT / "card-print"),
                ],
                check=True,
            )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is missing: apt-get install poppler-utils")
    return path


if __name__ == "__main__":
    main()
