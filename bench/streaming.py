"""Time to the first text and to the end of an answer in the chat, as a reader's browser sees them.

    python bench/streaming.py [--backends extractive,smollm2] [--db DIR]

For each backend, ``app.py`` serves the index (seeds/ indexed into a temporary folder when no
``--db`` is given; ``ASSISTANT_LLM`` set to the backend) and Debian's Chromium asks the questions
one after another. A script in the page watches the reply as Gradio draws it: the first moment
it holds text, the moment its sources (or the refusal) show, and how many different texts it
showed on the way. Times are from the Enter key, in the page's own clock. Prints a table; asserts
nothing. The first question of a backend includes loading what the first answer loads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.app_server import serving  # noqa: E402 - the repository is on the path now
from tests.browser.chromium import CHROMIUM, launched_chromium  # noqa: E402

QUESTIONS = [
    "What does Turkey demand in Libya?",
    "What did Turkey say about France?",
    "Who is the head of the GNA?",
]
# Records, for the reply to the question last asked, when it first held text, when its sources (or
# the refusal) showed, and each different text it showed.
WATCH = """(() => {
  const seen = (window.__stream = { asked: null });
  new MutationObserver(() => {
    if (seen.asked === null) return;
    const bots = document.querySelectorAll('#answers [data-testid="bot"]');
    if (bots.length <= seen.before) return;
    const bot = bots[bots.length - 1], text = bot.innerText.trim(), now = performance.now();
    if (!text) return;
    seen.first ??= now;
    if (text !== seen.texts[seen.texts.length - 1]) seen.texts.push(text);
    if (seen.end === null && (bot.querySelector('.sources') || text.includes('not in the articles'))) seen.end = now;
  }).observe(document, { subtree: true, childList: true, characterData: true });
})()"""
START = """() => {
  const seen = window.__stream;
  seen.before = document.querySelectorAll('#answers [data-testid="bot"]').length;
  Object.assign(seen, { first: null, end: null, texts: [], asked: performance.now() });
}"""


def timed_answers(page: Page, questions: list[str], timeout_s: float) -> list[tuple[float, float, int]]:
    """(ms to the first text, ms to the end, texts shown) for each question, asked in turn."""
    box = page.locator("#question textarea")
    expect(box).to_be_editable(timeout=timeout_s * 1000)
    times = []
    for question in questions:
        box.fill(question)
        page.evaluate(START)
        box.press("Enter")
        page.wait_for_function("() => window.__stream.end !== null", timeout=timeout_s * 1000)
        seen = page.evaluate("() => window.__stream")
        times.append((seen["first"] - seen["asked"], seen["end"] - seen["asked"], len(seen["texts"])))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="extractive,smollm2", help="comma-separated ASSISTANT_LLM values")
    parser.add_argument("--db", type=Path, default=None, help="an index to serve (default: seeds/ indexed anew)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds an answer may take")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-streaming-") as tmp:
        db = args.db or Path(tmp) / "db"
        if args.db is None:
            build = [sys.executable, "-m", "index", "build", "seeds", "--db", str(db), "--quiet"]
            subprocess.run(build, cwd=ROOT, check=True)
        rows = []
        for backend in args.backends.split(","):
            os.environ["ASSISTANT_LLM"] = backend
            with serving(db, f"bench-streaming-{backend}") as url, launched_chromium(CHROMIUM) as browser:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.add_init_script(WATCH)
                page.goto(f"{url}/", wait_until="domcontentloaded")
                times = timed_answers(page, QUESTIONS, args.timeout)
                rows += [(backend, q, *t) for q, t in zip(QUESTIONS, times, strict=True)]
    print("| backend | question | first text (ms) | end (ms) | texts shown |\n|---|---|---|---|---|")
    for backend, question, first, end, texts in rows:
        print(f"| {backend} | {question} | {first:,.0f} | {end:,.0f} | {texts} |")
    for backend in args.backends.split(","):
        mine = [row for row in rows if row[0] == backend]
        first, end = statistics.median(r[2] for r in mine), statistics.median(r[3] for r in mine)
        print(f"{backend}: median first text {first:,.0f} ms, median end {end:,.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
