"""``python -m assistant follow add|list|check|remove``: followed questions from the command line.

``add "QUESTION" [--as-of D] [--since D] [--until D] [--source S]`` asks it and follows it with that
answer as seen; ``list`` shows each with its sources and whether it has new ones; ``check`` asks every
followed question again (run it after ``python -m index build``: the index cannot call the assistant)
and prints the new sources of each, marking them seen unless ``--keep-unseen`` (a script that checks
for the chat's sake leaves them new there); ``remove ID`` stops following one. A question that is not
followed is a user error: one line ``error: ...``, exit code 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.following.questions import Change, FollowedQuestion, FollowedQuestions, filters_label, filters_to_dict
from assistant.service import get_assistant
from assistant.settings import AssistantSettings, default_assistant_settings
from assistant.types import Citation, Filters

OPTION_NAMES = ("--as-of", "--since", "--until")  # how a bad date's message names the options (Filters.typed)


def add_follow_parser(commands: Any) -> None:
    """The ``follow`` command and its actions, on the main parser's subcommands."""
    follow = commands.add_parser("follow", help="follow questions: asked again after each index update")
    actions = follow.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="ask a question and follow it")
    add.add_argument("question")
    add.add_argument("--as-of", help="answer as of this day (YYYY-MM-DD)")
    add.add_argument("--since", help="only articles published on or after this day (YYYY-MM-DD)")
    add.add_argument("--until", help="only articles published on or before this day (YYYY-MM-DD)")
    add.add_argument("--source", action="append", dest="sources", help="only this source (repeat for more)")
    listing = actions.add_parser("list", help="the followed questions and whether they have new sources")
    check = actions.add_parser("check", help="ask every followed question again and print what is new")
    check.add_argument("--keep-unseen", action="store_true", help="leave the new sources marked new (for the chat)")
    remove = actions.add_parser("remove", help="stop following a question")
    remove.add_argument("id", type=int, help="its number, as `follow list` shows it")
    for action in (add, listing, check, remove):
        action.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
        action.add_argument("--owner", default="", help="whose questions: the chat login (default: none)")
        action.add_argument("--json", action="store_true", help="print JSON")


def follow_command(args: argparse.Namespace) -> int:
    """Run one ``follow`` action; exit code 0 (errors are raised as :class:`~index.errors.UserError`)."""
    settings = _settings(args.db)
    followed = FollowedQuestions.open(settings)
    if args.action == "add":
        filters = Filters.typed(args.as_of, args.since, args.until, args.sources, names=OPTION_NAMES)
        answer = get_assistant(args.db).ask(args.question, filters=filters)
        added = followed.follow(args.question, answer, args.owner, filters)
        sources = len({citation.article_id for citation in answer.citations})
        _print(args.json, _as_dict(added), f"following #{added.id}: {added.question} ({_count(sources)} cited now)")
    elif args.action == "list":
        questions = followed.questions(args.owner)
        lines = [_line(question) for question in questions] or ["no followed questions"]
        _print(args.json, [_as_dict(question) for question in questions], "\n".join(lines))
    elif args.action == "remove":
        removed = followed.get(args.id, args.owner)  # a missing one is a user error, said the same way
        followed.unfollow(args.id, args.owner)
        _print(args.json, _as_dict(removed), f"stopped following #{removed.id}: {removed.question}")
    else:
        _check(args, followed)
    return 0


def _check(args: argparse.Namespace, followed: FollowedQuestions) -> None:
    questions = followed.questions(args.owner)
    if not questions:  # nothing to ask: the model and index are not even loaded
        _print(args.json, [], "no followed questions")
        return
    changes = followed.refresh(get_assistant(args.db), args.owner)
    lines = [line for change in changes for line in _change_lines(change)]
    with_new = sum(1 for change in changes if change.new)
    lines.append(f"{_count(len(questions), 'followed question')} checked, {with_new} with new sources")
    _print(args.json, [_change_dict(change) for change in changes], "\n".join(lines))
    if not args.keep_unseen:  # printed: the person has seen them
        for change in changes:
            followed.mark_seen(change.followed.id)


def _settings(db: Path | None) -> AssistantSettings:
    settings = default_assistant_settings()
    return settings.model_copy(update={"db_path": db}) if db is not None else settings


def _count(number: int, noun: str = "source") -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _line(question: FollowedQuestion) -> str:
    filters = filters_label(question.filters)
    sources = len({citation.article_id for citation in question.latest.citations})
    news = f", {_count(question.new_sources, 'new source')}" if question.new_sources else ""
    when = question.checked_at.replace("T", " ").replace("+00:00", " UTC")
    return (
        f"#{question.id} {question.question}"
        + (f" [{filters}]" if filters else "")
        + (f" ({_count(sources)}{news}; checked {when})")
    )


def _change_lines(change: Change) -> list[str]:
    question = change.followed
    what = _count(len({c.article_id for c in change.new}), "new source") if change.new else "sources changed"
    lines = [f"#{question.id} {question.question}: {what}"]
    lines += [f"  new {_heading(citation)}\n      {citation.passage}" for citation in change.new]
    lines += [f"  no longer cited: {article_id}" for article_id in change.gone]
    return lines


def _heading(citation: Citation) -> str:
    return f"[{citation.n}] " + " · ".join(part for part in (citation.title, citation.date, citation.source) if part)


def _as_dict(question: FollowedQuestion) -> dict[str, Any]:
    return {
        "id": question.id,
        "owner": question.owner,
        "question": question.question,
        "filters": filters_to_dict(question.filters),
        "followed_at": question.followed_at,
        "seen_at": question.seen_at,
        "checked_at": question.checked_at,
        "new_sources": question.new_sources,
        "answer": question.latest.to_dict(),
    }


def _change_dict(change: Change) -> dict[str, Any]:
    return {
        **_as_dict(change.followed),
        "new": [citation.to_dict() for citation in change.new],
        "gone": change.gone,
    }


def _print(as_json: bool, value: Any, text: str) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2) if as_json else text)
