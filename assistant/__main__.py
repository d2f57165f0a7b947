"""Command line.

``python -m assistant ask "QUESTION" [--db DIR] [--as-of YYYY-MM-DD] [--llm NAME] [--json]``;
``python -m assistant brief [TOPIC] [--since DAY] [--until DAY] [--source NAME]`` (a cited briefing),
``timeline TOPIC`` and ``compare TOPIC`` (how outlets reported it), with the same filters as ``ask``.
``ask`` recognises these requests in words too ("What happened this week?"). ``--json`` prints
``Answer.to_dict()``: a briefing's, timeline's or comparison's ``items`` with it, and an answer's
``short_answer`` (also the first line of the plain output, "Short answer: Emmanuel Macron [1]").
``follow add|list|check|remove``: followed questions, asked again after each index update
(:mod:`assistant.following.cli`). ``digest send --to ADDRESS [--topic T] [--since DAY]``: what is new
since the last digest, by email; ``digest token``: a feed reader's key (:mod:`assistant.deliveries.cli`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

# The package's __init__ (run before this module) has already applied index.offline's switches.
from assistant.deliveries.cli import add_digest_parser, digest_command
from assistant.following.cli import OPTION_NAMES, add_follow_parser, follow_command
from assistant.llm.backends import check_backend
from assistant.news.items import news_text
from assistant.news.requests import RequestKind
from assistant.service import get_assistant
from assistant.types import Answer, Filters
from assistant.unread import unread_notes
from index.errors import run_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Ask the news assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer one question with cited passages")
    ask.add_argument("question")
    ask.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    ask.add_argument("--as-of", help="answer as of this day (YYYY-MM-DD): nothing published after it")
    ask.add_argument("--since", help="only articles published on or after this day (YYYY-MM-DD)")
    ask.add_argument("--until", help="only articles published on or before this day (YYYY-MM-DD)")
    ask.add_argument("--source", action="append", dest="sources", help="only this source (repeat for more)")
    ask.add_argument("--llm", help="what writes the answer: extractive, smollm2, ollama:<model>, openai:<model>")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    for name, help_text, topic_help in (
        ("brief", "a cited briefing: the period's most widely reported stories", "only stories about this (optional)"),
        ("timeline", "dated, cited entries of how a story developed", "what the timeline is about"),
        ("compare", "what outlets say in common about a story, and what only some say", "the story"),
    ):
        shaped = commands.add_parser(name, help=help_text)
        shaped.add_argument("topic", nargs="*" if name == "brief" else "+", help=topic_help)
        shaped.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
        shaped.add_argument("--as-of", help="the day a briefing without --since/--until ends (default: today)")
        shaped.add_argument("--since", help="from this day (YYYY-MM-DD)")
        shaped.add_argument("--until", help="to this day (YYYY-MM-DD)")
        shaped.add_argument("--source", action="append", dest="sources", help="only this source (repeat for more)")
        shaped.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_follow_parser(commands)
    add_digest_parser(commands)
    return parser


_SHAPES: dict[str, RequestKind] = {"brief": "briefing", "timeline": "timeline", "compare": "comparison"}


def render(answer: Answer) -> str:
    """The answer, then its sources, for a terminal: a briefing, timeline or comparison written from
    its items (plain, one line each), never from parsing its text."""
    lines = [news_text(answer.heading, answer.items, answer.kind, answer.period) if answer.items else answer.text]
    if answer.short_answer:  # cited as its sentence, the answer's first, which is numbered first
        cite = f" [{answer.citations[0].n}]" if answer.citations else ""
        lines.insert(0, f"Short answer: {answer.short_answer}{cite}")
    if answer.notice:
        lines.append(f"({answer.notice})")
    for note in unread_notes(answer):
        lines.append(f"({note.sentence}: {', '.join(article.url for article in note.articles)})")
    if answer.citations:
        lines.append("")
        for citation in answer.citations:
            heading = " · ".join(part for part in (citation.title, citation.date, citation.source) if part)
            lines.append(f"[{citation.n}] {heading}")
            if citation.story_outlets > 1:
                lines.append(f"    ({citation.story_outlets} outlets reported this story)")
            if citation.also_published_by:
                outlets = ", ".join(copy.source or copy.url or copy.copy_id for copy in citation.also_published_by)
                lines.append(f"    (also published by {outlets})")
            lines.append(f"    {citation.passage}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """The command; errors meant for the user become one line and exit code 2 (:mod:`index.errors`)."""
    return run_command(_main, argv)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "follow":
        return follow_command(args)
    if args.command == "digest":
        return digest_command(args)
    filters = Filters.typed(args.as_of, args.since, args.until, args.sources, names=OPTION_NAMES)
    if args.command != "ask":
        result = get_assistant(args.db).shaped(_SHAPES[args.command], " ".join(args.topic), filters)
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else render(result))
        return 0 if result.answered else 1
    if args.llm:
        check_backend(args.llm)  # before the index and models are loaded
    result = get_assistant(args.db, args.llm).ask(args.question, filters=filters)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
