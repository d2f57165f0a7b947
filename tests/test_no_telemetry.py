"""No telemetry, no model hub: indexing, answering and serving the chat open no connection beyond loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEEDS, free_port

# Runs in a fresh interpreter, so the audit hook sees every import's network use from the start.
WATCHED_RUN = """
import ipaddress, json, socket, sys
attempts = []

def host_of(address):
    return address[0] if isinstance(address, tuple) else address

def audit(event, args):
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(["connect", str(host_of(address))])
    elif event == "socket.getaddrinfo":
        attempts.append(["resolve", str(args[0])])

sys.addaudithook(audit)
from pathlib import Path
from chat.app import build_app
from assistant import Assistant
from index.build import build_index
from chat.settings import Settings
from index.store import ArticleStore
settings = Settings(db_path=Path(sys.argv[1]))
store = ArticleStore.open(settings)
build_index(store, [sys.argv[2]], show_progress=False)
assistant = Assistant(settings, store=store)
answered = assistant.ask("What does Turkey demand in Libya?").answered
chat = build_app(assistant, settings)
chat.launch(server_name="127.0.0.1", server_port=int(sys.argv[3]), prevent_thread_lock=True, share=False)
chat.close()
# Proof that the watch sees connections: one of our own, to a loopback listener.
listener = socket.create_server(("127.0.0.1", 0))
socket.create_connection(listener.getsockname()).close()
print(json.dumps({"answered": answered, "attempts": attempts}))
"""


def _is_loopback(host: str) -> bool:
    import ipaddress  # noqa: PLC0415

    if host in ("localhost", "None", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def test_indexing_answering_and_serving_the_chat_contact_no_one(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", WATCHED_RUN, str(tmp_path / "db"), str(SEEDS), str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["answered"], "the run did the work it watches"
    assert ["connect", "127.0.0.1"] in result["attempts"], "the watch saw no connection at all"
    outside = [attempt for attempt in result["attempts"] if not _is_loopback(attempt[1])]
    assert outside == [], f"network use beyond loopback: {outside}"
