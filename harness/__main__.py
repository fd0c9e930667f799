"""`python -m harness ...`: the deprecated spelling of `python -m proof ...` (kept for one release)."""

import sys

from proof.cli import main

if __name__ == "__main__":
    print("note: `python -m harness` is now `python -m proof` (`preview` is also `gate`); the old name works for one "
          "release", file=sys.stderr)
    sys.exit(main())
