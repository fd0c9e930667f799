"""`python -m operations backfill|redrive ...`"""

import sys

from .cli import main

sys.exit(main())
