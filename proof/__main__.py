"""``python -m proof``: see proof.cli."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
