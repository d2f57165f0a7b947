"""Command line: ``python -m index build [PATH ...] [--db DIR] [--prune] [--rebuild]``, ``watch DIR``, ``stats``,
``improve`` (the better encoder's vectors filled in behind the fast ones), ``refold`` (the keyword index written
again, folded) and ``extract PATH... [--json]`` (what would be indexed from files, nothing indexed)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

# The package's __init__ (run before this module) has already applied index.offline's switches.
from index.articles import Article, LoadError
from index.build import BuildReport, build_index
from index.errors import INTERRUPTED_EXIT, MissingInputError, UserError, run_command
from index.folding import FOLDING
from index.improve import improve
from index.settings import IndexSettings
from index.sources import web_commands
from index.sources.fetching import FetchError, WebClient
from index.sources.files import iter_articles
from index.sources.reader import read_url
from index.sources.watch import watch
from index.store import ArticleStore, claim_store, reset_store

DEFAULT_PATHS = [Path("seeds")]
_URL_SCHEMES = ("http://", "https://")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and inspect the article index.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="index articles incrementally (default: seeds/)")
    build.add_argument("paths", nargs="*", type=Path, help="files or folders of articles")
    build.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    build.add_argument("--prune", action="store_true", help="remove articles that are no longer under PATH")
    build.add_argument("--rebuild", action="store_true", help="drop the index first (after a model change)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    watch = commands.add_parser("watch", help="index new and changed files of a folder as they appear (Ctrl-C stops)")
    watch.add_argument("folder", type=Path, help="the folder to watch (read recursively)")
    watch.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    watch.add_argument("--interval", type=float, default=2.0, help="seconds between looks at the folder (default 2)")
    watch.add_argument(
        "--prune", action="store_true", help="remove articles not in the folder (every other article of the index too)"
    )
    extract = commands.add_parser(
        "extract", help="show what would be indexed from files (or http(s) URLs), index nothing"
    )
    extract.add_argument("paths", nargs="+", metavar="PATH", help="article files (.html, .txt, .jsonl...) or URLs")
    extract.add_argument("--json", action="store_true", help="print JSON Lines, one article a line")
    web_commands.add_commands(commands)
    refold = commands.add_parser(
        "refold", help="write the keyword index again from the index's texts, names folded (nothing embedded)"
    )
    refold.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    fill = commands.add_parser(
        "improve", help="fill the better encoder's vectors behind the fast ones (low priority, resumable)"
    )
    fill.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    fill.add_argument("--quiet", action="store_true", help="no progress lines")
    fill.add_argument(
        "--limit", type=int, metavar="N", help="fill at most N chunks, newest articles first (default: all missing)"
    )
    stats = commands.add_parser("stats", help="what the index holds")
    stats.add_argument("--db", type=Path, help="Chroma folder")
    stats.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command; errors meant for the user become one line and exit code 2 (:mod:`index.errors`)."""
    return run_command(_main, argv)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "extract":
        return _extract(args)
    settings = IndexSettings(db_path=args.db) if args.db else IndexSettings()
    command = {
        "build": _build,
        "watch": _watch,
        "fetch": web_commands.fetch,
        "follow": web_commands.follow,
        "refold": _refold,
        "improve": _improve,
    }.get(args.command, _stats)
    return command(settings, args)


