"""One process owns an embedded index: the chat, or a build, never two at once."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from index.settings import StoreSettings
from index.store.errors import StoreBusyError

_CLAIMED: dict[Path, int] = {}  # embedded stores this process owns: path -> open lock file descriptor


def claim_store(settings: StoreSettings) -> None:
    """Own the embedded index at ``settings.db_path`` for the life of this process, or refuse.

    An embedded Chroma (a SQLite file and HNSW segments in a folder) is safe with one process at a
    time, so the chat and ``index build`` claim it first; a second claimant gets a clear error that
    says how to share instead: a Chroma server. A server needs no claim (it serialises writes), and
    a process may claim the same folder more than once. The lock goes with the process, even killed.
    """
    if settings.chroma_host:
        return
    folder = settings.db_path.resolve()
    if folder in _CLAIMED:
        return
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / "owner.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.read(descriptor, 64).decode(errors="replace").strip() or "unknown"
        os.close(descriptor)
        raise StoreBusyError(
            f"The index at {folder} is in use by another process (pid {owner}: the chat, or another build). "
            "An embedded index belongs to one process at a time: stop that process, or share the index through "
            "a Chroma server (chroma run --path DIR, then set ASSISTANT_CHROMA_HOST and ASSISTANT_CHROMA_PORT)."
        ) from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, str(os.getpid()).encode())
    _CLAIMED[folder] = descriptor
