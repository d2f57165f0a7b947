"""The composition root: settings, the Assistant, the follower, conversations and the login, with the
browser chat (:mod:`chat`) at ``/`` and the API (:mod:`api`) beside it on one port.

Imports run one way: server → chat, api → assistant → index. ``python app.py`` runs :func:`server.main.main`.
"""

from index.offline import go_offline

go_offline()  # before gradio (which imports huggingface_hub) is imported
