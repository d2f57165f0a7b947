"""The chat, served for real by ``python app.py`` and called over HTTP with gradio_client."""

from __future__ import annotations

import html
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from gradio_client import Client

from assistant import Assistant
from assistant.citations import markers_in
from assistant.history import history_turns
from assistant.types import Answer, Citation
from chat.history import plain_turns
from chat.render import escape_markdown, render_answer
from index.naming import YOUR_FILES
from tests.conftest import ROOT, serving


@pytest.fixture(scope="module")
def chat_url(seed_db: Path) -> Iterator[str]:
    with serving(seed_db, {}) as url:
        yield url


def test_chat_answers_the_seed_question_with_its_sources(chat_url: str) -> None:
    client = Client(chat_url, verbose=False)
    reply = client.predict("What does Turkey demand in Libya?", api_name="/chat")
    assert "Sirte" in reply
    assert 'class="cite-chip" href="#source-' in reply  # the [1] chip, leading to its passage
    assert "<strong>Sources</strong>" in reply
    assert "2020-06-20" in reply
    assert "Turkey on Saturday announced" in reply  # the article's title and passage


def test_chat_streams_the_answer_then_shows_the_sources(chat_url: str) -> None:
    job = Client(chat_url, verbose=False).submit("What did Turkey say about France?", api_name="/chat")
    final = job.result(timeout=120)
    outputs = job.outputs()
    assert len(outputs) >= 2, "the reply arrived in one piece"
    assert "Sources" not in outputs[0] and "France" in outputs[0]
    assert outputs[-1] == final and "<strong>Sources</strong>" in final


def test_chat_refuses_an_off_topic_question(chat_url: str) -> None:
    reply = Client(chat_url, verbose=False).predict("What is the boiling point of tungsten?", api_name="/chat")
    assert "not in the articles" in reply
    assert "Sources" not in reply


def test_rendered_reply_highlights_the_quoted_sentences_and_escapes_article_markup(
    seed_assistant: Assistant,
) -> None:
    answer = seed_assistant.ask("What did Turkey say about France?")
    reply = render_answer(answer)
    first_sentence = answer.text.split(" [")[0]
    assert f"<mark>{html.escape(first_sentence)}</mark>" in reply
    assert reply.count("<mark>") == len(markers_in(answer.text))
    hostile = Citation(1, "a", "<b>t</b>", "", "", "", "<script>*x*</script> A [link](javascript:x).", 0.5)
    rendered = render_answer(Answer("q", "<script>*x*</script> A [link](javascript:x). [1]", True, [hostile]))
    answer_part, sources_part = rendered.split('<div class="sources">')
    assert "<script>" not in rendered and "<b>" not in rendered
    assert "\\<script\\>\\*x\\*" in answer_part and "[link](javascript" not in answer_part  # escaped markdown
    assert "&lt;script&gt;*x*" in sources_part  # HTML-escaped text: markdown is not read inside the HTML block


def test_history_from_gradio_blocks_becomes_plain_turns() -> None:
    history = [
        {"role": "user", "content": [{"type": "text", "text": "What does Turkey demand?"}]},
        {"role": "assistant", "content": "Withdrawal from Sirte [1]"},
    ]
    assert history_turns(history) == [
        {"role": "user", "content": "What does Turkey demand?"},
        {"role": "assistant", "content": "Withdrawal from Sirte [1]"},
    ]


def test_the_chat_hands_the_assistant_plain_question_and_answer_turns(seed_assistant: Assistant) -> None:
    reply = render_answer(seed_assistant.ask("What does Turkey demand in Libya?"))
    history = [
        {"role": "user", "content": [{"type": "text", "text": "What does Turkey demand in Libya?"}]},
        {"role": "assistant", "content": reply},
        {"role": "user", "content": "And what did it say about France?"},  # being answered: no turn yet
    ]
    [(question, answer)] = plain_turns(history)
    assert question == "What does Turkey demand in Libya?"
    assert answer.startswith("Turkey on Saturday announced") and "[1]" in answer
    assert "<" not in answer and "\\" not in answer and "Sources" not in answer


def test_the_chat_starts_without_warnings(chat_url: str, seed_db: Path) -> None:
    log = (seed_db.parent / f"app-{urlsplit(chat_url).port}.log").read_text()
    assert "warning" not in log.lower() and "Traceback" not in log, log[-3000:]


def test_a_claim_with_two_sources_shows_both_chips() -> None:
    passage = "The bank raised rates by half a point."
    citations = [Citation(n, f"a{n}", f"Title {n}", "2023-03-02", "wire", "", passage, 0.5) for n in (1, 2)]
    reply = render_answer(Answer("q", f"{passage} [1][2]", True, citations), key="k")
    assert (
        reply.startswith(f'{escape_markdown(passage)} <a class="cite-chip" href="#source-k-1"')
        and '</a> <a class="cite-chip" href="#source-k-2"' in reply
    )
    assert reply.count("<mark>") == 2  # the sentence is highlighted in both sources


def test_a_build_refuses_clearly_while_the_chat_owns_the_embedded_index(chat_url: str, seed_db: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "index", "build", "seeds", "--db", str(seed_db), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert build.returncode == 2
    assert "in use by another process" in build.stderr and "ASSISTANT_CHROMA_HOST" in build.stderr
    reply = Client(chat_url, verbose=False).predict("What does Turkey demand in Libya?", api_name="/chat")
    assert "Sirte" in reply, "the chat goes on answering"


def test_date_and_source_filters_narrow_what_the_chat_answers_from(chat_url: str) -> None:
    client = Client(chat_url, verbose=False)
    question = "What does Turkey demand in Libya?"
    seed_source = YOUR_FILES  # the seed file names no outlet: its source is a readable one (index.naming)
    assert "Sirte" in client.predict(question, "2020-06-01", "2020-06-30", [], api_name="/chat")
    assert "not in the articles" in client.predict(question, "2021-01-01", "", [], api_name="/chat")
    assert "Sirte" in client.predict(question, "", "", [seed_source], api_name="/chat")
    assert "not in the articles" in client.predict(question, "", "", ["cnn.com"], api_name="/chat")
    assert "is not a date" in client.predict(question, "2020-13-45", "", [], api_name="/chat")
