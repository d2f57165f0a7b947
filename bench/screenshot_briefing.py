"""Screenshot a briefing and a timeline in the chat: ``python bench/screenshot_briefing.py [--out PNG]``.

Indexes the tests' story articles (the Kessel dam told by three outlets in March 2024, three other
events that week, the rebuilt dam in August: ``tests/chat/test_news.py``) into a fresh index, serves
``app.py`` on it and, in Debian's Chromium, asks for the news of March 2024 (with the first source's
story unfolded and the Briefing panel open), then, in a new page, for the dam's timeline. Prints the
paths of the PNGs it wrote.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.screenshot import _SCROLL_TO_TOP
from tests.browser.chromium import launched_chromium
from tests.chat.test_news import write_story_articles
from tests.conftest import run_python, serving

BRIEFING_QUESTION = "What happened in March 2024?"
TIMELINE_QUESTION = "timeline of the Kessel dam"
TIMEOUT_MS = 120_000
OFFLINE = {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"}


def _asked(browser: Browser, url: str, question: str, height: int = 1000, width: int = 1200) -> Page:
    """A new page at ``url`` (``width`` × ``height`` pixels) whose chat has answered ``question``, sources shown."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, wait_until="load")
    box = page.locator("#question textarea")
    expect(box).to_be_editable()
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_test_id("bot").last.locator(".sources")).to_be_visible()
    return page


def _save(page: Page, out: Path) -> None:
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.wait_for_timeout(1000)  # let the markdown settle and the chat's own scrolling end
    page.get_by_role("log").evaluate(_SCROLL_TO_TOP)  # open on the answer, not the end of its sources
    page.wait_for_timeout(200)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/briefing.png"), help="the briefing's PNG")
    parser.add_argument("--timeline", type=Path, default=Path("docs/timeline.png"), help="the timeline's PNG")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1200, help="the window's width in pixels (390: a phone)")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        parser.error(f"{args.chromium} is missing: install it with `apt-get install chromium` (or `make browser`)")
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "db"
        articles = write_story_articles(Path(scratch) / "articles")
        built = run_python("-m", "index", "build", str(articles), "--db", str(db), "--quiet", env=OFFLINE)
        if built.returncode != 0:
            sys.exit(f"index build failed:\n{built.stdout}\n{built.stderr}")
        env = {**OFFLINE, "ASSISTANT_UPLOAD_DIR": str(Path(scratch) / "uploads")}
        with serving(db, env) as url, launched_chromium(args.chromium) as browser:
            page = _asked(browser, url, BRIEFING_QUESTION, height=1400, width=args.width)  # to the first source
            reply = page.get_by_test_id("bot").last
            reply.locator("details.story-outlets > summary").first.click()
            page.get_by_text("Briefing: the news of a period").click()
            expect(page.locator("#brief-me")).to_be_visible()
            _save(page, args.out)
            _save(_asked(browser, url, TIMELINE_QUESTION, width=args.width), args.timeline)
    print(args.out)
    print(args.timeline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
