"""Screenshot the chat after one question: ``python bench/screenshot.py --url URL --out PNG --question TEXT``.

Drives Debian's Chromium (``apt-get install chromium``) headless through Playwright against a running
``app.py``; no Playwright-managed browser is downloaded. Prints the path of the PNG it wrote.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.chromium import launched_chromium

_SCROLL_TO_TOP = "log => { for (const el of [log, ...log.querySelectorAll('*')]) el.scrollTop = 0; }"


def screenshot(url: str, out: Path, question: str, *, chromium: str, width: int, height: int, timeout_s: float) -> Path:
    """Ask ``question`` in the chat at ``url`` and save a full-page PNG once the reply is shown."""
    timeout_ms = timeout_s * 1000
    out.parent.mkdir(parents=True, exist_ok=True)
    with launched_chromium(chromium) as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(timeout_ms)
        page.goto(url, wait_until="domcontentloaded")
        box = page.locator("#question textarea")
        expect(box).to_be_editable(timeout=timeout_ms)
        box.fill(question)
        box.press("Enter")
        # The pending bubble is not a data-testid="bot" message, so this waits for the real reply.
        reply = page.get_by_test_id("bot").last
        # Streamed drafts come first: wait for the finished reply (its sources, or the refusal).
        expect(reply.locator(".sources").or_(reply.get_by_text("not in the articles"))).to_be_visible(
            timeout=timeout_ms
        )
        page.mouse.move(0, 0)  # no hover highlight in the picture
        page.wait_for_timeout(1000)  # let the markdown settle and the chat's own scrolling end
        # The chat scrolls to the end of a long reply; the picture should open on the answer itself.
        page.get_by_role("log").evaluate(_SCROLL_TO_TOP)
        page.wait_for_timeout(200)
        page.screenshot(path=str(out), full_page=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshot the news assistant chat after one question.")
    parser.add_argument("--url", default="http://127.0.0.1:7860/", help="address of a running app.py")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot.png"), help="PNG to write")
    parser.add_argument("--question", default="What does Turkey demand in Libya?")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary (Debian's by default)")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the page and the reply")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        parser.error(f"{args.chromium} is missing: install it with `apt-get install chromium` (or `make browser`)")
    path = screenshot(
        args.url,
        args.out,
        args.question,
        chromium=args.chromium,
        width=args.width,
        height=args.height,
        timeout_s=args.timeout,
    )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
