"""The browser chat: layout (:mod:`chat.app`), answers and sources (:mod:`chat.render`), the
Articles tab, example questions and the chat's CSS (``chat.css``).

Imports run one way: chat → assistant → index.
"""

from index.offline import go_offline

go_offline()  # before gradio (which imports huggingface_hub) is imported by a chat module
