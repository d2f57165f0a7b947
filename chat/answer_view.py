"""Keeping a new answer in view: its question at the top of the chat, its first lines under it.

Gradio's chatbot follows a streaming reply to its end. A reply here ends with its sources, so after a
long answer the reader was left looking at the last source, the answer itself scrolled out of view.
The chat's own scrolling is off (``autoscroll=False``) and this script, run in the page whenever the
chat changes, scrolls once per new question (or reopened conversation): the last question to the
top of the chat, so the answer reads from its first line, sources below. It retries as the reply
grows (a short chat cannot scroll that far yet) and stops once the question is at the top, so
scrolling the reader does while the answer streams is left alone.

On a narrow window the chat has no scrolling of its own (``chat.css``: it grows with its answers and
the page scrolls), so there the page is scrolled instead: the question to the top of the window.
"""

from __future__ import annotations

import gradio as gr

CHAT_ID = "answers"
CLEARANCE_PX = 40  # below the chat's label and buttons, which float over its top edge
PAGE_CLEARANCE_PX = 8  # from the window's top edge, when the page scrolls

KEEP_ANSWER_IN_VIEW = f"""() => {{
  const CLEARANCE = {CLEARANCE_PX};
  const view = (window.__answerView ??= {{ questions: 0, settled: true }});
  const place = () => {{
    const chat = document.getElementById({CHAT_ID!r});
    const log = chat && chat.querySelector('[role="log"]');
    if (!log) return;
    const asked = log.querySelectorAll('[data-testid="user"]');
    if (asked.length !== view.questions) {{ view.questions = asked.length; view.settled = asked.length === 0; }}
    if (view.settled) return;
    const question = asked[asked.length - 1];
    // Not settled before the reply itself shows: the waiting bubble's place is not yet the reply's.
    const replied = [...log.querySelectorAll('[data-testid="bot"]')]
      .some(bot => question.compareDocumentPosition(bot) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (getComputedStyle(log).overflowY === 'visible') {{  // the page scrolls, not the chat
      const top = Math.max(0, window.scrollY + question.getBoundingClientRect().top - {PAGE_CLEARANCE_PX});
      window.scrollTo({{ top, behavior: 'instant' }});
      view.settled = replied && Math.abs(window.scrollY - top) < 2;
      return;
    }}
    const offset = question.getBoundingClientRect().top - log.getBoundingClientRect().top - CLEARANCE;
    const top = Math.max(0, log.scrollTop + offset);
    log.scrollTop = top;
    view.settled = replied && Math.abs(log.scrollTop - top) < 2;  // else the reply is too short to scroll that far
  }};
  for (const wait of [0, 150, 600]) setTimeout(place, wait);
}}"""


def keep_answers_in_view(chatbot: gr.Chatbot) -> None:
    """Run :data:`KEEP_ANSWER_IN_VIEW` in the page on every change of ``chatbot`` (no server call)."""
    chatbot.change(None, None, None, js=KEEP_ANSWER_IN_VIEW, api_visibility="private", queue=False)
