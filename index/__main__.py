"""Command line: ``python -m index build [PATH ...] [--db DIR] [--prune] [--rebuild]``, ``watch DIR`` and ``stats``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

# The package's __init__ (run before this module) has already applied index.offline's switches.
from index.build import BuildReport, build_index
from index.errors import MissingInputError, run_command
from index.settings import IndexSettings
from index.store import ArticleStore, claim_store, reset_store
from index.watch import watch

DEFAULT_PATHS = [Path("seeds")]


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
    settings = IndexSettings(db_path=args.db) if args.db else IndexSettings()
    if args.command == "build":
        return _build(settings, args)
    if args.command == "watch":
        return _watch(settings, args)
    return _stats(settings, args)


def _build(settings: IndexSettings, args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:  # named by the user: a typo, not an empty archive (the default seeds/ may be missing)
        raise MissingInputError(f"no such file or folder: {', '.join(missing)}; nothing was indexed")
    claim_store(settings)
    if args.rebuild:
        reset_store(settings)
    store = ArticleStore.open(settings)
    report = build_index(store, args.paths or DEFAULT_PATHS, prune=args.prune, show_progress=not args.quiet)
    for error in report.errors:
        print(f"{'skipped' if error.skipped else 'warning:'} {error}", file=sys.stderr)
    print(report.summary())
    return 0


def _watch(settings: IndexSettings, args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        raise MissingInputError(f"{args.folder} is not a folder: give the folder to watch")
    claim_store(settings)
    store = ArticleStore.open(settings)
    print(f"watching {args.folder} every {args.interval:g} s (Ctrl-C stops)", flush=True)

    def report(build: BuildReport) -> None:
        for error in build.errors:
            print(f"{'skipped' if error.skipped else 'warning:'} {error}", file=sys.stderr, flush=True)
        print(build.summary(), flush=True)

    try:
        watch(store, args.folder, interval=args.interval, prune=args.prune, on_build=report)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0


def _stats(settings: IndexSettings, args: argparse.Namespace) -> int:
    stats = ArticleStore.open(settings).stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key:20} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
