"""Command line: ``python -m assistant ask "QUESTION" [--db DIR] [--as-of YYYY-MM-DD] [--llm NAME] [--json]``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

from assistant.service import get_assistant
from assistant.smollm2 import LocalModelUnavailableError
from assistant.types import Answer
from index.embeddings import EmbeddingModelUnavailableError
from index.store import StoreError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Ask the news assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer one question with cited passages")
    ask.add_argument("question")
    ask.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    ask.add_argument("--as-of", type=date.fromisoformat, help="only use articles published up to this date")
    ask.add_argument("--llm", help="what writes the answer: extractive, smollm2, ollama:<model>, openai:<model>")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    return parser


def render(answer: Answer) -> str:
    """The answer, then its sources, for a terminal."""
    lines = [answer.text]
    if answer.notice:
        lines.append(f"({answer.notice})")
    if answer.citations:
        lines.append("")
        for citation in answer.citations:
            heading = " · ".join(part for part in (citation.title, citation.date, citation.source) if part)
            lines.append(f"[{citation.n}] {heading}")
            lines.append(f"    {citation.passage}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = get_assistant(args.db, args.llm).ask(args.question, as_of=args.as_of)
    except (StoreError, EmbeddingModelUnavailableError, LocalModelUnavailableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
