"""The HTTP API served with the chat by ``python app.py``, called with real clients: httpx, the
``openai`` client and LangChain's ``ChatOpenAI``; bad input answered with a 4xx and a message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI

from assistant.conversations.store import ConversationStore
from assistant.types import Answer
from tests.api_helpers import build_followup_index
from tests.conftest import run_python, serving
from tests.followup_corpus import FIRST_QUESTION, FOLLOW_UP

ANSWER_KEYS = set(Answer("q", "t", False).to_dict())
CITATION_KEYS = {"n", "article_id", "title", "date", "source", "url", "passage", "score"}
TIMEOUT = 120


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[tuple[str, Path]]:
    """``app.py`` serving the seed article and a distractor about France; (URL, its log file)."""
    db = build_followup_index(tmp_path_factory.mktemp("api"), embeddings)
    with serving(db, {}) as url:
        yield url.rstrip("/"), db.parent / f"app-{urlsplit(url).port}.log"


@pytest.fixture(scope="module")
def api(served: tuple[str, Path]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served[0], timeout=TIMEOUT) as client:
        yield client


def ask(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/api/ask", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_ask_answers_with_the_json_of_ask_json(api: httpx.Client) -> None:
    result = ask(api, question=FIRST_QUESTION)
    assert set(result) == ANSWER_KEYS  # exactly what `python -m assistant ask --json` prints
    assert result["answered"] is True and "Sirte" in result["answer"] and "[1]" in result["answer"]
    assert result["question"] == FIRST_QUESTION and result["kind"] == "answer"
    first = result["citations"][0]
    assert set(first) >= CITATION_KEYS and first["n"] == 1 and first["date"] == "2020-06-20"
    assert "Sirte" in " ".join(c["passage"] for c in result["citations"])


def test_dates_and_sources_narrow_the_answer(api: httpx.Client) -> None:
    assert ask(api, question=FIRST_QUESTION, since="2021-01-01")["answered"] is False
    assert ask(api, question=FIRST_QUESTION, sources=["cnn.com"])["answered"] is False
    assert ask(api, question=FIRST_QUESTION, as_of="2020-06-30", until="2020-06-30")["answered"] is True


def test_follow_ups_by_conversation_id_and_by_history(api: httpx.Client) -> None:
    alone = api.post("/api/search", json={"query": FOLLOW_UP}).json()  # the answer keeps to one story: either
    assert alone["passages"][0]["article_id"].endswith("france_wine.txt"), "alone it finds the wine article first"

    started = api.post("/api/conversations")
    assert started.status_code == 201
    conversation = started.json()["conversation_id"]
    first = ask(api, question=FIRST_QUESTION, conversation_id=conversation)
    follow = ask(api, question=FOLLOW_UP, conversation_id=conversation)
    assert first["conversation_id"] == follow["conversation_id"] == conversation
    assert "NATO" in follow["answer"]
    assert not any(c["article_id"].endswith("france_wine.txt") for c in follow["citations"])

    by_history = ask(api, question=FOLLOW_UP, history=[[FIRST_QUESTION, first["answer"]]])
    by_messages = ask(
        api,
        question=FOLLOW_UP,
        history=[{"role": "user", "content": FIRST_QUESTION}, {"role": "assistant", "content": first["answer"]}],
    )
    assert by_history["answer"] == by_messages["answer"] == follow["answer"]
    assert "conversation_id" not in by_history


def test_api_conversations_are_kept_on_disk_and_listed_like_the_chat_s(
    api: httpx.Client, served: tuple[str, Path]
) -> None:
    conversation = api.post("/api/conversations").json()["conversation_id"]
    ask(api, question=FIRST_QUESTION, conversation_id=conversation)
    # The chat's store, beside the index folder: what the chat lists, and what a restart keeps.
    store = ConversationStore.open(f"sqlite:///{served[1].parent / 'conversations.sqlite'}")
    listed = {summary.id: summary for summary in store.conversations("")}
    assert listed[conversation].title == FIRST_QUESTION and listed[conversation].turns == 1
    assert store.conversation(conversation, "").turns[0].answer.citations[0].date == "2020-06-20"

    store.delete(conversation, "")  # deleted in the chat: the id is unknown to the API too
    gone = api.post("/api/ask", json={"question": FOLLOW_UP, "conversation_id": conversation})
    assert gone.status_code == 404 and f"unknown conversation_id {conversation!r}" in gone.json()["error"]


def test_the_stream_sends_drafts_then_the_answer_as_ndjson(api: httpx.Client) -> None:
    question = "What did Turkey say about France?"
    with api.stream("POST", "/api/ask/stream", json={"question": question}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line]
    *drafts, last = lines
    assert drafts and all(line["type"] == "draft" for line in drafts)
    assert last["type"] == "answer" and set(last["answer"]) == ANSWER_KEYS
    assert all(last["answer"]["answer"].startswith(line["text"]) for line in drafts)
    assert last["answer"] == ask(api, question=question)


def test_search_returns_ranked_passages_and_brief_a_cited_briefing(api: httpx.Client) -> None:
    found = api.post("/api/search", json={"query": "French wine exports", "k": 2}).json()
    assert found["query"] == "French wine exports" and 1 <= len(found["passages"]) <= 2
    top = found["passages"][0]
    assert top["rank"] == 1 and top["article_id"].endswith("france_wine.txt") and "wine" in top["passage"]
    assert {"title", "date", "source", "url", "similarity", "score"} <= set(top)

    brief = api.post("/api/brief", json={"since": "2020-06-15", "until": "2020-06-30"})
    assert brief.status_code == 200, brief.text
    result = brief.json()
    assert result["kind"] == "briefing" and result["answered"] is True and result["citations"]
    assert set(result) == ANSWER_KEYS
    assert_items_cite_the_citations(result, "story")
    for item in result["items"]:
        assert item["title"] and item["outlets"] and item["outlet_count"] >= len(item["outlets"])
        assert "2020-06-15" <= item["first_date"] <= item["last_date"] <= "2020-06-30"
    timeline = api.post("/api/brief", json={"kind": "timeline", "topic": "Sirte"}).json()
    assert timeline["kind"] == "timeline" and set(timeline) == ANSWER_KEYS
    assert_items_cite_the_citations(timeline, "entry")
    assert all(item["first_date"] == item["last_date"] and item["outlets"] for item in timeline["items"])


def test_a_citation_s_story_is_read_whole_by_its_id(api: httpx.Client) -> None:
    citation = ask(api, question=FIRST_QUESTION)["citations"][0]
    assert citation["story_id"] and len(citation["story"]) <= 5

    whole = api.post("/api/story", json={"story_id": citation["story_id"], "sanitize": True})
    assert whole.status_code == 200, whole.text
    story = whole.json()
    assert story["articles"] == citation["story_articles"] + 1 == len(story["members"])
    ids = [member["article_id"] for member in story["members"]]
    assert citation["article_id"] in ids and {m["article_id"] for m in citation["story"]} <= set(ids)
    assert (story["story_id"], story["offset"], story["follows"]) == (citation["story_id"], 0, "")


def assert_items_cite_the_citations(result: dict[str, Any], kind: str) -> None:
    """A briefing's or timeline's items as data: their sentences' numbers are the citations', each used."""
    assert result["heading"] and result["items"] and result["answer"].startswith(result["heading"])
    numbers = {citation["n"] for citation in result["citations"]}
    cited = set()
    for item in result["items"]:
        assert item["kind"] == kind and item["sentences"] and all(s["text"] for s in item["sentences"])
        assert item["sentences"][-1]["cites"], "a sentence's citations follow it; the last always has some"
        cited |= {n for sentence in item["sentences"] for n in sentence["cites"]}
    assert cited == numbers, "every number is a citation and every citation is named"


def test_a_brief_of_any_kind_keeps_only_the_sources_asked_for_as_ask_does(api: httpx.Client) -> None:
    period = {"since": "2020-06-15", "until": "2020-06-30"}
    every = api.post("/api/brief", json=period).json()
    outlet = every["citations"][0]["source"]
    mine = api.post("/api/brief", json={**period, "sources": [outlet]})
    assert mine.status_code == 200, mine.text
    assert mine.json()["answered"] is True and {c["source"] for c in mine.json()["citations"]} == {outlet}
    for kind, topic in (("briefing", ""), ("timeline", "Sirte"), ("comparison", "Sirte")):
        other = api.post("/api/brief", json={**period, "kind": kind, "topic": topic, "sources": ["cnn.com"]})
        assert other.status_code == 200, other.text
        result = other.json()
        assert (result["kind"], result["answered"], result["citations"]) == (kind, False, []), result
        assert "from cnn.com" in result["answer"], "the honest nothing names the source asked for"


def test_the_openai_client_gets_the_answer_its_sources_and_the_citations(served: tuple[str, Path]) -> None:
    client = openai.OpenAI(base_url=f"{served[0]}/v1", api_key="unused", timeout=TIMEOUT)
    assert [model.id for model in client.models.list()] == ["news-assistant"]
    messages: Any = [{"role": "user", "content": FIRST_QUESTION}]
    completion = client.chat.completions.create(model="anything", messages=messages)
    assert completion.object == "chat.completion" and completion.model == "anything"
    content = completion.choices[0].message.content or ""
    answer, sources = content.split("\n\nSources:\n")
    assert "Sirte" in answer and "[1]" in answer and sources.startswith("[1] ") and "2020-06-20" in sources
    citations = (completion.model_extra or {})["citations"]
    assert citations and set(citations[0]) >= CITATION_KEYS and citations[0]["n"] == 1

    stream = client.chat.completions.create(
        model="anything", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    pieces = [chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices]
    assert "".join(pieces) == content and sum(1 for piece in pieces if piece) >= 2, "streamed in pieces"
    final = next(chunk for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason == "stop")
    assert (final.model_extra or {})["citations"] == citations
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_langchain_chat_openai_asks_streams_and_follows_up(served: tuple[str, Path]) -> None:
    llm = ChatOpenAI(base_url=f"{served[0]}/v1", api_key="unused", model="news-assistant", timeout=TIMEOUT)
    reply = llm.invoke(FIRST_QUESTION)
    assert "Sirte" in str(reply.content) and "Sources:" in str(reply.content)
    streamed = "".join(str(chunk.content) for chunk in llm.stream(FIRST_QUESTION))
    assert streamed == reply.content
    follow = llm.invoke([HumanMessage(FIRST_QUESTION), AIMessage(reply.content), HumanMessage(FOLLOW_UP)])
    assert "NATO" in str(follow.content) and "france_wine" not in str(follow.content)


LONG = "word " * 600


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("/api/ask", b'{"question": "What does Turkey', 400, "malformed JSON"),
        ("/api/ask", b"[1, 2]", 422, "JSON object"),
        ("/api/ask", {}, 422, "question: this field is required"),
        ("/api/ask", {"question": 42}, 422, "question: Input should be a valid string"),
        ("/api/ask", {"question": "Sirte?", "as_of": "2020-13-45"}, 422, "as_of: “2020-13-45” is not a date"),
        ("/api/ask", {"questoin": "Sirte?"}, 422, "questoin: Extra inputs are not permitted"),
        ("/api/ask", {"question": "Sirte?", "conversation_id": "nope"}, 404, "unknown conversation_id 'nope'"),
        ("/api/ask", {"question": "Sirte?", "conversation_id": "x", "history": []}, 422, "not both"),
        ("/api/ask", {"question": LONG}, 422, "question is 2,999 characters long; at most 2,000"),
        ("/api/ask", {"question": " \t "}, 422, "question is empty"),
        ("/api/ask/stream", {"question": LONG}, 422, "at most 2,000"),
        ("/api/search", {"query": "Sirte", "k": 0}, 422, "k: Input should be greater than or equal to 1"),
        ("/api/brief", {"kind": "timeline"}, 422, "a timeline needs a topic"),
        ("/api/brief", {"kind": "weather"}, 422, "kind: Input should be 'briefing', 'timeline' or 'comparison'"),
        ("/api/nothing", {}, 404, "no such route: POST /api/nothing"),
        ("/api/story", {"story_id": "story-nope"}, 404, "no story 'story-nope'"),
        ("/api/story", {"story_id": "s", "limit": 500}, 422, "limit: Input should be less than or equal to 200"),
        # Days the date arithmetic cannot count from (it overflowed into a 500): refused, with the range.
        ("/api/ask", {"question": "Sirte?", "as_of": "9999-12-31"}, 422, "as_of: 9999-12-31 is out of range"),
        ("/api/ask/stream", {"question": "Sirte?", "until": "0001-01-01"}, 422, "from 1800-01-01 to 2200-12-31"),
        ("/api/search", {"query": "Sirte", "as_of": "9999-12-31"}, 422, "as_of: 9999-12-31 is out of range"),
        ("/api/brief", {"since": "9999-12-25"}, 422, "since: 9999-12-25 is out of range"),
    ],
)
def test_bad_input_is_a_clear_4xx_never_a_500(api: httpx.Client, path: str, body: Any, status: int, says: str) -> None:
    if isinstance(body, bytes):
        response = api.post(path, content=body, headers={"content-type": "application/json"})
    else:
        response = api.post(path, json=body)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]


def test_wrong_method_and_wrong_content_type_are_said_plainly(api: httpx.Client) -> None:
    wrong_method = api.get("/api/ask")
    assert wrong_method.status_code == 405 and "use POST" in wrong_method.json()["error"]
    form = api.post("/api/ask", data={"question": "Sirte?"})
    assert form.status_code == 415 and "application/json" in form.json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/ask", "POST"),
        ("GET", "/api/ask/stream", "POST"),
        ("GET", "/api/search", "POST"),
        ("GET", "/api/brief", "POST"),
        ("GET", "/api/conversations", "POST"),
        ("DELETE", "/api/openapi.json", "GET, HEAD"),
        ("GET", "/v1/chat/completions", "POST"),
        ("POST", "/v1/models", "GET"),
        ("HEAD", "/v1/models", "GET"),
    ],
)
def test_every_route_answers_a_wrong_method_with_405_naming_the_right_one(
    api: httpx.Client, method: str, path: str, allowed: str
) -> None:
    response = api.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    if method != "HEAD":
        error = response.json()["error"]
        message = error["message"] if path.startswith("/v1") else error
        assert f"{method} is not accepted on {path}: use {allowed}" in message


def test_get_mcp_is_refused_at_once_rather_than_left_open_as_an_idle_stream(api: httpx.Client) -> None:
    # A stateless MCP server that answers in JSON pushes nothing; an event stream opened here used to stay
    # open, idle, for as long as the client liked. The response arrives (the client's timeout would fail it).
    response = api.get("/mcp", headers={"Accept": "text/event-stream"}, timeout=10)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert "pushes nothing" in response.json()["error"]


def _port(served: tuple[str, Path]) -> int:
    return int(urlsplit(served[0]).port or 0)


REBINDING_ROUTES = [
    ("POST", "/api/ask", {"question": FIRST_QUESTION}),
    ("POST", "/v1/chat/completions", {"model": "x", "messages": [{"role": "user", "content": FIRST_QUESTION}]}),
    ("POST", "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    ("GET", "/", None),
    ("GET", "/gradio_api/info", None),
    ("GET", "/config", None),
]


@pytest.mark.parametrize(("method", "path", "body"), REBINDING_ROUTES)
def test_a_page_rebinding_its_name_to_this_machine_is_refused_on_every_route(
    api: httpx.Client, method: str, path: str, body: Any
) -> None:
    """DNS rebinding: a page at evil.example points its name at 127.0.0.1; the browser then sends that Host."""
    mcp_accept = {"Accept": "application/json, text/event-stream"} if path == "/mcp" else {}
    response = api.request(method, path, json=body, headers={"Host": "evil.example:80", **mcp_accept})
    assert response.status_code == 400, response.text
    assert "not to Host 'evil.example:80'" in response.text and "ASSISTANT_ALLOWED_HOSTS" in response.text
    assert "DNS rebinding" in response.text


@pytest.mark.parametrize(("method", "path", "body"), REBINDING_ROUTES)
def test_a_request_from_another_sites_page_is_refused_on_every_route(
    api: httpx.Client, method: str, path: str, body: Any
) -> None:
    mcp_accept = {"Accept": "application/json, text/event-stream"} if path == "/mcp" else {}
    for origin in ("https://evil.example", "null", "http://127.0.0.1:1"):  # another site, a sandbox, another port
        response = api.request(method, path, json=body, headers={"Origin": origin, **mcp_accept})
        assert response.status_code == 403, (origin, response.text)
        assert f"requests from a page at '{origin}' are refused" in response.text


def test_this_machines_own_names_and_pages_are_served(api: httpx.Client, served: tuple[str, Path]) -> None:
    port = _port(served)
    for host in (f"127.0.0.1:{port}", "127.0.0.1", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert api.get("/gradio_api/info", headers={"Host": host}).status_code == 200, host
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):  # what the chat's own page sends
        posted = api.post("/api/search", json={"query": "Sirte", "k": 1}, headers={"Origin": origin})
        assert posted.status_code == 200, posted.text
    assert api.get("/", headers={"Host": f"localhost:{port + 1}"}).status_code == 400, "a loopback name, another port"


def test_the_openai_endpoint_refuses_in_openais_shape(served: tuple[str, Path], api: httpx.Client) -> None:
    client = openai.OpenAI(base_url=f"{served[0]}/v1", api_key="unused", timeout=TIMEOUT)
    with pytest.raises(openai.UnprocessableEntityError) as refused:
        client.chat.completions.create(model="x", messages=[{"role": "assistant", "content": "Hello"}])
    assert "the last message must be the user's question" in refused.value.message
    with pytest.raises(openai.UnprocessableEntityError, match="at most 2,000"):
        client.chat.completions.create(model="x", messages=[{"role": "user", "content": LONG}])
    empty = api.post("/v1/chat/completions", json={"model": "x", "messages": []})
    assert empty.status_code == 422
    error = empty.json()["error"]
    assert error["type"] == "invalid_request_error" and "messages" in error["message"]
    assert api.get("/v1/nothing").json()["error"]["type"] == "not_found_error"


def test_the_chat_is_still_served_beside_the_api_and_nothing_failed(
    api: httpx.Client, served: tuple[str, Path]
) -> None:
    page = api.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert api.get("/gradio_api/info").status_code == 200
    log = served[1].read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def test_a_port_in_use_is_one_line_and_exit_code_2(served: tuple[str, Path], tmp_path: Path) -> None:
    busy = str(urlsplit(served[0]).port)  # the served app listens there
    refused = run_python("app.py", "--port", busy, "--db", str(tmp_path / "db"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"error: cannot listen on 127.0.0.1:{busy}" in refused.stderr and "--port" in refused.stderr


def test_an_answer_carries_its_short_answer_and_a_refusal_none(api: httpx.Client) -> None:
    result = ask(api, question="Who is the Turkish presidential spokesman?")
    assert result["short_answer"] == "Ibrahim Kalın" and result["short_answer"] in result["answer"].split("[1]")[0]
    assert ask(api, question="What is the boiling point of tungsten?")["short_answer"] is None
