"""Article files sent from the browser, saved into the data folder safely before they are indexed.

Only files the server itself received are read: a request names its files by a server path, and
a hostile one could name any file the process can read (``/home/me/notes.txt``), which indexing
would copy and then serve through search. So a path is read only when it lies, once every link is
resolved, inside one of the folders the caller allows (the web framework's upload folder, the
upload folder of the settings); any other is refused and not opened.

Only the formats the index reads are accepted, each file at most ``max_bytes``, and the name is
reduced to a plain file name (no folders, no ``..``, no hidden files, no odd characters), so nothing
can be written outside the upload folder whatever the browser sends. A file of the same name
replaces the earlier one: uploading a corrected article updates it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from index.sources.files import SUPPORTED_SUFFIXES, article_suffix

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_MAX_NAME = 120


@dataclass
class SavedUploads:
    """Where the accepted files went, and why the others were refused (name, reason)."""

    saved: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def safe_name(name: str) -> str | None:
    """A plain file name to save ``name`` under, or None when nothing usable is left."""
    base = PureWindowsPath(PurePosixPath(name).name).name  # drop folders of either kind of path
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    if len(cleaned) > _MAX_NAME:
        suffix = article_suffix(Path(cleaned))
        cleaned = cleaned[: _MAX_NAME - len(suffix)] + suffix
    return cleaned or None


NOT_RECEIVED = "not a file this server received: only uploads are indexed from the chat"


def received_here(path: Path, allowed: Sequence[Path]) -> bool:
    """Whether ``path``, every symbolic link resolved, is a regular file inside one of ``allowed``."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of links
        return False
    roots = [folder.resolve() for folder in allowed]
    return resolved.is_file() and any(resolved.is_relative_to(root) for root in roots)


def save_uploads(
    files: list[tuple[str, Path]], folder: Path, max_bytes: int, received_in: Sequence[Path] | None = None
) -> SavedUploads:
    """Copy each ``(name the browser gave, temporary file)`` into ``folder`` when it is acceptable.

    ``received_in``: the folders a temporary file must be inside (see the module docstring); a
    file elsewhere is refused before anything reads it. ``None`` skips the check, for callers that
    made the files themselves.
    """
    result = SavedUploads()
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    for given, temporary in files:
        if received_in is not None and not received_here(temporary, received_in):
            result.refused.append((given, NOT_RECEIVED))
            continue
        name = safe_name(given)
        if name is None or article_suffix(Path(name)) not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(SUPPORTED_SUFFIXES)
            result.refused.append((given, f"not an article file (accepted: {kinds})"))
            continue
        size = temporary.stat().st_size
        if size > max_bytes:
            result.refused.append((given, f"{size / 1e6:.2g} MB is over the {max_bytes / 1e6:g} MB limit"))
            continue
        target = (root / name).resolve()
        if target.parent != root:  # cannot happen after safe_name; checked anyway, it is the one rule
            result.refused.append((given, "not a plain file name"))
            continue
        if temporary.resolve() != target:  # a file already in the upload folder is indexed where it is
            shutil.copyfile(temporary, target)
        result.saved.append(target)
    return result
