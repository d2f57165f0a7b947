"""A real PostgreSQL server for the tests of the shared keyword index: Debian's ``postgresql`` package
(installed by ``make test``), a cluster made with ``initdb`` in a temp folder, started with ``pg_ctl``
on a free loopback port and stopped at the end of the session.

PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to the ``postgres`` user the
package creates, in a folder under /tmp that user can reach.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from index.store.sql import sql_engine


def _binaries() -> Path:
    found = shutil.which("initdb") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None
    )
    if not found:
        pytest.fail("PostgreSQL's initdb is not installed: run `make test` (it installs Debian's postgresql)")
    return Path(found).resolve().parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database on loopback (user ``postgres``, no password: trust on loopback)."""
    binaries = _binaries()
    owner = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="news-pg-"))
    if owner:
        record = pwd.getpwnam(owner)
        os.chown(root, record.pw_uid, record.pw_gid)
    data, port = root / "data", _free_port()
    _run(_as_owner([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"], owner))
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start"]
    try:
        _run(_as_owner(start, owner))
    except subprocess.CalledProcessError:
        pytest.fail(f"PostgreSQL did not start: {(root / 'server.log').read_text()[-2000:]}")
    try:
        _wait_until_accepting(port)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], owner),
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def _wait_until_accepting(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"PostgreSQL is not accepting connections on port {port}")


def fresh_postgres_database(server: str) -> str:
    """A new, empty database on the test server: the tables start empty whatever ran before."""
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    engine = sql_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
