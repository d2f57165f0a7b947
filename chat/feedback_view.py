"""The feedback note box opens by the answer it is about, not under the whole chat.

A thumb under an answer opens a box for an optional note (:mod:`chat.panels.conversations`). Made
under the chat, it opened far below the thumb once a conversation had a few answers, or, on a phone,
a long scroll away. This script, installed in the page once it loads, remembers which answer's thumb
was clicked and, when the box appears, places it just under that answer's buttons, above what
follows (it is a small overlay: nothing moves); it follows the answer when the page or the chat
scrolls or the window is resized. Without the script the box is still there, under the chat.
"""

from __future__ import annotations

import gradio as gr

BOX_ID = "feedback-box"
GAP_PX = 6  # between the answer's buttons and the box
WAIT_MS = 3000  # how long the box may take to appear after a click (the rating is saved first)

_THUMBS = ", ".join(f'#answers button[aria-label="{label}"]' for label in ("Like", "Dislike", "Liked", "Disliked"))

PLACE_NOTE_BY_ITS_ANSWER = f"""() => {{
  if (window.__feedbackView) return;
  const view = (window.__feedbackView = {{ anchor: null, placed: false }});
  const place = () => {{
    const box = document.getElementById({BOX_ID!r});
    if (!box || !view.anchor || !view.anchor.isConnected) return false;
    const parent = box.offsetParent;
    if (!parent) return false;  // not shown (yet)
    const chat = document.getElementById('answers').getBoundingClientRect();
    const under = parent.getBoundingClientRect(), at = view.anchor.getBoundingClientRect();
    const left = Math.max(chat.left, at.left);
    box.style.top = `${{at.bottom - under.top - parent.clientTop + parent.scrollTop + {GAP_PX}}}px`;
    box.style.left = `${{left - under.left - parent.clientLeft + parent.scrollLeft}}px`;
    box.style.width = `${{Math.max(240, chat.right - left - 8)}}px`;
    view.placed = true;
    return true;
  }};
  document.addEventListener('click', event => {{
    const thumb = event.target instanceof Element && event.target.closest({_THUMBS!r});
    if (!thumb) return;
    view.anchor = thumb.closest('.message-buttons') || thumb;
    view.placed = false;
    const until = performance.now() + {WAIT_MS};
    const wait = () => {{ place(); if (performance.now() < until) requestAnimationFrame(wait); }};
    requestAnimationFrame(wait);
  }}, true);
  window.addEventListener('resize', place);
  document.addEventListener('scroll', place, true);  // the page's, or the chat's own on a wide window
}}"""


def place_note_by_its_answer(app: gr.Blocks) -> None:
    """Install :data:`PLACE_NOTE_BY_ITS_ANSWER` in the page when it loads (no server call)."""
    app.load(None, None, None, js=PLACE_NOTE_BY_ITS_ANSWER, api_visibility="private", queue=False)
