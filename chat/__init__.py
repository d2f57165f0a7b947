"""The browser chat, Gradio only: the page (:mod:`chat.app`), answers and sources (:mod:`chat.render`),
its panels (:mod:`chat.panels`), example questions and the chat's CSS (``chat.css``).

Imports run one way: server → chat → assistant → index; the API (:mod:`api`) is a sibling, never imported.
"""

from index.offline import go_offline

go_offline()  # before gradio (which imports huggingface_hub) is imported by a chat module
