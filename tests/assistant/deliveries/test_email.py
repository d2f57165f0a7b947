"""Digests by email, end to end: ``python -m assistant digest send`` run as a user runs it, a real SMTP
server on loopback (aiosmtpd) receiving, a real index of articles whose links a real web server
serves. The received HTML is parsed: the briefing's stories are there and every link opens its
article; a followed question's new source is marked; a sender killed mid-send sends that digest
again, once; a server that cannot be reached is one line and the digest waits in the outbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from lxml import html

from assistant.deliveries.mail import DIGEST_HEADER
from assistant.deliveries.outbox import PENDING, SENT, Outbox
from assistant.following.questions import FollowedQuestions
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from assistant.types import Filters
from index.build import build_index
from index.store import ArticleStore
from index.store.sql import sql_engine
from tests.conftest import ROOT, free_port, run_python
from tests.index.stories.test_groups import DAM, OTHERS
from tests.mail_server import MailServer
from tests.web_server import Route, WebServer

TO = "ann@example.org"
QUESTION = "What is the latest on the Vellmar bridge?"
CLOSED = {
    "bridge-1": (
        "cityherald.com",
        "2024-03-05",
        "Vellmar bridge closed after cracks found in pillars",
        "The Vellmar bridge over the Ostra river was closed to all traffic on Tuesday after engineers found deep "
        "cracks in two of its pillars. The city said buses would be diverted through the old town for weeks.",
    )
}
REOPENED = {
    "bridge-2": (
        "cityherald.com",
        "2024-03-07",
        "Vellmar bridge reopens to cars after repairs",
        "The Vellmar bridge over the Ostra river reopened to cars on Thursday after engineers repaired the "
        "cracked pillars, the city said. Lorries will stay banned from the Vellmar bridge until a load test.",
    )
}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def publish(web: WebServer, folder: Path, articles: dict[str, tuple[str, str, str, str]]) -> Path:
    """Each article as a page of ``web`` and as a JSON Lines file linking to it (what the index reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (source, day, title, text) in articles.items():
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
        web.routes[f"/articles/{doc_id}"] = Route(body=page.encode(), headers=HTML)
        record = {"doc_id": doc_id, "source": source, "publish_date": day, "title": title, "text": text}
        record["url"] = web.url(f"/articles/{doc_id}")
        (folder / f"{doc_id}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


def send(db: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_python("-m", "assistant", "digest", "send", "--to", TO, "--db", str(db), *args, env=env)


def html_of(mail: EmailMessage) -> html.HtmlElement:
    part = mail.get_body(preferencelist=("html",))
    assert part is not None, "the digest has an HTML part"
    return html.fromstring(part.get_content())


def section(page: html.HtmlElement, heading: str) -> list[html.HtmlElement]:
    """The elements after the ``<h2>`` reading ``heading``, up to the next ``<h2>``."""
    found = page.xpath(f"//h2[normalize-space()='{heading}']")
    if not found:
        return []
    elements = []
    for element in found[0].itersiblings():
        if element.tag == "h2":
            break
        elements.append(element)
    return elements


def links_open_their_articles(page: html.HtmlElement) -> set[str]:
    """Every link's address, each fetched: it answers 200 with the page of an article."""
    hrefs = set(page.xpath("//a/@href"))
    for href in hrefs:
        response = httpx.get(href, timeout=10)
        assert response.status_code == 200 and "<h1>" in response.text, href
    return hrefs


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


def test_a_digest_tells_the_briefing_with_working_links_then_only_what_is_new(
    tmp_path: Path, web: WebServer, embeddings
) -> None:
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    build_index(store, [publish(web, tmp_path / "articles", {**DAM, **OTHERS, **CLOSED})], show_progress=False)
    assistant = Assistant(settings, store=store)
    followed = FollowedQuestions.open(settings)
    followed.follow(QUESTION, assistant.ask(QUESTION))
    expected = assistant.shaped("briefing", "", Filters(since=date(2024, 3, 4), until=date(2024, 3, 6)))

    with MailServer() as mail:
        first = send(tmp_path / "db", mail.env(), "--since", "2024-03-04", "--json")
        assert first.returncode == 0, first.stderr[-2000:]
        sent = json.loads(first.stdout)["sent"]
        assert len(mail.messages) == 1 and mail.messages[0][DIGEST_HEADER] == sent["id"]
        assert mail.messages[0]["To"] == TO and "4 March 2024 to 6 March 2024" in mail.messages[0]["Subject"]
        page = html_of(mail.messages[0])
        titles = [" ".join(h.text_content().split()) for h in page.xpath("//h3")]
        assert titles == [item.title for item in expected.items], "the briefing's stories, in its order"
        hrefs = links_open_their_articles(page)
        assert {c.url for c in expected.citations} <= hrefs, "every cited article is linked"
        assert not section(page, "Followed questions with new sources"), "nothing new for the followed question"
        text = mail.messages[0].get_body(preferencelist=("plain",))
        assert text is not None and all(c.url in text.get_content() for c in expected.citations)

        build_index(store, [publish(web, tmp_path / "more", REOPENED)], show_progress=False)
        second = send(tmp_path / "db", mail.env())
        assert second.returncode == 0, second.stderr[-2000:]
        assert "sent digest" in second.stdout and "6 March 2024 to 7 March 2024" in second.stdout, second.stdout
        assert len(mail.messages) == 2
        page = html_of(mail.messages[1])
        reopened = web.url("/articles/bridge-2")
        followed_part = html.fromstring("<div></div>")
        followed_part.extend(section(page, "Followed questions with new sources"))
        assert QUESTION in followed_part.text_content()
        new_rows = [li for li in followed_part.xpath(".//li") if "new" in li.xpath("./span/text()")]
        assert [li.xpath("./a/@href") for li in new_rows] == [[reopened]], "the new source, marked new"
        stories = [" ".join(h.text_content().split()) for h in section(page, "Briefing") if h.tag == "h3"]
        assert stories and all(title not in stories for title in titles if "Vellmar" not in title), stories
        assert "nothing new since an earlier digest" in page.text_content()
        links_open_their_articles(page)

        third = send(tmp_path / "db", mail.env())
        assert third.returncode == 0, third.stderr[-2000:]
        assert "nothing new" in third.stdout and len(mail.messages) == 2


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Path]:
    """A week of news (a dam's collapse and three other stories), its pages served."""
    root = tmp_path_factory.mktemp("digest-news")
    with WebServer() as server:
        store = ArticleStore.open(AssistantSettings(db_path=root / "db"), embeddings=embeddings)
        report = build_index(store, [publish(server, root / "articles", {**DAM, **OTHERS})], show_progress=False)
        assert report.added == len(DAM) + len(OTHERS)
        yield root / "db"


def outbox_of(database: Path) -> Outbox:
    return Outbox(sql_engine(f"sqlite:///{database}"))


def test_a_sender_killed_mid_send_sends_that_digest_again_once(news_db: Path, tmp_path: Path) -> None:
    database = tmp_path / "outbox.sqlite"
    with MailServer(hold=True) as mail:
        env = {**os.environ, **mail.env(), "ASSISTANT_CONVERSATION_DATABASE": f"sqlite:///{database}"}
        command = [sys.executable, "-m", "assistant", "digest", "send", "--to", TO, "--db", str(news_db)]
        sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert mail.arrived.wait(timeout=240), "the sender never reached the SMTP server"
            os.kill(sender.pid, signal.SIGKILL)  # built and recorded, handed over, not yet accepted
        finally:
            sender.wait(timeout=30)
        [entry] = outbox_of(database).entries()
        assert entry.status == PENDING and entry.attempts == 1

    with MailServer() as mail:
        again = send(news_db, {**mail.env(), "ASSISTANT_CONVERSATION_DATABASE": f"sqlite:///{database}"})
        assert again.returncode == 0, again.stderr[-2000:]
        assert f"resent digest {entry.digest.id}" in again.stdout and "nothing new" in again.stdout, again.stdout
        assert [m[DIGEST_HEADER] for m in mail.messages] == [entry.digest.id], "that digest, exactly once"
        assert [(e.digest.id, e.status) for e in outbox_of(database).entries()] == [(entry.digest.id, SENT)]


def test_an_unreachable_smtp_server_is_one_line_and_the_digest_waits_in_the_outbox(
    news_db: Path, tmp_path: Path
) -> None:
    database = tmp_path / "outbox.sqlite"
    port = free_port()  # nothing listens there
    env = {**MailServer.env_for(port), "ASSISTANT_CONVERSATION_DATABASE": f"sqlite:///{database}"}
    failed = send(news_db, env)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.count("\n") == 1 and failed.stderr.startswith("error: "), failed.stderr
    assert f"127.0.0.1:{port}" in failed.stderr and "stays in the outbox" in failed.stderr
    [entry] = outbox_of(database).entries()
    assert entry.status == PENDING and f"127.0.0.1:{port}" in entry.last_error

    with MailServer(port) as mail:
        sent = send(news_db, env)
        assert sent.returncode == 0, sent.stderr[-2000:]
        assert [m[DIGEST_HEADER] for m in mail.messages] == [entry.digest.id], "nothing lost, nothing doubled"
    assert outbox_of(database).entries()[0].status == SENT


def test_a_wrong_address_or_no_smtp_server_is_one_line_before_anything_is_built(news_db: Path) -> None:
    wrong = run_python("-m", "assistant", "digest", "send", "--to", "ann", "--db", str(news_db))
    assert (
        wrong.returncode == 2 and wrong.stderr == "error: 'ann' is not an email address: give one as name@example.org\n"
    )
    unset = run_python(
        "-m", "assistant", "digest", "send", "--to", TO, "--db", str(news_db), env={"ASSISTANT_SMTP_HOST": ""}
    )
    assert unset.returncode == 2 and "ASSISTANT_SMTP_HOST" in unset.stderr and unset.stderr.count("\n") == 1
