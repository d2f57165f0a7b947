"""The chat's entry point: ``python app.py [--host 127.0.0.1] [--port 7860] [--db DIR] [--llm NAME]``.

Everything lives in the :mod:`chat` package; importing it applies the offline and no-telemetry
switches before Gradio, Chroma or the models are imported.
"""

import sys

from chat.app import main

if __name__ == "__main__":
    sys.exit(main())
