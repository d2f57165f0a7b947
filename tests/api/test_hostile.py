"""What a hostile visitor or a hostile article can do to the served API, and why it no longer works:
``python app.py`` served with a login and ``ASSISTANT_ALLOWED_HOSTS``, over an index holding an article
whose text, title and URL try to run script; and a date no calendar arithmetic can count from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from markdown_it import MarkdownIt

from tests.api_helpers import HOSTILE_QUESTION, build_hostile_index
from tests.conftest import run_python, serving

USER, PASSWORD = "ann", "s3cret"
BEARER = {"Authorization": f"Bearer {PASSWORD}"}
SERVED_AS = "news.example.test"  # the name ASSISTANT_ALLOWED_HOSTS adds, as behind a proxy
TIMEOUT = 120


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Path:
    return build_hostile_index(tmp_path_factory.mktemp("hostile"), embeddings)


@pytest.fixture(scope="module")
def url(db: Path) -> Iterator[str]:
    env = {
        "ASSISTANT_CHAT_USER": USER,
        "ASSISTANT_CHAT_PASSWORD": PASSWORD,
        "ASSISTANT_ALLOWED_HOSTS": f'["{SERVED_AS}"]',
    }
    with serving(db, env) as served:
        yield served.rstrip("/")


@pytest.fixture(scope="module")
def api(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, headers=BEARER, timeout=TIMEOUT) as client:
        yield client


# --- Untrusted article text -------------------------------------------------------------------------


def rendered(markdown: str) -> str:
    """What a client rendering Markdown (CommonMark, raw HTML allowed, as most do) puts in its page."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def assert_safe_to_render(text: str) -> None:
    page = rendered(text)
    assert "<script" not in page and "<img" not in page, page
    assert 'href="javascript:' not in page.lower(), page


def all_text(answer: dict[str, Any]) -> list[str]:
    """Every piece of article text an answer carries: its text and each citation's title, source and passage."""
    cited = [c[key] for c in answer["citations"] for key in ("title", "source", "passage")]
    return [answer["answer"], *cited]


