"""The MCP server and the login: ``python app.py`` served with ``ASSISTANT_CHAT_USER``/``PASSWORD``
set, its MCP tools listed and called with the ``mcp`` client, and every API route refusing a request
without the login (401 with a message) and answering one with it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import httpx2
import openai
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.api_helpers import build_followup_index
from tests.conftest import serving
from tests.followup_corpus import FIRST_QUESTION

USER, PASSWORD = "ann", "s3cret"
BEARER = {"Authorization": f"Bearer {PASSWORD}"}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[str]:
    db = build_followup_index(tmp_path_factory.mktemp("mcp"), embeddings)
    with serving(db, {"ASSISTANT_CHAT_USER": USER, "ASSISTANT_CHAT_PASSWORD": PASSWORD}) as served:
        yield served.rstrip("/")


def mcp_session_run(url: str, work: Any, headers: dict[str, str] | None = None) -> Any:
    """Run ``await work(session)`` in an initialised MCP client session on ``url``/mcp."""

    async def main() -> Any:
        async with (
            httpx2.AsyncClient(headers=headers or {}, timeout=120) as http,
            streamable_http_client(f"{url}/mcp", http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return anyio.run(main)


def test_the_mcp_tools_are_listed_and_answer_with_citations(url: str) -> None:
    async def work(session: ClientSession) -> dict[str, Any]:
        listed = await session.list_tools()
        return {
            "tools": {tool.name: tool for tool in listed.tools},
            "ask": await session.call_tool("ask", {"question": FIRST_QUESTION, "as_of": "2020-06-30"}),
            "search": await session.call_tool("search", {"query": "French wine exports", "k": 1}),
            "briefing": await session.call_tool("briefing", {"since": "2020-06-15", "until": "2020-06-30"}),
            "other source": await session.call_tool(
                "briefing", {"since": "2020-06-15", "until": "2020-06-30", "sources": ["cnn.com"]}
            ),
            "empty": await session.call_tool("ask", {"question": "  "}),
            "bad date": await session.call_tool("briefing", {"since": "last Tuesday"}),
            "far date": await session.call_tool("ask", {"question": FIRST_QUESTION, "as_of": "9999-12-31"}),
        }

    results = mcp_session_run(url, work, BEARER)
    tools = results["tools"]
    assert set(tools) == {"ask", "search", "briefing"}
    assert {"question", "as_of", "since", "until"} <= set(tools["ask"].input_schema["properties"])
    assert tools["ask"].input_schema["required"] == ["question"]

    asked = results["ask"]
    assert not asked.is_error
    assert asked.structured_content["answered"] is True and "Sirte" in asked.structured_content["answer"]
    assert asked.structured_content["citations"][0]["date"] == "2020-06-20"
    passages = results["search"].structured_content["passages"]
    assert len(passages) == 1 and passages[0]["article_id"].endswith("france_wine.txt")
    briefing = results["briefing"].structured_content
    assert briefing["kind"] == "briefing" and briefing["citations"]
    numbers = {citation["n"] for citation in briefing["citations"]}
    assert briefing["items"] and all(item["title"] and item["outlets"] for item in briefing["items"])
    assert {n for item in briefing["items"] for s in item["sentences"] for n in s["cites"]} == numbers
    assert "sources" in tools["briefing"].input_schema["properties"]
    other = results["other source"].structured_content
    assert other["answered"] is False and not other["citations"] and "from cnn.com" in other["answer"], other

    refusals = (
        ("empty", "question is empty"),
        ("bad date", "since: “last Tuesday” is not a date"),
        ("far date", "as_of: 9999-12-31 is out of range; give a day from 1800-01-01 to 2200-12-31"),
    )
    for refused, says in refusals:
        assert results[refused].is_error
        assert says in results[refused].content[0].text


def test_mcp_without_the_login_is_refused(url: str) -> None:
    response = httpx.post(
        f"{url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 401 and "login" in response.json()["error"]
    with pytest.raises(Exception):  # noqa: B017 - the client's wrapping of a 401 varies by version
        mcp_session_run(url, lambda session: session.list_tools(), {"Authorization": "Bearer wrong"})


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({}, 401, "needs the chat's login"),
        (basic(USER, "wrong"), 401, "wrong user or password"),
        (basic("bob", PASSWORD), 401, "wrong user or password"),
        ({"Authorization": "Bearer wrong"}, 401, "wrong user or password"),
        ({"Authorization": "Basic !!!"}, 401, "malformed Basic credentials"),
        (basic(USER, PASSWORD), 200, ""),
        (BEARER, 200, ""),
    ],
)
def test_the_api_needs_the_chats_login_when_one_is_set(
    url: str, headers: dict[str, str], status: int, says: str
) -> None:
    response = httpx.post(f"{url}/api/ask", json={"question": FIRST_QUESTION}, headers=headers, timeout=120)
    assert response.status_code == status, response.text
    if status == 401:
        assert says in response.json()["error"] and response.headers["www-authenticate"].startswith("Basic")
    else:
        assert response.json()["answered"] is True


def test_openai_clients_log_in_with_the_password_as_api_key(url: str) -> None:
    messages: Any = [{"role": "user", "content": FIRST_QUESTION}]
    with pytest.raises(openai.AuthenticationError, match="wrong user or password"):
        openai.OpenAI(base_url=f"{url}/v1", api_key="wrong").chat.completions.create(model="x", messages=messages)
    client = openai.OpenAI(base_url=f"{url}/v1", api_key=PASSWORD, timeout=120)
    assert "Sirte" in (client.chat.completions.create(model="x", messages=messages).choices[0].message.content or "")
    assert httpx.get(f"{url}/v1/models").status_code == 401
    assert httpx.get(f"{url}/api/openapi.json", headers=BEARER).status_code == 200
