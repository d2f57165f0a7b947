"""An answer whose story has an article a followed feed could not read says so: a loopback feed lists
two outlets' articles on one story, one behind a paywall, and an answer about that story names the
paywalled address (typed, in the chat, the CLI, the API's JSON and the Markdown export), while an
answer about another story says nothing of it; in server mode the list an answer reads is the one in
PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from api.schema import AnswerOut
from api.service import answer_dict
from assistant.__main__ import render
from assistant.conversations.export import conversation_markdown
from assistant.conversations.store import Conversation, Turn
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from assistant.types import Answer, Citation, Filters, UnreadArticle
from chat.history import reply_gist
from chat.render import render_answer
from index.sources.follow_store import open_follow_list
from index.sources.follower import Follower
from index.sources.problems import ProblemKind
from index.store import ArticleStore
from tests.news_site import page, paywall_page, rss
from tests.postgres_server import fresh_postgres_database
from tests.web_server import Route, WebServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
KESTREL = "How many blades did the manifest of shipment kestrel-1 list?"
LINE = "1 article of this story could not be read: behind a paywall"
WALKOUT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Velna bus drivers walk out</title>
<meta property="og:site_name" content="Valley Post">
<meta property="article:published_time" content="2024-03-04T07:00:00Z"></head><body><article>
<h1>Velna bus drivers walk out over pay</h1>
<p>Bus drivers in Velna stopped work on Monday morning after talks on a new pay deal broke down, leaving the
town's forty routes without a single bus during the morning rush.</p>
<p>The drivers' union said its members had been offered a rise of two percent, far below the rise in the cost
of living, and that the walkout would last until the transport board made a better offer.</p>
<p>The transport board said it regretted the disruption and would meet the union again on Wednesday, while
schools asked parents to plan other ways for their children to reach class.</p></article></body></html>"""


@pytest.fixture
def store(settings: AssistantSettings, embeddings) -> ArticleStore:
    return ArticleStore.open(settings, embeddings=embeddings)


def follow_a_story_with_a_paywalled_article(settings: AssistantSettings, store: ArticleStore, web: WebServer) -> str:
    """A feed of the story's two articles (one behind a paywall) and another story, followed and read
    once; the paywalled article's address."""
    paid, free = web.url("/harbour/kestrel-1"), web.url("/news/1")
    web.routes["/harbour/kestrel-1"] = Route(body=paywall_page(1, site="Harbour Times"), headers=HTML)
    web.routes["/news/1"] = Route(body=page(1), headers=HTML)
    web.routes["/velna"] = Route(body=WALKOUT.encode(), headers=HTML)
    items = [("/harbour/kestrel-1", "Kestrel cargo held"), ("/news/1", "Shipment kestrel-1 held")]
    items.append(("/velna", "Velna bus drivers walk out"))  # the paywalled one first: read before its story exists
    web.routes["/feed.xml"] = Route(body=rss(web, items), headers={"Content-Type": "application/rss+xml"})
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/feed.xml"))

    [report] = follower.cycle()

    assert report.new_articles == 2, report.line()
    story = store.story_groups.story_of(free)
    [problem] = follower.follow_list.entries()[0].problems
    assert (problem.url, problem.kind, problem.story) == (paid, ProblemKind.PAYWALL, story)
    assert [m.article_id for m in store.story_groups.members(str(story))] == [free], "nothing placed"
    return paid


def test_an_answer_says_which_article_of_its_story_could_not_be_read(
    settings, store, web: WebServer, tmp_path: Path
) -> None:
    paid, free = follow_a_story_with_a_paywalled_article(settings, store, web), web.url("/news/1")

    bot = Assistant(settings, store=store)
    answer = bot.ask(KESTREL)
    assert answer.answered and answer.citations[0].article_id == free
    assert [(a.url, a.kind, a.title) for a in answer.unread] == [(paid, "paywall", "Kestrel cargo held")]
    shown = render_answer(answer)
    assert LINE in shown and f'href="{paid}"' in shown
    assert "could not be read" not in reply_gist(shown), "not part of what a follow-up reads as the answer"
    assert LINE in render(answer) and paid in render(answer)
    assert AnswerOut.model_validate(answer_dict(answer)).unread[0].url == paid  # type: ignore[attr-defined]
    assert Answer.from_dict(answer.to_dict()) == answer, "a stored conversation keeps it"

    briefing = bot.shaped("briefing", "shipment kestrel-1", Filters(as_of=date(2024, 3, 5)))
    assert briefing.items and [a.url for a in briefing.unread] == [paid], "a briefing telling the story says so too"
    assert LINE in render_answer(briefing)

    other = bot.ask("Why did the bus drivers in Velna walk out?")
    assert other.answered and other.citations[0].article_id == web.url("/velna")
    assert other.unread == () and "could not be read" not in render_answer(other)

    never = settings.model_copy(update={"follow_file": tmp_path / "never" / "followed.json"})
    assert Assistant(never, store=store).ask(KESTREL).unread == (), "no feed ever followed there"
    assert not (tmp_path / "never").exists(), "and no list (nor its lock) made for it"


def test_in_server_mode_an_answer_reads_the_shared_followed_list(
    settings, embeddings, web: WebServer, postgres_server: str
) -> None:
    shared = settings.model_copy(update={"follow_database_url": fresh_postgres_database(postgres_server)})
    store = ArticleStore.open(shared, embeddings=embeddings)
    paid = follow_a_story_with_a_paywalled_article(shared, store, web)
    assert not shared.follow_file.exists(), "the list lives in PostgreSQL"

    bot = Assistant(shared, store=store)
    answer = bot.ask(KESTREL)

    assert answer.answered and [(a.url, a.kind) for a in answer.unread] == [(paid, "paywall")]
    assert LINE in render_answer(answer)
    opened = bot.followed.store()
    open_follow_list(shared).update(web.url("/feed.xml"), lambda entry: entry.problems.clear())  # read fine since
    assert bot.ask(KESTREL).unread == (), "the list is read afresh at every answer"
    assert bot.followed.store() is opened, "the shared list opened once per assistant, not per answer"


def test_an_unread_article_is_escaped_and_linked_only_when_http() -> None:
    citation = Citation(1, "a", "Kestrel cargo", "2024-03-02", "Island News", "https://island.test/1", "Held.", 1.0)
    hostile = UnreadArticle("javascript:alert(1)", "paywall", "<b>Kestrel</b> *cargo*", "story-1")
    answer = Answer("q", "Held. [1]", True, [citation], unread=(hostile,))
    shown = render_answer(answer)
    assert f"{LINE} (&lt;b&gt;Kestrel&lt;/b&gt; *cargo*)" in shown and "javascript:" not in shown
    turn = Turn(1, "q", answer, None, "", "2026-12-06T05:00:00")
    exported = conversation_markdown(Conversation("c", "me", "Kestrel", turn.created, turn.created, [turn]))
    assert f"*{LINE}:* \\<b\\>Kestrel\\</b\\> \\*cargo\\*\n" in exported + "\n" and "javascript:" not in exported
