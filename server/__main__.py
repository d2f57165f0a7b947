"""``python -m server``: the same as ``python app.py``."""

import sys

from server.main import main

sys.exit(main())
