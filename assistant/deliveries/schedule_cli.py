"""``python -m assistant digest add|list|remove|pause|resume|run``: scheduled digests from the shell.

``add --every daily|weekly|CRON (--to ADDRESS | --webhook URL) [--topic T]`` stores a schedule (a
webhook's signing secret is printed once, then only kept); ``list`` shows each with its last send,
last error and next time; ``run`` sends what is due every ``--interval`` seconds until stopped, or
once with ``--once`` (any number of runners may share the database: each schedule is sent by one).
Wrong input (an address, a cadence, a private webhook address, an unknown id) is one line, exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
from typing import Any

from assistant.deliveries.digest import Subscription
from assistant.deliveries.mail import checked_address
from assistant.deliveries.runner import Run, Runner
from assistant.deliveries.schedules import Schedule, Schedules
from assistant.deliveries.webhook import checked_url, new_secret
from assistant.service import get_assistant
from assistant.settings import AssistantSettings

ACTIONS = ("add", "list", "remove", "pause", "resume", "run")


def add_schedule_parsers(actions: Any) -> list[argparse.ArgumentParser]:
    """The schedule actions on ``digest``'s subcommands; returns them (the caller adds ``--db``)."""
    add = actions.add_parser("add", help="schedule a digest by email or webhook")
    add.add_argument("--every", required=True, help="daily, weekly or a cron expression (UTC), e.g. '0 7 * * 1-5'")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", help="the email address to send it to")
    where.add_argument("--webhook", help="the URL to POST it to, as signed JSON")
    add.add_argument("--topic", default="", help="only stories about this (default: all the news)")
    add.add_argument("--owner", default="", help="whose followed questions: the chat login (default: none)")
    listing = actions.add_parser("list", help="the scheduled digests, their last send and next time")
    by_id = []
    for name, text in (("remove", "delete"), ("pause", "pause"), ("resume", "resume")):
        action = actions.add_parser(name, help=f"{text} a scheduled digest")
        action.add_argument("id", type=int, help="its number in `digest list`")
        by_id.append(action)
    run = actions.add_parser("run", help="send the scheduled digests when they are due")
    run.add_argument("--once", action="store_true", help="send what is due now, then exit")
    run.add_argument("--interval", type=float, help="seconds between looks (default: ASSISTANT_DIGEST_CHECK_SECONDS)")
    return [add, listing, *by_id, run]


def schedule_command(args: argparse.Namespace, settings: AssistantSettings) -> int:
    """Run one schedule action (errors are :class:`~index.errors.UserError`: one line, exit 2)."""
    schedules = Schedules.open(settings)
    if args.action == "add":
        return _add(args, settings, schedules)
    if args.action == "list":
        for schedule in schedules.all():
            print("\n".join(describe(schedule)))
        return 0 if schedules.all() else _none()
    if args.action == "remove":
        schedules.remove(args.id)
        print(f"removed digest schedule {args.id}")
        return 0
    if args.action in ("pause", "resume"):
        schedule = schedules.pause(args.id, args.action == "pause")
        print(f"{args.action}d digest schedule {args.id}" + ("" if schedule.paused else f"; next {schedule.next_due}"))
        return 0
    if args.interval is None:
        args.interval = settings.digest_check_seconds
    return _run(args, settings)


def _none() -> int:
    print("no digest is scheduled: `python -m assistant digest add --every daily --to ADDRESS` adds one")
    return 0


def _add(args: argparse.Namespace, settings: AssistantSettings, schedules: Schedules) -> int:
    topic = " ".join(args.topic.split())
    secret = ""
    if args.webhook:
        subscription = Subscription("webhook", checked_url(args.webhook, settings), args.owner, topic)
        secret = new_secret()
    else:
        subscription = Subscription("email", checked_address(args.to), args.owner, topic)
    schedule = schedules.add(subscription, args.every, secret)
    print(f"added digest schedule {schedule.id}: {schedule.every} to {subscription.recipient}; due now")
    if secret:
        print(f"webhook secret (shown once; the X-Digest-Signature header is sha256=HMAC of the body): {secret}")
    return 0


def describe(schedule: Schedule) -> list[str]:
    """A schedule as ``digest list`` prints it: what, where, then how it went."""
    sub = schedule.subscription
    about = f" on {sub.topic}" if sub.topic else ""
    state = "paused" if schedule.paused else f"next {schedule.next_due}"
    lines = [f"{schedule.id}. {schedule.every} {sub.channel} to {sub.recipient}{about} ({state})"]
    sent = f"{schedule.last_sent} (digest {schedule.last_digest})" if schedule.last_sent else "never"
    lines.append(f"   last sent: {sent}")
    if schedule.last_error:
        lines.append(f"   last error: {schedule.last_error}")
    return lines


def _run(args: argparse.Namespace, settings: AssistantSettings) -> int:
    runner = Runner(settings, lambda: get_assistant(args.db))
    if not args.once:
        print(f"sending the scheduled digests when due, looking every {args.interval:g} s (Ctrl-C stops)", flush=True)
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it: no traceback
            runner.run_until(threading.Event(), args.interval)
        return 0
    for run in runner.run_due():
        print(_run_line(run), flush=True)
    return 0


def _run_line(run: Run) -> str:
    where = f"schedule {run.schedule.id} ({run.schedule.subscription.recipient})"
    if run.error:
        return f"{where}: not sent: {run.error}"
    if not run.sent:
        return f"{where}: nothing new since the last digest"
    return f"{where}: sent " + ", ".join(f"digest {d.id}: {d.subject()}" for d in run.sent)
