"""The Deliveries panel in a real headless Chromium: a webhook schedule added (its secret shown once),
"Send now" POSTs the digest to a real receiver on loopback, which checks the signature with that
secret; the list then shows when it was last sent. Run with ``pytest -m browser``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_chat_page import UI_TIMEOUT_MS, _offline_env
from tests.conftest import serving
from tests.webhook_receiver import WebhookReceiver

SHOTS = Path("/tmp/deliver2-shots")


@pytest.mark.browser
def test_a_webhook_delivery_added_and_sent_now_shows_when_it_was_sent(browser: Browser, data_folder: Path) -> None:
    with WebhookReceiver() as receiver:
        env = {
            **_offline_env(),
            "ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([receiver.origin]),
            "ASSISTANT_WEBHOOK_BACKOFF": "0.05",
        }
        with serving(data_folder / "db", env) as url:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(url, wait_until="load")
            page.get_by_text("Deliveries: digests by email or webhook").click()
            page.locator("#delivery-to textarea, #delivery-to input").first.fill(receiver.url())
            page.locator("#delivery-add").click()
            outcome = page.locator("#delivery-outcome")
            expect(outcome).to_contain_text("Webhook secret")
            found = re.search(r"Added delivery (\d+).*shown once.*?: (\S+)$", outcome.inner_text(), re.DOTALL)
            assert found, outcome.inner_text()
            number, secret = found.group(1), found.group(2)
            table = page.locator("#deliveries-table")
            expect(table).to_contain_text(receiver.url())
            expect(table).to_contain_text("never")

            page.locator("#delivery-id input").fill(number)
            page.locator("#delivery-send").click()
            expect(outcome).to_contain_text(f"Sent delivery {number}: News digest")
            assert receiver.wait_for(1) and len(receiver.posts) == 1
            [post] = receiver.posts
            assert post.signed_with(secret), "the secret shown once checks the signature"
            assert "harbour festival" in json.loads(post.body)["briefing"]["answer"].lower()
            expect(table).not_to_contain_text("never")
            expect(table).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"))
            SHOTS.mkdir(exist_ok=True)
            page.locator("#deliveries").screenshot(path=str(SHOTS / "deliveries-1440.png"))
            page.set_viewport_size({"width": 390, "height": 900})
            page.locator("#deliveries").screenshot(path=str(SHOTS / "deliveries-390.png"))
