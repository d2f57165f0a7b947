"""The assistant for programs, no Gradio: REST (:mod:`api.rest`), OpenAI-compatible (:mod:`api.openai_compat`)
and MCP (:mod:`api.mcp_tools`) over one :class:`~api.service.AnsweringService`; login, errors, request
and answer models.

Imports run one way: server → api → assistant → index (the chat is a sibling, never imported).
"""

from index.offline import go_offline

go_offline()