def test_answers_carry_article_text_verbatim_unless_asked_to_sanitize(api: httpx.Client) -> None:
    raw = api.post("/api/ask", json={"question": HOSTILE_QUESTION}).json()
    passage = raw["citations"][0]["passage"]
    assert "<script>alert(1)</script>" in passage and "[click](javascript:alert(1))" in passage, "verbatim"
    assert raw["citations"][0]["url"] == "javascript:alert('url')"
    assert "<script" in rendered(passage), "rendered verbatim, the article's script would run"

    safe = api.post("/api/ask", json={"question": HOSTILE_QUESTION, "sanitize": True}).json()
    assert safe["answered"] is True and "40,000" in safe["answer"]
    for text in all_text(safe):
        assert_safe_to_render(text)
    cited = safe["citations"][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cited["passage"], "shown as characters, not dropped"
    assert "[click](javascript:alert(1))" in rendered(cited["passage"]), "the link's words stay, as text"
    assert cited["url"] == "", "a javascript: address is no address"
    assert "Zorblat harbour festival" in cited["title"] and "<img" not in cited["title"]


def test_search_brief_and_the_stream_sanitize_on_request(api: httpx.Client) -> None:
    found = api.post("/api/search", json={"query": HOSTILE_QUESTION, "k": 1, "sanitize": True}).json()
    top = found["passages"][0]
    assert "Zorblat" in top["passage"] and top["url"] == ""
    for key in ("passage", "title"):
        assert_safe_to_render(top[key])

    brief = api.post("/api/brief", json={"kind": "timeline", "topic": "Zorblat harbour festival", "sanitize": True})
    assert brief.status_code == 200, brief.text
    for text in all_text(brief.json()):
        assert_safe_to_render(text)

    body = {"question": HOSTILE_QUESTION, "sanitize": True}
    with api.stream("POST", "/api/ask/stream", json=body) as response:
        lines = [json.loads(line) for line in response.iter_lines() if line]
    *drafts, last = lines
    assert last["type"] == "answer" and last["answer"]["citations"]
    for text in [line["text"] for line in drafts] + all_text(last["answer"]):
        assert_safe_to_render(text)


def test_the_openai_endpoint_sanitizes_by_default_as_chat_clients_render_markdown(api: httpx.Client) -> None:
    messages = [{"role": "user", "content": HOSTILE_QUESTION}]
    reply = api.post("/v1/chat/completions", json={"model": "x", "messages": messages}).json()
    content = reply["choices"][0]["message"]["content"]
    assert "40,000" in content and "Sources:" in content
    assert_safe_to_render(content)
    assert all(citation["url"] == "" for citation in reply["citations"])
    for citation in reply["citations"]:
        assert_safe_to_render(citation["passage"])

    streamed = api.post("/v1/chat/completions", json={"model": "x", "messages": messages, "stream": True})
    events = [json.loads(line[6:]) for line in streamed.text.splitlines() if line.startswith("data: {")]
    assert "".join(e["choices"][0]["delta"].get("content") or "" for e in events if e["choices"]) == content

    verbatim = api.post("/v1/chat/completions", json={"model": "x", "messages": messages, "sanitize": False}).json()
    assert verbatim["citations"][0]["url"] == "javascript:alert('url')"


def test_the_schema_says_which_fields_are_untrusted_and_how_to_sanitize(api: httpx.Client) -> None:
    schema = api.get("/api/openapi.json").json()
    citation = schema["components"]["schemas"]["CitationOut"]["properties"]
    assert "untrusted" in citation["passage"]["description"] and "sanitize" in citation["passage"]["description"]
    ask = schema["components"]["schemas"]["AskRequest"]["properties"]["sanitize"]
    assert ask["default"] is False and "HTML-escaped" in ask["description"]


# --- Names and pages other than the server's own ----------------------------------------------------


def test_a_name_in_allowed_hosts_is_served_and_others_are_still_refused(api: httpx.Client, url: str) -> None:
    body = {"query": "Sirte", "k": 1}
    for host in (SERVED_AS, f"{SERVED_AS}:443"):
        assert api.post("/api/search", json=body, headers={"Host": host}).status_code == 200, host
    from_its_page = api.post("/api/search", json=body, headers={"Host": SERVED_AS, "Origin": f"https://{SERVED_AS}"})
    assert from_its_page.status_code == 200, from_its_page.text
    assert api.get("/", headers={"Host": SERVED_AS}).status_code == 200

    refused = api.post("/api/search", json=body, headers={"Host": "evil.example"})
    assert refused.status_code == 400 and SERVED_AS in refused.json()["error"]
    assert api.get("/", headers={"Origin": "https://evil.example"}).status_code == 403


# --- Guessing the login -----------------------------------------------------------------------------


def from_address(address: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """Headers of a client at ``address``: uvicorn takes X-Forwarded-For from a proxy on this machine."""
    return {"X-Forwarded-For": address, **(headers or {})}


def test_repeated_wrong_logins_earn_a_pause_for_that_address_only(api: httpx.Client) -> None:
    wrong = from_address("198.51.100.1", {"Authorization": "Bearer guess"})
    for _ in range(5):
        assert api.get("/v1/models", headers=wrong).status_code == 401
    paused = api.get("/v1/models", headers=from_address("198.51.100.1", BEARER))  # even the right password waits
    assert paused.status_code == 429, paused.text
    assert 1 <= int(paused.headers["retry-after"]) <= 30
    assert "too many wrong logins from 198.51.100.1" in paused.json()["error"]["message"]
    assert paused.json()["error"]["type"] == "rate_limit_error"
    assert (
        api.post("/api/search", json={"query": "Sirte"}, headers=from_address("198.51.100.1", BEARER)).status_code
        == 429
    )

    assert api.get("/v1/models", headers=from_address("198.51.100.2", BEARER)).status_code == 200, "another address"
    assert api.get("/v1/models").status_code == 200, "this machine's own address"


def test_the_chats_login_form_is_paused_the_same_way(url: str) -> None:
    with httpx.Client(base_url=url, timeout=TIMEOUT) as browser:
        guess = {"username": USER, "password": "guess"}
        for _ in range(5):
            assert browser.post("/login", data=guess, headers=from_address("198.51.100.3")).status_code == 400
        right = {"username": USER, "password": PASSWORD}
        paused = browser.post("/login", data=right, headers=from_address("198.51.100.3"))
        assert paused.status_code == 429 and "retry-after" in paused.headers, paused.text
        assert browser.post("/login", data=right, headers=from_address("198.51.100.4")).status_code == 200


# --- Dates no calendar arithmetic can count from ----------------------------------------------------


def test_a_day_out_of_range_is_one_line_and_exit_code_2_in_the_cli(db: Path) -> None:
    asked = run_python("-m", "assistant", "ask", "--as-of", "9999-12-31", "--db", str(db), HOSTILE_QUESTION)
    assert asked.returncode == 2 and "Traceback" not in asked.stderr, asked.stderr[-2000:]
    assert (
        asked.stderr.strip() == "error: --as-of: 9999-12-31 is out of range; give a day from 1800-01-01 to 2200-12-31"
    )


def test_the_log_shows_no_crash(url: str, db: Path, api: httpx.Client) -> None:
    port = urlsplit(url).port
    log = (db.parent / f"app-{port}.log").read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
