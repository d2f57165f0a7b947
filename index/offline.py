"""The offline and no-telemetry switches, applied before any library that reads them is imported.

Nothing may reach a model hub at run time, and Chroma and Gradio must not phone home.
``huggingface_hub`` (under sentence-transformers, transformers and Gradio) reads ``HF_HUB_OFFLINE``
once, when it is first imported, so setting it later does nothing. Every entry point therefore
calls :func:`go_offline` first, and the packages ``index``, ``assistant`` and ``chat`` call it as
the first thing they do, so ``from assistant import answer`` is covered too. A value the user set
is kept (``setdefault``).
"""

from __future__ import annotations

import os

SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "True",  # the value Gradio itself writes
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def go_offline() -> None:
    """Set the switches this process has not set itself."""
    for name, value in SWITCHES.items():
        os.environ.setdefault(name, value)
