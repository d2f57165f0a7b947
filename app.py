"""The chat's entry point: ``python app.py [--host 127.0.0.1] [--port 7860] [--db DIR] [--llm NAME]``.

The composition root is :mod:`server` (the chat in :mod:`chat`, the API in :mod:`api`); importing
it applies the offline and no-telemetry switches before Gradio, Chroma or the models are imported.
"""

import sys

from server.main import main

if __name__ == "__main__":
    sys.exit(main())