def _build(settings: IndexSettings, args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:  # named by the user: a typo, not an empty archive (the default seeds/ may be missing)
        raise MissingInputError(f"no such file or folder: {', '.join(missing)}; nothing was indexed")
    claim_store(settings)
    if args.rebuild:
        reset_store(settings)
    store = ArticleStore.open(settings)
    report = build_index(store, args.paths or DEFAULT_PATHS, prune=args.prune, show_progress=not args.quiet)
    _print_problems(report)
    print(report.summary())
    return 0


def _print_problems(report: BuildReport) -> None:
    """Each item skipped or indexed with a warning, and each copy noted, one line on stderr."""
    for error in report.errors:
        print(f"{'skipped' if error.skipped else 'warning:'} {error}", file=sys.stderr, flush=True)
    for copy in report.copies_noted:
        print(f"copy: {copy}", file=sys.stderr, flush=True)


def _watch(settings: IndexSettings, args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        raise MissingInputError(f"{args.folder} is not a folder: give the folder to watch")
    claim_store(settings)
    store = ArticleStore.open(settings)
    print(f"watching {args.folder} every {args.interval:g} s (Ctrl-C stops)", flush=True)

    def report(build: BuildReport) -> None:
        _print_problems(build)
        print(build.summary(), flush=True)

    # Ctrl-C asks the loop to stop after the build under way, rather than raising wherever the build
    # happens to be (a test saw an interrupted watch hang under load); a second Ctrl-C stops at once.
    stop = threading.Event()

    def interrupted(_signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        watch(store, args.folder, interval=args.interval, prune=args.prune, stop=stop, on_build=report)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, previous)
    print("stopped", flush=True)
    return 0


def _extract(args: argparse.Namespace) -> int:
    """Print what would be indexed from each PATH (a file, or an http(s) URL), indexing nothing."""
    missing = [raw for raw in args.paths if not raw.startswith(_URL_SCHEMES) and not Path(raw).exists()]
    if missing:
        raise MissingInputError(f"no such file or folder: {', '.join(missing)}")
    errors: list[LoadError] = []
    shown = 0
    for raw in args.paths:
        if raw.startswith(_URL_SCHEMES):
            articles: Iterable[Article] = _fetch_for_extract(raw, errors)
        else:
            articles = iter_articles([Path(raw)], errors)
        for article in articles:
            print(json.dumps(_article_json(article), ensure_ascii=False) if args.json else _article_text(article))
            shown += 1
    for error in errors:
        print(f"{'skipped' if error.skipped else 'warning:'} {error}", file=sys.stderr)
    return 0 if shown else 1


def _fetch_for_extract(url: str, errors: list[LoadError]) -> list[Article]:
    """The articles a web address gives (a page, or a feed's or sitemap's pages), fetched, not indexed."""
    with WebClient(IndexSettings()) as client:
        try:
            result, articles = read_url(client, url)
            found = list(articles)
        except FetchError as error:
            errors.append(LoadError(error.url, None, error.reason))
            return []
    errors.extend(result.errors)
    return found


def _article_json(article: Article) -> dict[str, object]:
    fields = ("id", "title", "date", "authors", "source", "url", "language", "text")
    return {field: list(article.authors) if field == "authors" else getattr(article, field) for field in fields}


def _article_text(article: Article) -> str:
    header = [f"== {article.id}", f"title:    {article.title}", f"date:     {article.date or '-'}"]
    header += [f"authors:  {', '.join(article.authors) or '-'}", f"source:   {article.source or '-'}"]
    header += [f"url:      {article.url or '-'}", f"language: {article.language or '-'}"]
    return "\n".join(header) + f"\n\n{article.text}\n"


def _refold(settings: IndexSettings, args: argparse.Namespace) -> int:
    """The keyword index written again in today's folding (a local one already was, when it was opened)."""
    store = ArticleStore.open(settings)
    if store.keyword_index.folding() == FOLDING:
        print(f"keyword index: folded ({FOLDING}), {store.keyword_index.count()} chunks")
        return 0
    chunks = store.refold_keyword_index()
    print(f"keyword index: {chunks} chunks written again, folded ({FOLDING})")
    return 0


def _improve(settings: IndexSettings, args: argparse.Namespace) -> int:
    """The fill, at the lowest priority: questions answered beside it come first."""
    os.nice(19 - os.nice(0))
    claim_store(settings)
    store = ArticleStore.open(settings)

    reached = [0, store.count()]

    def progress(done: int, total: int) -> None:
        reached[:] = [done, total]
        if not args.quiet:
            print(f"{done:,} of {total:,} chunks filled", flush=True)

    if args.limit is not None and args.limit < 0:
        raise UserError(f"--limit must be 0 or more, not {args.limit}")
    try:
        print(improve(store, on_progress=progress, limit=args.limit).summary(), flush=True)
    except KeyboardInterrupt:  # the chunks written are kept: say how far, and how to go on
        done, total = reached
        print(f"interrupted (Ctrl-C): {done:,} of {total:,} chunks filled; run it again to go on", file=sys.stderr)
        return INTERRUPTED_EXIT
    return 0


def _stats(settings: IndexSettings, args: argparse.Namespace) -> int:
    stats = ArticleStore.open(settings).stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        full = stats.pop("full_vectors"), stats.pop("full_embedding_model")
        sentences = stats.pop("sentence_vectors")
        for key, value in stats.items():
            print(f"{key:20} {value}")
        if full[1] is not None:  # the second speed is on: how far its fill is, 0 included (improve fills it)
            print(f"{'full vectors':20} {full[0]:,} of {stats['chunks']:,} chunks have full vectors ({full[1]})")
        if sentences is not None:  # the answerer's sentences, filled beside: read, not embedded, per question
            print(f"{'sentence vectors':20} {sentences:,} of {stats['chunks']:,} chunks have the answerer's sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
