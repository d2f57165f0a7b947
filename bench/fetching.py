"""Fetching speed from a local server: articles/s fetched and extracted (no embedding), and the cost of
a follow cycle when nothing is new (``ASSISTANT_FETCH_HOST_INTERVAL`` 0: the politeness pause
between requests to one host is a choice, not a cost; every feed here is on one host).

    python bench/fetching.py [--pages 200] [--feeds 50] [--json OUT]

The server is the tests' real loopback HTTP server (``tests/web_server.py``) serving the tests' own
pages (``tests/news_site.py``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.settings import AssistantSettings
from index.sources.fetching import WebClient
from index.sources.follow_list import FollowList
from index.sources.follower import Follower
from index.sources.reader import read_url
from index.store import ArticleStore
from tests.news_site import page, rss
from tests.web_server import Recorded, Route, WebServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=20, help="entries per feed in the follow cycle")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with WebServer() as web, tempfile.TemporaryDirectory() as scratch:
        settings = AssistantSettings(
            db_path=Path(scratch) / "db",
            follow_file=Path(scratch) / "followed.json",
            fetch_allow_private=[web.origin],
            fetch_host_interval=0.0,
        )
        for n in range(args.pages):
            web.routes[f"/news/{n}"] = Route(body=page(n), headers={"Content-Type": "text/html; charset=utf-8"})
        items = [(f"/news/{n}", f"Story {n}") for n in range(args.pages)]
        web.routes["/all.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
        with WebClient(settings) as client:
            started = time.perf_counter()
            _, articles = read_url(client, web.url("/all.xml"))
            count = len(list(articles))
            seconds = time.perf_counter() - started
        figures["fetch_articles"] = count
        figures["fetch_articles_per_s"] = count / seconds
        print(f"fetch + extract: {count} articles in {seconds:.1f} s = {count / seconds:.1f} articles/s (no embedding)")

        store = ArticleStore.open(settings)
        follow_list = FollowList(settings.follow_file)
        modes = {"304": _conditional, "200": lambda body: Route(body=body), "new-body": _rebuilt}
        for mode, serve in modes.items():
            for f in range(args.feeds):
                web.routes[f"/{mode}/{f}.xml"] = serve(rss(web, items[f : f + args.entries]))
                follow_list.add(web.url(f"/{mode}/{f}.xml"))
        follower = Follower(store, settings, follow_list)
        follower.cycle()  # the first cycle indexes the entries; the next ones find nothing new
        cycles = []
        for _ in range(3):
            started = time.perf_counter()
            reports = follower.cycle()
            cycles.append((time.perf_counter() - started) / len(reports))
            assert all(r.new_articles == 0 for r in reports)
        figures["follow_cycle_ms_per_feed"] = 1000 * statistics.median(cycles)
        timed = []
        for mode in modes:
            urls = [web.url(f"/{mode}/{f}.xml") for f in range(args.feeds)]
            started = time.perf_counter()
            for url in urls:
                follower.fetch_one(url)
            timed.append((mode, 1000 * (time.perf_counter() - started) / len(urls)))
        for mode, ms in timed:
            figures[f"follow_ms_per_feed_{mode}"] = ms
        print(
            f"follow cycle, nothing new, {len(modes) * args.feeds} feeds of {args.entries} entries: "
            f"{figures['follow_cycle_ms_per_feed']:.1f} ms per feed (median of 3 cycles); per feed kind: "
            f"answering 304 {timed[0][1]:.1f} ms, the same body again {timed[1][1]:.1f} ms, "
            f"a new body (every entry seen) {timed[2][1]:.1f} ms"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _rebuilt(body: bytes) -> object:
    """A feed whose body changes on every request (a build timestamp) while its entries do not."""

    def answer(request: Recorded) -> Route:
        return Route(body=body.replace(b"<channel>", f"<channel><!-- built {time.time_ns()} -->".encode(), 1))

    return answer


def _conditional(body: bytes) -> object:
    def answer(request: Recorded) -> Route:
        if request.headers.get("if-none-match") == '"same"':
            return Route(status=304)
        return Route(body=body, headers={"Content-Type": "application/rss+xml", "ETag": '"same"'})

    return answer


if __name__ == "__main__":
    main()
