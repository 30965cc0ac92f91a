"""``python -m lupex``: the same command as ``lupex`` (see :mod:`lupex.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
