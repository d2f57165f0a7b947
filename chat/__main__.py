"""``python -m chat``: the same as ``python app.py``."""

import sys

from chat.app import main

sys.exit(main())
