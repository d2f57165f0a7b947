"""Screenshot a received digest email: ``python bench/screenshot_digest.py [--out docs/digest-email.png]``.

Indexes the tests' week of news (the Kessel dam told by three outlets, three other stories, a
bridge closed: ``tests/assistant/deliveries/test_email.py``) into a fresh index, follows a question
about the bridge, sends the week's digest with ``python -m assistant digest send`` to a loopback SMTP
server (``tests/mail_server.py``), indexes the bridge's reopening, sends the next digest and opens
that email's HTML part, as received, in Debian's Chromium: 1,440 px wide (written to ``--out``) and
390 px (beside it, ``-390`` added to the name). Prints the paths of the PNGs it wrote.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.following.questions import FollowedQuestions
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.store import ArticleStore
from tests.assistant.deliveries.test_email import CLOSED, DAM, OTHERS, QUESTION, REOPENED, publish, send
from tests.browser.chromium import launched_chromium
from tests.mail_server import MailServer
from tests.web_server import WebServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/digest-email.png"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, WebServer() as web, MailServer() as mail:
        root = Path(scratch)
        settings = AssistantSettings(db_path=root / "db")
        store = ArticleStore.open(settings)
        build_index(store, [publish(web, root / "articles", {**DAM, **OTHERS, **CLOSED})], show_progress=False)
        assistant = Assistant(settings, store=store)
        FollowedQuestions.open(settings).follow(QUESTION, assistant.ask(QUESTION))
        for extra in ({}, REOPENED):
            if extra:
                build_index(store, [publish(web, root / "more", extra)], show_progress=False)
            done = send(root / "db", mail.env(), *([] if extra else ["--since", "2024-03-04"]))
            assert done.returncode == 0, done.stderr[-2000:]
            print(done.stdout, end="")
        part = mail.messages[-1].get_body(preferencelist=("html",))
        assert part is not None
        with launched_chromium() as browser:
            for width, out in ((1440, args.out), (390, args.out.with_name(f"{args.out.stem}-390.png"))):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.set_content(part.get_content(), wait_until="load")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
                print(out)


if __name__ == "__main__":
    main()
