"""``python -m index fetch URL...`` and ``python -m index follow [add|remove|list|run]``.

``fetch`` reads each address once (a page, a feed or a sitemap) and indexes its articles;
``follow`` keeps the followed list and polls it; ``follow list`` shows each followed address
with its recent problems (an article behind a paywall, a page that failed), one line each. Each
address's outcome is one line ("N new articles": added to the index, not ones it held already);
each article not indexed is one line on stderr with its URL and reason, and the rest goes on. An
address typed with a user name or password in it is refused before anything is fetched (exit code
2): credentials in URLs are not kept.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from index.errors import UserError
from index.settings import IndexSettings
from index.sources.fetching import WebClient
from index.sources.follow_list import refuse_credentials
from index.sources.follow_store import open_follow_list
from index.sources.follower import FetchReport, Follower, fetch_into_index
from index.store import ArticleStore, claim_store
from index.words import counted


def add_commands(commands: Any) -> None:
    """Add ``fetch`` and ``follow`` to the ``python -m index`` parser's subcommands."""
    fetch = commands.add_parser("fetch", help="read pages, RSS/Atom feeds or sitemaps once and index their articles")
    fetch.add_argument("urls", nargs="+", metavar="URL")
    fetch.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    follow = commands.add_parser("follow", help="follow feeds and sites: add, remove, list, or poll them (run)")
    follow.add_argument(
        "action", nargs="?", default="run", choices=["run", "add", "remove", "list", "enqueue", "worker"]
    )
    follow.add_argument("urls", nargs="*", metavar="URL", help="for add and remove")
    follow.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    follow.add_argument("--once", action="store_true", help="run: one cycle, then stop; worker: until no job waits")
    follow.add_argument(
        "--interval", type=float, help="run: minutes between cycles (default ASSISTANT_FOLLOW_INTERVAL_MINUTES)"
    )


def print_reports(reports: list[FetchReport]) -> None:
    for report in reports:
        print_report(report)


def print_report(report: FetchReport) -> None:
    for error in report.errors:
        print(f"skipped {error}", file=sys.stderr, flush=True)
    print(report.line(), flush=True)


def fetch(settings: IndexSettings, args: argparse.Namespace) -> int:
    for url in args.urls:
        refuse_credentials(url)
    claim_store(settings)
    store = ArticleStore.open(settings)
    failed = 0
    with WebClient(settings) as client:
        for url in args.urls:
            report, _ = fetch_into_index(store, client, url)
            print_report(report)
            failed += report.failed is not None
    print(f"{store.count()} chunks in the index")
    return 1 if failed == len(args.urls) else 0


def follow(settings: IndexSettings, args: argparse.Namespace) -> int:
    follow_list = open_follow_list(settings)
    if args.action == "add":
        for url in args.urls:
            print(f"following {follow_list.add(url).url}")
        return 0
    if args.action == "remove":
        for url in args.urls:
            print(f"{'stopped following' if follow_list.remove(url) else 'not followed:'} {url}")
        return 0
    if args.action == "list":
        for entry in follow_list.entries():
            print(
                f"{entry.url}\t{entry.kind or '?'}\t{(entry.last_fetch or 'never')[:19]}\t{entry.status}\t"
                f"{entry.new_articles} new, {entry.total_articles} in all, {counted(len(entry.problems), 'problem')}"
            )
            for problem in entry.problems:  # newest first, each with the article's address and why
                print(f"  {problem.line()}")
        return 0
    if args.action in ("enqueue", "worker"):
        return shared_fetching(settings, args)
    claim_store(settings)
    follower = Follower(ArticleStore.open(settings), settings, follow_list)
    if args.once:
        print_reports(follower.cycle())
        return 0
    entries = follow_list.entries()
    minutes = args.interval if args.interval is not None else settings.follow_interval_minutes
    print(f"following {len(entries)} feeds and sites every {minutes:g} min (Ctrl-C stops)", flush=True)
    stop = threading.Event()
    try:
        follower.run(stop, minutes, on_cycle=print_reports)
    except KeyboardInterrupt:
        stop.set()
        print("stopped", flush=True)
    return 0


def shared_fetching(settings: IndexSettings, args: argparse.Namespace) -> int:
    """``follow enqueue`` (one job per followed feed) and ``follow worker`` (takes them), server mode only."""
    if not settings.follow_database:
        raise UserError(
            f"follow {args.action} needs a shared PostgreSQL database: set ASSISTANT_FOLLOW_DATABASE_URL "
            "(pip install 'news-assistant[server]')"
        )
    from index.sources import follow_jobs  # noqa: PLC0415 - procrastinate: the server extra only

    if args.action == "enqueue":
        print(f"{follow_jobs.enqueue_feeds(settings)} feeds to fetch")
    else:
        logging.getLogger(follow_jobs.__name__).setLevel(logging.INFO)  # each tick and fetch, one line
        print(f"taking fetch jobs; feeds due are enqueued on {settings.follow_tick_cron!r}", flush=True)
        follow_jobs.run_worker(settings, until_empty=args.once)
    return 0
