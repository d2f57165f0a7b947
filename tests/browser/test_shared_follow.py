"""Following in server mode, as a person sees it: Follow on a real chat (``app.py``, its follower not a
worker) enqueues a job, a real ``follow worker`` process indexes the feed, and the chat's list shows it.
Real PostgreSQL, a real Chroma server, a real headless Chromium, a real news site on loopback."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

from index.settings import IndexSettings
from index.store import ArticleStore
from tests.browser.chromium import CHROMIUM, MISSING, launched_chromium
from tests.browser.test_live_articles import articles_tab, feed_row
from tests.conftest import serving, stop_process
from tests.index.sources.test_follow_jobs import options, serve_feeds, wait_for, worker
from tests.web_server import WebServer

__all__ = ["options"]  # the deployment's settings, a fixture


@pytest.mark.browser
def test_a_feed_followed_in_the_chat_is_indexed_by_a_follow_worker(
    web: WebServer, embeddings, options: dict[str, object], tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    serve_feeds(web, ["wire"])
    address = web.url("/feed/wire.xml")
    env = {f"ASSISTANT_{key.upper()}": v if isinstance(v, str) else json.dumps(v) for key, v in options.items()}
    env |= {
        "ASSISTANT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    other = None
    try:
        with serving(Path(str(options["db_path"])), env) as url, launched_chromium(CHROMIUM) as browser:
            page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
            page.set_default_timeout(30_000)
            articles_tab(page, url)
            page.locator("#follow-url textarea, #follow-url input").first.fill(address)
            page.get_by_role("button", name="Follow", exact=True).click()
            expect(page.locator("#follow-outcome")).to_contain_text(f"Following {address}")
            # No worker runs yet: the row says the job waits for one, not "not fetched yet".
            status = feed_row(page, address).get_by_role("gridcell").nth(3)
            expect(status).to_have_text("queued for a follow worker")
            other = worker(options, log=tmp_path / "worker.log")
            said = tmp_path / "worker.log"
            assert wait_for(lambda: "fetched " + address in said.read_text()), said.read_text()
            expect(feed_row(page, address).get_by_role("gridcell").nth(5)).to_have_text("1", timeout=60_000)
            expect(status).to_have_text("ok")
    finally:
        if other is not None:
            stop_process(other)
    asked = Counter(request.path for request in web.requests)
    assert (asked["/feed/wire.xml"], asked["/news/wire"]) == (1, 1), asked
    store = ArticleStore.open(IndexSettings(**options), embeddings=embeddings)  # type: ignore[arg-type]
    assert store.article_text(web.url("/news/wire")) is not None
