"""Screenshot the followed feeds in the Articles tab: ``python bench/screenshot_feeds.py [--out PNG]``.

Starts the tests' loopback news site (its own pages and feed, ``tests/news_site.py``) and ``app.py``
on a fresh index, follows the site's feed (four stories and one behind a paywall) and a dead address
from the Articles tab in Debian's Chromium, and saves the tab once both fetches, which run in the
background, are done and the feed's row is selected (its problems listed). Prints the PNG's path.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.chromium import launched_chromium
from tests.conftest import serving
from tests.news_site import paywall_page, rss, serve_feed
from tests.web_server import Route, WebServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/followed-feeds.png"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with WebServer() as web, tempfile.TemporaryDirectory() as scratch:
        serve_feed(web, count=4)
        web.routes["/paid"] = Route(body=paywall_page(5), headers={"Content-Type": "text/html"})
        items = [(f"/news/{n}", f"Shipment kestrel-{n} held") for n in range(1, 5)] + [("/paid", "For subscribers")]
        web.routes["/feed.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
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
            rows = page.locator("#followed-table").get_by_role("row")
            for address in (web.url("/feed.xml"), web.url("/gone")):  # fetched in the background
                expect(rows.filter(has_text=address)).to_contain_text(re.compile(r"\bok\b|failed"))
            rows.filter(has_text=web.url("/feed.xml")).get_by_role("gridcell").first.click()
            expect(page.locator("#followed-problems")).to_contain_text("behind a paywall")
            page.mouse.move(0, 0)
            page.wait_for_timeout(500)
            page.locator("#follow-url").scroll_into_view_if_needed()
            page.screenshot(path=str(args.out), full_page=True)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
