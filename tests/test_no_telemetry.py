"""No telemetry, no model hub: every entry point, started with none of the offline switches set,
applies them before the libraries that read them and opens no connection beyond loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.offline import SWITCHES
from tests.conftest import ROOT, SEEDS, free_port

# Runs the entry point in a fresh interpreter under an audit hook that records every connection and
# name lookup from the first import on; a served chat is stopped once it has answered a page load.
WATCHED_RUN = """
import http.client, json, os, runpy, socket, sys, threading, time
attempts = []

def audit(event, args):
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(["connect", str(address[0] if isinstance(address, tuple) else address)])
    elif event == "socket.getaddrinfo":
        attempts.append(["resolve", str(args[0])])

sys.addaudithook(audit)
out, target, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
switches = json.loads(os.environ["WATCHED_SWITCHES"])

def finish(code):
    import huggingface_hub.constants as hub
    # Proof that the watch sees connections: one of our own, to a loopback listener.
    listener = socket.create_server(("127.0.0.1", 0))
    socket.create_connection(listener.getsockname()).close()
    result = {"code": code, "attempts": attempts, "hub_offline": bool(hub.HF_HUB_OFFLINE),
              "switches": {name: os.environ.get(name) for name in switches}}
    with open(out, "w") as file:
        json.dump(result, file)
    sys.stdout.flush()
    os._exit(0)

if "--port" in argv:
    port = int(argv[argv.index("--port") + 1])
    def stop_once_served():
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        finish(0)
    threading.Thread(target=stop_once_served, daemon=True).start()

sys.argv = [target, *argv]
try:
    if target.endswith(".py"):
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as stop:
    code = stop.code
finish(code)
"""


def _is_loopback(host: str) -> bool:
    import ipaddress  # noqa: PLC0415

    if host in ("localhost", "None", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def watched(tmp_path: Path, name: str, target: str, *args: str) -> dict:
    """Run ``target`` (a module, or a .py file) with ``args`` in an environment without any switch."""
    env = {key: value for key, value in os.environ.items() if key not in SWITCHES}
    env["WATCHED_SWITCHES"] = json.dumps(sorted(SWITCHES))
    out = tmp_path / f"{name}.json"
    run = subprocess.run(
        [sys.executable, "-c", WATCHED_RUN, str(out), target, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.exists(), run.stderr[-3000:]
    return {**json.loads(out.read_text()), "stdout": run.stdout, "stderr": run.stderr}


@pytest.fixture(scope="module")
def eval_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("eval-files")
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    corpus, questions = root / "corpus.jsonl", root / "questions.jsonl"
    corpus.write_text(json.dumps({"doc_id": "seed", "text": text, "publish_date": "2020/06/20"}) + "\n")
    question = {
        "question_id": "q1",
        "question": "What does Turkey demand in Libya?",
        "question_date": "2020/06/21",
        "evidence_doc_ids": ["seed"],
        "answer": "Sirte",
        "tier": "gold",
    }
    questions.write_text(json.dumps(question) + "\n")
    return corpus, questions


def test_every_entry_point_applies_the_switches_and_contacts_no_one(tmp_path: Path, eval_files) -> None:
    db = tmp_path / "db"
    corpus, questions = eval_files
    runs = {
        "index": watched(tmp_path, "index", "index", "build", str(SEEDS), "--db", str(db), "--quiet"),
        "ask": watched(
            tmp_path, "ask", "assistant", "ask", "What does Turkey demand in Libya?", "--db", str(db), "--json"
        ),
        "eval": watched(
            tmp_path,
            "eval",
            "assistant.eval",
            "--corpus",
            str(corpus),
            "--questions",
            str(questions),
            "--db",
            str(tmp_path / "eval-db"),
            "--modes",
            "hybrid",
            "--quiet",
        ),
        "chat": watched(tmp_path, "chat", "app.py", "--db", str(db), "--port", str(free_port())),
    }
    assert '"answered": true' in runs["ask"]["stdout"], "the run did the work it watches"
    assert "| hybrid | all | 1 |" in runs["eval"]["stdout"]
    for name, result in runs.items():
        assert result["code"] == 0, (name, result["stderr"][-3000:])
        assert result["hub_offline"], f"{name}: huggingface_hub was imported before HF_HUB_OFFLINE was set"
        assert result["switches"] == SWITCHES, name
        assert ["connect", "127.0.0.1"] in result["attempts"], f"{name}: the watch saw no connection at all"
        outside = [attempt for attempt in result["attempts"] if not _is_loopback(attempt[1])]
        assert outside == [], f"{name}: network use beyond loopback: {outside}"
