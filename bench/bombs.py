"""Peak memory of fetching a compression bomb: 1 GiB of zeros in each Content-Encoding, served by the
tests' real loopback server, fetched with the default 10 MB cap in a fresh process each.

    python bench/bombs.py [--gib 1] [--max-mb 10] [--json OUT]

For each encoding it prints the bomb's size on the wire, how the fetch ended, and how many MB the
fetching process's peak resident memory (VmHWM) rose during the fetch. Then the same for sitemaps
sent as gzip files (``sitemap.xml.gz``, no Content-Encoding), fetched *and parsed*: a real 45 MB
sitemap of 50,000 URLs, 1 GiB of zeros, and 1 GiB of blanks after a ``<urlset>`` (which passes the
sniffing). Prints figures; asserts nothing.

Measured (2 cores, Linux), peak memory rise per sitemap, before → after sitemaps were unzipped and
parsed a piece at a time: the 45 MB sitemap +224 → +21 MB, the zeros +103 → +3 MB, the blanks
+103 → +3 MB (the Content-Encoding bombs stay at +10 to +14 MB).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.index.sources.test_fetch_hostile import big_gzipped_sitemap, fetch_peak, sitemap_bomb
from tests.web_server import Route, WebServer, compression_bomb

ENCODINGS = ("br", "zstd", "gzip", "deflate", "gzip, br")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0, help="decoded size of each bomb")
    parser.add_argument("--max-mb", type=float, default=10.0, help="the fetch cap (ASSISTANT_FETCH_MAX_MB)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures: dict[str, dict[str, object]] = {}
    with WebServer() as web, tempfile.TemporaryDirectory() as scratch:
        for encoding in ENCODINGS:
            bomb = compression_bomb(encoding, int(args.gib * (1 << 30)), Path(scratch))
            web.routes["/bomb"] = Route(body=bomb, headers={"Content-Encoding": encoding, "Content-Type": "text/html"})
            peak = fetch_peak(web.url("/bomb"), web.origin, args.max_mb)
            figures[encoding] = {"wire_bytes": len(bomb), "outcome": peak.outcome, "peak_rise_mb": peak.rise_mb}
            print(f"{encoding:>9}: {len(bomb):>9,} bytes -> {peak.outcome}; peak memory +{peak.rise_mb:,.0f} MB")
        sitemaps = {
            "45 MB sitemap": big_gzipped_sitemap(Path(scratch)),
            "gzip zeros": compression_bomb("gzip", 1 << 30, Path(scratch)),
            "gzip blanks": sitemap_bomb(Path(scratch)),
        }
        for name, body in sitemaps.items():
            web.routes["/sitemap.xml.gz"] = Route(body=body, headers={"Content-Type": "application/gzip"})
            peak = fetch_peak(web.url("/sitemap.xml.gz"), web.origin, args.max_mb, parse=True)
            figures[name] = {"wire_bytes": len(body), "outcome": peak.outcome, "peak_rise_mb": peak.rise_mb}
            print(f"{name:>13}: {len(body):>9,} bytes -> {peak.outcome}; peak memory +{peak.rise_mb:,.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
