"""`python -m s3_triggered_state_machine.operations backfill|redrive ...`"""

import sys

from .cli import main

sys.exit(main())
