"""Debian's Chromium, headless through Playwright: one launch for the browser tests and the screenshots.

The flags are here once because a closed network never answers the services Chromium waits on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
MISSING = f"{CHROMIUM} is missing: install Debian's Chromium with `make browser` (apt-get install chromium)"
# Without these Chromium waits on network services that a closed network never answers.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def launched_chromium(executable: Path | str = CHROMIUM) -> Iterator[Browser]:
    """A headless Chromium, closed on the way out; Playwright gives every launch a fresh profile
    (it refuses ``--user-data-dir`` here)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
