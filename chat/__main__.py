"""``python -m chat``: the same as ``python app.py`` (a door to the composition root, :mod:`server`)."""

import sys

from server.main import main

sys.exit(main())
