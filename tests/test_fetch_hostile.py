"""What a hostile server can do to the fetcher, tried against a real one on loopback: compression
bombs in every Content-Encoding, malformed redirects, links that are no URLs, credentials in URLs.

A bomb's cost is memory, which only a fresh process shows: :func:`fetch_peak` fetches in a child
process and reads how far its peak resident memory (``VmHWM``) rose during the fetch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zstandard

from index.fetching import FetchError

from .conftest import run_python
from .test_fetching import client_for
from .web_server import Route, WebServer, compression_bomb

BOMB_BYTES = 1 << 30  # 1 GiB of zeros once decoded
FETCH_MAX_MB = 10  # the default cap
PEAK_LIMIT_MB = 100  # what a single fetch may add to the process's memory, whatever it is sent

_PEAK_CHILD = """
import json, sys
from index.fetching import FetchError, SafetyPolicy, WebClient
from index.settings import FetchSettings

def high_water_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

url, origin, max_mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
settings = FetchSettings(fetch_max_mb=max_mb, fetch_respect_robots=False, fetch_host_interval=0, fetch_timeout=120)
with WebClient(settings, policy=SafetyPolicy(allowed_origins=frozenset({origin}))) as client:
    try:  # the high-water mark restarts from the resident size now (Linux 4.0+), else from the peak of imports
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    before = high_water_kb()
    try:
        outcome = f"fetched {len(client.fetch(url).body)} bytes"
    except FetchError as error:
        outcome = error.reason
    print(json.dumps({"outcome": outcome, "rise_mb": (high_water_kb() - before) / 1024}))
"""


@dataclass(frozen=True)
class FetchPeak:
    """How one fetch in a fresh process ended (its error's reason, or "fetched N bytes"), and how many
    MB its peak memory rose above what the process held just before."""

    outcome: str
    rise_mb: float


def fetch_peak(url: str, origin: str, max_mb: float = FETCH_MAX_MB) -> FetchPeak:
    """Fetch ``url`` with a fresh :class:`index.fetching.WebClient` in a child process (allowed to
    reach ``origin``), and measure it."""
    child = run_python("-c", _PEAK_CHILD, url, origin, str(max_mb))
    assert child.returncode == 0, child.stderr[-3000:]
    return FetchPeak(**json.loads(child.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="session")
def bomb_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bombs are made once per session (brotli's takes a few seconds) and kept here."""
    return tmp_path_factory.mktemp("bombs")


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


# --- compression bombs ------------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux's /proc")
@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip", "deflate", "gzip, br"])
def test_a_compression_bomb_stops_at_the_cap_without_filling_memory(
    web: WebServer, bomb_cache: Path, encoding: str
) -> None:
    bomb = compression_bomb(encoding, BOMB_BYTES, bomb_cache)
    assert len(bomb) < 2 * 1024 * 1024, "a bomb is small on the wire: the declared-length check cannot catch it"
    web.routes["/bomb"] = Route(body=bomb, headers={"Content-Encoding": encoding, "Content-Type": "text/html"})

    peak = fetch_peak(web.url("/bomb"), web.origin)

    assert peak.outcome == f"larger than {FETCH_MAX_MB} MB"
    assert peak.rise_mb < PEAK_LIMIT_MB, f"{encoding}: memory rose {peak.rise_mb:.0f} MB during one fetch"


def test_a_zstd_frame_asking_for_a_huge_window_is_refused(web: WebServer) -> None:
    """RFC 9659 limits the zstd coding's window to 8 MB; a frame asking for 128 MB would cost that much."""
    params = zstandard.ZstdCompressionParameters(window_log=27)
    packer = zstandard.ZstdCompressor(compression_params=params).compressobj()
    web.routes["/wide"] = Route(
        body=packer.compress(bytes(1 << 20)) + packer.flush(), headers={"Content-Encoding": "zstd"}
    )
    with client_for(web) as client, pytest.raises(FetchError) as caught:
        client.fetch(web.url("/wide"))
    assert caught.value.reason.startswith("undecodable body: broken or too demanding zstd data: ")
    assert "too much memory" in caught.value.reason
