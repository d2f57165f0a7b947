"""Time from Follow to the first answerable article: a loopback feed of 30 pages followed as the chat's
Follow button does (added to the follow list, its first fetch in the background), then the time until
the index holds its first article and a question about that article is answered with a citation,
and until every article is indexed.

    python bench/follow_to_answer.py [--pages 30] [--host-interval 1.0] [--page-delay 0.0] [--runs 1]

The host interval is the polite pause between two requests to one host (the setting's default, 1 s:
a feed's pages share its host, so this pause, not extraction or embedding, sets most of the time).
The server is the tests' real loopback HTTP server serving the tests' own pages (``tests/news_site.py``);
the index, the encoder (wordllama) and the answerer are the real defaults. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.service import Assistant
from assistant.settings import AssistantSettings
from index.sources.follower import Follower
from tests.news_site import page, rss
from tests.web_server import Route, WebServer

QUESTION = "How many blades did the manifest of shipment kestrel-{n} list?"


def one_run(pages: int, host_interval: float, page_delay: float) -> tuple[float, float, float]:
    """Seconds from Follow to: control back, the first article answered, every article indexed."""
    with WebServer() as web, tempfile.TemporaryDirectory() as scratch:
        for n in range(1, pages + 1):
            web.routes[f"/news/{n}"] = Route(
                body=page(n), headers={"Content-Type": "text/html; charset=utf-8"}, delay=page_delay
            )
        items = [(f"/news/{n}", f"Shipment kestrel-{n} held") for n in range(1, pages + 1)]
        web.routes["/feed.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
        settings = AssistantSettings(
            db_path=Path(scratch) / "db",
            follow_file=Path(scratch) / "followed.json",
            fetch_allow_private=[web.origin],
            fetch_host_interval=host_interval,
            follow_fill_chunks=0,
        )
        assistant = Assistant(settings)
        assistant.ask("warm up the encoder and the answerer")
        follower = Follower(assistant.store, settings)
        url = web.url("/feed.xml")

        started = time.perf_counter()
        follower.follow_list.add(url)  # what the chat's Follow does (chat/panels/feeds.py: follow)
        follower.fetch_in_background(url)
        returned = time.perf_counter() - started

        while assistant.store.count() == 0:
            time.sleep(0.02)
        first = None
        while first is None:
            held = {article.id for article in assistant.store.articles()}
            n = next(n for n in range(1, pages + 1) if web.url(f"/news/{n}") in held)
            answer = assistant.ask(QUESTION.format(n=n))
            if answer.answered and f"{10 * n + 5} blades" in answer.text and answer.citations:
                first = time.perf_counter() - started
        while len(assistant.store.articles()) < pages or follower.progress(url) is not None:
            time.sleep(0.1)
        every = time.perf_counter() - started
        return returned, first, every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--host-interval", type=float, default=AssistantSettings().fetch_host_interval)
    parser.add_argument("--page-delay", type=float, default=0.0, help="seconds each page takes to answer")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    runs = [one_run(args.pages, args.host_interval, args.page_delay) for _ in range(args.runs)]
    for name, index in (("control back", 0), ("first article answered", 1), (f"all {args.pages} indexed", 2)):
        figures = [run[index] for run in runs]
        shown = ", ".join(f"{figure:.2f}" for figure in figures)
        print(f"Follow → {name}: median {statistics.median(figures):.2f} s ({shown})")


if __name__ == "__main__":
    main()
