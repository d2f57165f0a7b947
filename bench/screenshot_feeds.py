"""Screenshot the followed feeds in the Articles tab: ``python bench/screenshot_feeds.py [--out PNG]``.

Starts the tests' loopback news site (its own pages and feed, ``tests/news_site.py``) and ``app.py``
on a fresh index, follows the site's feed from the Articles tab in Debian's Chromium, and saves the
tab once the fetch is done. Prints the path of the PNG it wrote.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.chromium import launched_chromium
from tests.conftest import serving
from tests.news_site import serve_feed
from tests.web_server import Route, WebServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/followed-feeds.png"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with WebServer() as web, tempfile.TemporaryDirectory() as scratch:
        serve_feed(web, count=4)
        web.routes["/gone"] = Route(status=404)
        env = {
            "ASSISTANT_FOLLOW_FILE": str(Path(scratch) / "followed.json"),
            "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([web.origin]),
            "ASSISTANT_FETCH_HOST_INTERVAL": "0",
        }
        with serving(Path(scratch) / "db", env) as url, launched_chromium(args.chromium) as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(url, wait_until="load")
            page.get_by_role("tab", name="Articles").click()
            for address in (web.url("/feed.xml"), web.url("/gone")):
                page.locator("#follow-url textarea").fill(address)
                page.get_by_role("button", name="Follow", exact=True).click()
                expect(page.locator("#follow-outcome")).to_contain_text(f"Following {address}")
            page.mouse.move(0, 0)
            page.wait_for_timeout(500)
            page.locator("#follow-url").scroll_into_view_if_needed()
            page.screenshot(path=str(args.out), full_page=True)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
