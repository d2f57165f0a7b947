"""What the browser tests share: one headless Chromium per test module (skipped where Debian's Chromium
is missing), and a data folder indexing two articles (Sirte, the Zorblat harbour festival) for the
modules that serve the chat over it; module-scoped, so each module gets its own folder and browser.

The chat's page tests and the live-articles tests launch their own browser after the chat they serve.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.chromium import CHROMIUM, MISSING, launched_chromium
from tests.conftest import run_python

SIRTE = {
    "doc_id": "turkey-sirte",
    "title": "Turkey says Haftar's forces must leave Sirte",
    "publish_date": "2020/06/20",
    "source": "aa.com.tr",
    "url": "https://www.aa.com.tr/en/turkey-sirte",
    "text": (
        "Turkey said on Saturday that forces loyal to Khalifa Haftar must withdraw from the city of Sirte "
        "before any lasting cease-fire in Libya. Ibrahim Kalin, the presidential spokesman, said Sirte and "
        "Al-Jufra had to be evacuated by Haftar's forces. He accused France of jeopardizing NATO security."
    ),
}
FESTIVAL = {
    "doc_id": "zorblat-festival",
    "title": "Zorblat harbour festival draws record crowds",
    "publish_date": "2021/07/04",
    "source": "harbourtimes.com",
    "url": "https://harbourtimes.com/zorblat-festival",
    "text": (
        "The Zorblat harbour festival drew 40,000 visitors on Sunday, the organisers said. "
        "Fishing boats decorated with lanterns sailed past the old lighthouse at dusk."
    ),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with an index of the two articles in ``db/``; what the chat keeps goes beside it."""
    root = tmp_path_factory.mktemp("chat-data")
    (root / "articles").mkdir()
    lines = "".join(json.dumps(article) + "\n" for article in (SIRTE, FESTIVAL))
    (root / "articles" / "news.jsonl").write_text(lines, encoding="utf-8")
    build = run_python("-m", "index", "build", str(root / "articles"), "--db", str(root / "db"), "--quiet")
    assert build.returncode == 0, build.stderr
    return root
