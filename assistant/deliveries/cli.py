"""``python -m assistant digest send|token``: digests by email now, and feed tokens.

``send --to ADDRESS [--topic T] [--since DAY]`` sends the digests to ADDRESS left unsent by an earlier
run first, then builds the next one (:mod:`assistant.deliveries.build`: what is new since the last
digest to ADDRESS on that topic), records it in the outbox, sends it and prints what it sent; nothing
new, no email. An SMTP server that cannot be reached is one line ``error: ...`` and exit code 2, the
digest kept in the outbox for the next run. ``token [--owner LOGIN] [--revoke]`` makes (or revokes) the
login's feed token, the one key a feed reader needs for ``/feeds/briefing.atom?token=...`` and
``/feeds/followed.atom?token=...`` when the chat has a login (:mod:`assistant.deliveries.tokens`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.dates import user_date
from assistant.deliveries.digest import Digest, Subscription
from assistant.deliveries.mail import check_mail_settings, checked_address
from assistant.deliveries.outbox import Outbox
from assistant.deliveries.schedule_cli import ACTIONS, add_schedule_parsers, schedule_command
from assistant.deliveries.sender import Delivered, MailSender, send_digests
from assistant.deliveries.tokens import FeedTokens
from assistant.following.questions import FollowedQuestions
from assistant.service import get_assistant
from assistant.settings import AssistantSettings, default_assistant_settings

FEED_PATHS = ("/feeds/briefing.atom", "/feeds/followed.atom")


def add_digest_parser(commands: Any) -> None:
    """The ``digest`` command and its actions, on the main parser's subcommands."""
    digest = commands.add_parser("digest", help="news digests by email or webhook, their schedules; feed tokens")
    actions = digest.add_subparsers(dest="action", required=True)
    send = actions.add_parser("send", help="send the digest of what is new now, by email")
    send.add_argument("--to", required=True, help="the email address to send it to")
    send.add_argument("--topic", default="", help="only stories about this (default: all the news)")
    send.add_argument("--since", help="from this day (YYYY-MM-DD; default: the last digest's end)")
    send.add_argument("--owner", default="", help="whose followed questions: the chat login (default: none)")
    send.add_argument("--json", action="store_true", help="print what was sent as JSON")
    token = actions.add_parser("token", help="a feed reader's key to the feeds, when the chat has a login")
    token.add_argument("--owner", default="", help="the chat login it reads as (default: none)")
    token.add_argument("--revoke", action="store_true", help="revoke the login's token instead")
    for action in (send, token, *add_schedule_parsers(actions)):
        action.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")


def digest_command(args: argparse.Namespace) -> int:
    """Run one ``digest`` action; exit code 0 (errors are raised as :class:`~index.errors.UserError`)."""
    settings = default_assistant_settings()
    if args.db is not None:
        settings = settings.model_copy(update={"db_path": args.db})
    if args.action == "token":
        return _token(args, settings)
    if args.action in ACTIONS:
        return schedule_command(args, settings)
    recipient = checked_address(args.to)  # before anything is opened: a typo is one line
    since = user_date(args.since, "--since")
    sender = MailSender(Outbox.open(settings), settings, check_mail_settings(settings))
    subscription = Subscription("email", recipient, args.owner, " ".join(args.topic.split()))
    done = send_digests(
        lambda: get_assistant(args.db), sender, subscription, since=since, followed=FollowedQuestions.open(settings)
    )
    if args.json:
        print(json.dumps(_as_dict(done), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_lines(done, subscription)))
    return 0


def _token(args: argparse.Namespace, settings: AssistantSettings) -> int:
    tokens = FeedTokens.open(settings)
    whose = f"login {args.owner!r}" if args.owner else "no login"
    if args.revoke:
        revoked = tokens.revoke(args.owner)
        print(f"revoked the feed token of {whose}" if revoked else f"{whose} had no feed token")
        return 0
    token = tokens.issue(args.owner)
    print(f"feed token of {whose} (any earlier one is revoked): {token}")
    for path in FEED_PATHS:
        print(f"  {path}?token={token}")
    return 0


def _lines(done: Delivered, subscription: Subscription) -> list[str]:
    lines = [f"resent digest {d.id} (left unsent by an earlier run): {d.subject()}" for d in done.resent]
    digest = done.digest
    if digest is None:
        lines.append(f"nothing new for {subscription.recipient} since the last digest: no digest sent")
        return lines
    lines.append(f"sent digest {digest.id} to {subscription.recipient}: {digest.subject()}")
    lines += [f"  {line}" for line in summary(digest)]
    return lines


def summary(digest: Digest) -> list[str]:
    """One line per story and followed question of ``digest``."""
    lines = []
    for item in digest.items():
        if item.kind == "story":
            lines.append(f"{item.n}. {item.title}")
        else:
            count = len(item.articles)
            lines.append(f"{item.n}. followed: {item.title} ({count} new source{'' if count == 1 else 's'})")
    if digest.left_out:
        lines.append(f"({digest.left_out} stories with nothing new since an earlier digest left out)")
    return lines


def _as_dict(done: Delivered) -> dict[str, Any]:
    return {
        "resent": [digest.to_dict() for digest in done.resent],
        "sent": done.digest.to_dict() if done.digest else None,
    }
