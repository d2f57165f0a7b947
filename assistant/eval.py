"""``python -m assistant.eval``: the RealTimeQA harness, kept under its published name.

The harness lives in :mod:`assistant.evaluation.harness`; this module only starts it.
"""

import sys

from assistant.evaluation.harness import main

if __name__ == "__main__":
    sys.exit(main())
