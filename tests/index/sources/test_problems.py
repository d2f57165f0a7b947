"""A followed feed keeps its recent problems (paywalls, pages without text, HTTP errors, robots.txt,
copies), typed, with each article's address and why; a fetch with nothing new keeps them; a fetch in
the background returns at once and says how far it is."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assistant.settings import AssistantSettings
from index.sources.follow_list import FollowList
from index.sources.follower import Follower
from index.sources.problems import MAX_PROBLEMS, FeedProblem, ProblemKind, kept_problems
from index.store import ArticleStore
from tests.conftest import run_python
from tests.news_site import page, paywall_page, rss, serve_feed
from tests.web_server import Route, WebServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
FEED = {"Content-Type": "application/rss+xml"}
NO_TEXT = b"<html><body><form>Log in to read the news</form></body></html>"


@pytest.fixture
def store(settings: AssistantSettings, embeddings) -> ArticleStore:
    return ArticleStore.open(settings, embeddings=embeddings)


def serve_troubled_feed(web: WebServer, good: int = 2) -> dict[str, str]:
    """A feed of ``good`` readable stories and one of each problem; the problem paths by kind."""
    serve_feed(web, count=good)
    troubles = {
        "/paid": ProblemKind.PAYWALL,
        "/login": ProblemKind.NO_TEXT,
        "/gone": ProblemKind.HTTP,
        "/private/memo": ProblemKind.ROBOTS,
        "/wire": ProblemKind.COPY,
    }
    web.routes["/paid"] = Route(body=paywall_page(7), headers=HTML)
    web.routes["/login"] = Route(body=NO_TEXT, headers=HTML)
    web.routes["/private/memo"] = Route(body=page(8), headers=HTML)
    web.routes["/wire"] = Route(body=page(1, title="Kestrel cargo delayed"), headers=HTML)  # story 1 again
    robots = b"User-agent: *\nDisallow: /private/\n"
    web.routes["/robots.txt"] = Route(body=robots, headers={"Content-Type": "text/plain"})
    items = [(f"/news/{n}", f"Shipment kestrel-{n} held") for n in range(1, good + 1)]
    items += [(path, f"Trouble at {path}") for path in troubles]
    web.routes["/feed.xml"] = Route(body=rss(web, items), headers=FEED)
    return {web.url(path): kind for path, kind in troubles.items()}


def test_each_problem_is_kept_with_its_address_kind_and_reason_and_nothing_new_keeps_them(
    settings, store, web: WebServer
) -> None:
    troubles = serve_troubled_feed(web)
    follower = Follower(store, settings)
    feed = follower.follow_list.add(web.url("/feed.xml")).url

    [first] = follower.cycle()

    assert first.new_articles == 2, first.line()
    [entry] = follower.follow_list.entries()
    assert {problem.url: problem.kind for problem in entry.problems} == troubles
    by_kind = {problem.kind: problem for problem in entry.problems}
    assert by_kind[ProblemKind.PAYWALL].reason == "behind a paywall: only a teaser was served"
    assert by_kind[ProblemKind.HTTP].reason == "HTTP 404" and by_kind[ProblemKind.HTTP].title == "Trouble at /gone"
    assert by_kind[ProblemKind.ROBOTS].reason == "disallowed by robots.txt"
    assert by_kind[ProblemKind.COPY].reason.startswith(f"the same story as {web.url('/news/1')}")
    assert all(problem.noted == entry.last_fetch for problem in entry.problems)

    follower.cycle()  # the same feed again: nothing new to read
    [again] = follower.follow_list.entries()
    assert (again.status, again.new_articles) == ("unchanged", 0)
    assert again.problems == entry.problems, "a fetch with nothing new keeps the problems"

    serve_troubled_feed(web, good=3)  # one new story, read fine
    follower.cycle()
    [later] = follower.follow_list.entries()
    assert later.new_articles == 1 and later.total_articles == 3
    assert later.problems == entry.problems, "a fetch that read only fine articles keeps the earlier problems"

    listed = run_python("-m", "index", "follow", "list", env={"ASSISTANT_FOLLOW_FILE": str(settings.follow_file)})
    assert f"{feed}\tfeed\t" in listed.stdout and "3 in all, 5 problems" in listed.stdout
    paid = web.url("/paid")
    assert f"  {paid} (Trouble at /paid): behind a paywall: only a teaser was served" in listed.stdout


def test_a_page_that_failed_for_a_while_loses_its_problem_once_it_is_read(settings, store, web: WebServer) -> None:
    serve_feed(web, count=2)
    page_two = web.routes["/news/2"]
    web.routes["/news/2"] = Route(status=503)  # the site is down for a moment: tried again next time
    follower = Follower(store, settings)
    follower.follow_list.add(web.url("/feed.xml"))
    follower.cycle()
    [down] = follower.follow_list.entries()
    assert [(p.url, p.kind, p.reason) for p in down.problems] == [(web.url("/news/2"), ProblemKind.HTTP, "HTTP 503")]

    web.routes["/news/2"] = page_two
    [report] = follower.cycle()

    assert report.new_articles == 1
    assert follower.follow_list.entries()[0].problems == [], "read fine now: no longer a problem"


def test_problems_are_kept_newest_first_bounded_and_read_back_typed(tmp_path: Path) -> None:
    earlier = [FeedProblem(f"http://news.test/{n}", ProblemKind.HTTP, "HTTP 404", noted="2026-12-01") for n in range(5)]
    fresh = [FeedProblem(f"http://news.test/p{n}", ProblemKind.PAYWALL, "behind a paywall") for n in range(18)]
    again = FeedProblem("http://news.test/3", ProblemKind.HTTP, "HTTP 410", noted="2026-12-02")

    kept = kept_problems([*fresh, again], earlier, read_fine=["http://news.test/0"])

    assert len(kept) == MAX_PROBLEMS
    assert kept[:19] == [*fresh, again], "this fetch's own first"
    assert [problem.url for problem in kept[19:]] == ["http://news.test/1"], "then the earlier still standing"

    follow_list = FollowList(tmp_path / "followed.json")
    follow_list.add("http://news.test/feed.xml")
    follow_list.update("http://news.test/feed.xml", lambda entry: entry.problems.extend(kept * 2))
    [entry] = follow_list.entries()
    assert entry.problems == kept, "read back as the same typed records, at most MAX_PROBLEMS"
    assert isinstance(entry.problems[0].kind, ProblemKind)
    stored = json.loads((tmp_path / "followed.json").read_text())[0]["problems"][0]
    paywall = {"url": "http://news.test/p0", "kind": "paywall", "reason": "behind a paywall", "title": "", "noted": ""}
    assert stored == {**paywall, "story": ""}, "a flat record of plain values: one row of a table"
    assert FeedProblem.from_dict(paywall) == fresh[0], "a record noted before stories were linked still reads"


def test_a_fetch_in_the_background_returns_at_once_and_says_how_far_it_is(settings, store, web: WebServer) -> None:
    count = 6
    serve_feed(web, count=count)
    for n in range(1, count + 1):  # slow pages: the fetch takes a while
        web.routes[f"/news/{n}"] = Route(body=page(n), headers=HTML, delay=0.4)
    follower = Follower(store, settings)
    feed = follower.follow_list.add(web.url("/feed.xml")).url

    assert follower.fetch_in_background(feed)

    assert follower.progress(feed) is not None, "the fetch waits or runs after the call returned"
    assert follower.follow_list.get(feed).last_fetch is None, "the call did not wait for the fetch"
    assert not follower.fetch_in_background(feed), "the same fetch is not started twice"
    seen: list[str] = []
    while (progress := follower.progress(feed)) is not None:  # polling the fetch until it is done
        if not seen or seen[-1] != progress.line():
            seen.append(progress.line())
        time.sleep(0.02)
    assert any(line.startswith("fetching: ") and line.endswith(f" of {count} articles") for line in seen[1:-1]), seen
    assert f"fetching: 0 of {count} articles" != seen[-1]
    [entry] = follower.follow_list.entries()
    assert (entry.status, entry.total_articles) == ("ok", count)


def test_a_fetch_asked_during_a_cycle_waits_its_turn_and_says_so(settings, store, web: WebServer) -> None:
    serve_feed(web, count=2)
    web.routes["/slow.xml"] = Route(body=rss(web, [("/news/1", "One")]), headers=FEED, delay=1.0)
    web.routes["/other.xml"] = Route(body=rss(web, [("/news/2", "Two")]), headers=FEED)
    follower = Follower(store, settings)
    first = follower.follow_list.add(web.url("/slow.xml")).url
    second = follower.follow_list.add(web.url("/other.xml")).url

    assert follower.fetch_in_background()  # every followed address, one after the other

    assert not follower.fetch_in_background(second), "already waiting in that cycle"
    states = []
    while (progress := follower.progress(second)) is not None:  # polling the cycle until it is done
        states.append(progress.line())
        time.sleep(0.02)
    assert states[0] == "waiting for the fetch under way", states
    assert {entry.url: entry.total_articles for entry in follower.follow_list.entries()} == {first: 1, second: 1}


def test_a_background_fetch_of_an_address_not_followed_stops_waiting(settings, store) -> None:
    follower = Follower(store, settings)
    assert follower.fetch_in_background("http://news.test/never-followed.xml")
    deadline = time.monotonic() + 30
    while follower.progress("http://news.test/never-followed.xml") is not None:  # polling the thread's end
        assert time.monotonic() < deadline, "still shown as waiting"
        time.sleep(0.02)
    assert follower.follow_list.entries() == []
