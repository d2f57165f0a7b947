"""Errors meant for the person at the keyboard, and how every entry point shows them.

Each is something a user can fix (a setting, a missing package, a server to start), so its message
says what to do. Every command turns one into a single ``error: ...`` line on stderr and exit code
2, never a traceback: :func:`run_command` is that rule in one place.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

USER_ERROR_EXIT = 2
INTERRUPTED_EXIT = 130  # a shell's code for a command stopped by Ctrl-C (128 + SIGINT)


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` says how."""


class MissingInputError(UserError):
    """A file or folder the user named does not exist."""


class BadDateError(UserError, ValueError):
    """A date the user typed cannot be read (``YYYY-MM-DD`` is expected)."""


class SettingsError(UserError):
    """A setting (an ``ASSISTANT_...`` variable) has a value that cannot be used."""


def one_line(error: BaseException) -> str:
    """The error's message on one line, whatever it wraps."""
    return " ".join(str(error).split()) or type(error).__name__


def run_command(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Run a command's ``main``; a :class:`UserError` (or invalid settings) becomes one line and exit 2,
    Ctrl-C one line and exit 130."""
    from pydantic import ValidationError  # noqa: PLC0415 - pydantic is cheap and reads no telemetry switch

    try:
        return main(argv)
    except KeyboardInterrupt:
        # Ctrl-C is how a person stops a long build or fill: one line, no traceback. What was written
        # is kept; builds and fills go on from there when run again.
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return INTERRUPTED_EXIT
    except UserError as error:
        print(f"error: {one_line(error)}", file=sys.stderr)
        return USER_ERROR_EXIT
    except ValidationError as error:
        print(f"error: {settings_message(error)}", file=sys.stderr)
        return USER_ERROR_EXIT


def settings_message(error: object) -> str:
    """A pydantic validation error of the settings as one sentence naming the variables."""
    problems = []
    for item in getattr(error, "errors", list)():
        field = ".".join(str(part) for part in item.get("loc", ()) if part != "__root__")
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(f"ASSISTANT_{field.upper()}: {message}" if field else message)
    return "invalid settings: " + "; ".join(problems or [one_line(error)])  # type: ignore[arg-type]
