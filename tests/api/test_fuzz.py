"""The HTTP API fuzzed from its own OpenAPI schema: schemathesis reads ``GET /api/openapi.json`` of
``python app.py`` and sends each route generated requests over HTTP, valid ones and invalid ones. No
input may make it fail (5xx), and every answer must be what the schema says: a documented status, its
content type and its shape."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_helpers import build_followup_index
from tests.conftest import serving

# Per route and mode: each field's odd values come up and the run stays near 20 s on 2 cores. A deeper
# run by hand: FUZZ_EXAMPLES=300 (about a minute; it found nothing more when this was written).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ROUTES = [
    ("POST", "/api/ask"),
    ("POST", "/api/ask/stream"),
    ("POST", "/api/search"),
    ("POST", "/api/brief"),
    ("POST", "/api/story"),
    ("POST", "/api/conversations"),
    ("POST", "/v1/chat/completions"),
    ("GET", "/v1/models"),
    ("GET", "/feeds/briefing.atom"),
    ("GET", "/feeds/followed.atom"),
]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[str]:
    db = build_followup_index(tmp_path_factory.mktemp("fuzz"), embeddings)
    with serving(db, {}) as served:
        yield served.rstrip("/")


@pytest.fixture(scope="module")
def api_schema(url: str) -> Any:
    return schemathesis.openapi.from_url(f"{url}/api/openapi.json")


def test_every_route_of_the_schema_is_fuzzed(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert sorted((operation.method.upper(), operation.path) for operation in operations) == sorted(ROUTES)


# Invalid requests only where there is input to spoil: GET /v1/models, POST /api/conversations and the
# followed feed take none.
FUZZED = [
    (method, path, mode)
    for method, path in ROUTES
    for mode in GenerationMode
    if mode.is_positive
    or (method, path) not in {("GET", "/v1/models"), ("POST", "/api/conversations"), ("GET", "/feeds/followed.atom")}
]


@pytest.mark.parametrize(("method", "path", "mode"), FUZZED, ids=[f"{m} {p} {mode.value}" for m, p, mode in FUZZED])
def test_no_generated_request_fails_the_api_or_contradicts_its_schema(
    api_schema: Any, url: str, method: str, path: str, mode: GenerationMode
) -> None:
    # (schemathesis' own pytest loader, from_fixture, reads a pytest attribute that pytest 9 no longer has.)
    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case: Any) -> None:
        case.call_and_validate(base_url=url, timeout=120, checks=CHECKS)

    fuzz()
