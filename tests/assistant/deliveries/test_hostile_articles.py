"""An article is data in a digest and a feed too: a title holding an ``<img onerror>``, text holding
``<script>``, a ``javascript:`` URL and characters XML cannot carry reach the email and the Atom feed
as text, never as markup or a link. Real index, real encoder, the digest built as the command builds it."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from lxml import html

from assistant.deliveries.atom import briefing_feed, followed_feed
from assistant.deliveries.build import build_digest
from assistant.deliveries.digest import Subscription
from assistant.deliveries.outbox import Outbox
from assistant.deliveries.render import digest_html, digest_text
from assistant.following.questions import FollowedQuestions
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from index.store.sql import sql_engine
from tests.api_helpers import HOSTILE_ARTICLE, HOSTILE_QUESTION

CONTROL = "\x0b\x1b"  # a vertical tab and an escape: legal in an article, not in XML


def test_hostile_article_text_is_text_in_the_email_and_the_feeds(tmp_path: Path, embeddings) -> None:
    article = {**HOSTILE_ARTICLE, "title": HOSTILE_ARTICLE["title"] + CONTROL}
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "hostile.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert build_index(store, [tmp_path / "articles"], show_progress=False).added == 1
    assistant = Assistant(settings, store=store)
    followed = FollowedQuestions.open(settings)
    followed.follow(HOSTILE_QUESTION, assistant.ask("Who won the Iberian Cup?"))  # seen: nothing about it
    outbox = Outbox(sql_engine(f"sqlite:///{tmp_path / 'outbox.sqlite'}"))

    digest = build_digest(assistant, outbox, followed, Subscription("email", "ann@example.org"), days=7)

    assert digest is not None and digest.stories == 1 and len(digest.followed) == 1
    page = html.fromstring(digest_html(digest))
    assert not page.xpath("//script | //img | //*[@onerror]"), "no markup from the article"
    assert page.xpath("//a") == [], "a javascript: URL is never a link, and the article has no other"
    assert "<img src=x onerror=alert('title')>Zorblat harbour festival" in page.text_content()
    assert "<script>alert(1)</script>" in page.text_content()
    assert HOSTILE_ARTICLE["url"] not in digest_text(digest), "nor its URL written out as an address to follow"

    for body in (
        briefing_feed(digest.briefing, "http://127.0.0.1/feeds/briefing.atom"),  # type: ignore[arg-type]
        followed_feed(followed.questions(), "http://127.0.0.1/feeds/followed.atom"),
    ):
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.bozo_exception
        [entry] = feed.entries
        assert "Zorblat harbour festival" in entry.title and CONTROL not in entry.title
        content = html.fromstring(entry.content[0].value)
        assert not content.xpath("//script | //img | //a"), entry.content[0].value
