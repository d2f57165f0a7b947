"""Scheduled digests through the HTTP API of ``python app.py``, called with httpx: a webhook schedule
added (its secret returned once), sent now to a real receiver on loopback that checks the signature,
paused, listed, removed; each wrong request a 4xx saying why."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.api_helpers import build_followup_index
from tests.conftest import serving
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, embeddings, receiver: WebhookReceiver) -> Iterator[httpx.Client]:
    db = build_followup_index(tmp_path_factory.mktemp("deliveries-api"), embeddings)
    env = {"ASSISTANT_FETCH_ALLOW_PRIVATE": json.dumps([receiver.origin]), "ASSISTANT_WEBHOOK_BACKOFF": "0.05"}
    with serving(db, env) as url, httpx.Client(base_url=url.rstrip("/"), timeout=120) as client:
        yield client


def test_a_webhook_delivery_added_sent_now_paused_and_removed(api: httpx.Client, receiver: WebhookReceiver) -> None:
    added = api.post("/api/deliveries", json={"every": "weekly", "webhook": receiver.url("/api-hook")})
    assert added.status_code == 201, added.text
    delivery = added.json()
    assert delivery["channel"] == "webhook" and delivery["last_sent"] is None and delivery["secret"]
    assert "secret" not in api.get("/api/deliveries").json()["deliveries"][0], "shown once, then only kept"

    sent = api.post(f"/api/deliveries/{delivery['id']}/send")
    assert sent.status_code == 200, sent.text
    result = sent.json()
    assert result["error"] == "" and len(result["sent"]) == 1 and result["delivery"]["last_sent"]
    [post] = [p for p in receiver.posts if p.path == "/api-hook"]
    assert post.signed_with(delivery["secret"]) and post.headers["x-digest-id"] == result["sent"][0]

    paused = api.post(f"/api/deliveries/{delivery['id']}/pause")
    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert api.delete(f"/api/deliveries/{delivery['id']}").status_code == 204
    assert api.get("/api/deliveries").json() == {"deliveries": []}


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"every": "hourly-ish", "to": "ann@example.org"}, 400, "give daily, weekly or a cron expression"),
        ({"every": "daily", "to": "ann"}, 400, "'ann' is not an email address"),
        ({"every": "daily", "webhook": "http://10.0.0.1/hook"}, 400, "10.0.0.1 is a private address"),
        ({"every": "daily", "to": "ann@example.org", "webhook": "https://example.org/h"}, 422, "exactly one of"),
        ({"every": "daily"}, 422, "exactly one of"),
    ],
)
def test_a_wrong_delivery_is_a_4xx_saying_why(
    api: httpx.Client, body: dict[str, str], status: int, reason: str
) -> None:
    refused = api.post("/api/deliveries", json=body)
    assert refused.status_code == status and reason in refused.json()["error"], refused.text


def test_an_unknown_delivery_is_404(api: httpx.Client) -> None:
    for method, path in (("POST", "/api/deliveries/999/send"), ("POST", "/api/deliveries/999/pause")):
        refused = api.request(method, path)
        assert refused.status_code == 404 and "no delivery 999" in refused.json()["error"], refused.text
    assert api.delete("/api/deliveries/999").status_code == 404
