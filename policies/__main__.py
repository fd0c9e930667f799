"""Entry point of the policy pack: builds the PolicyPack and nothing else.

The Pulumi engine starts it through its Python language host, in this directory's virtualenv ``venv``
(PulumiPolicy.yaml), as ``python <this directory> <engine-address>`` (older hosts: ``python -u -m pulumi.policy
<engine-address> <this directory>``); the offline gate (``python -m proof gate``) is that same engine. Either way
this directory is on sys.path, so the rules import as ``s3_trigger``. PolicyPack serves gRPC on 127.0.0.1, prints the
port on the first line of stdout and blocks.

A virtualenv without the pack's dependencies (created by hand, or an interrupted install) stops here with the one
command that installs them.
"""
import sys
from pathlib import Path

try:
    import pulumi  # noqa: F401  pylint: disable=unused-import
    import pulumi_policy  # noqa: F401  pylint: disable=unused-import
except ModuleNotFoundError as missing:
    here = Path(__file__).resolve().parent
    message = (f"the pack's dependencies are not installed ({missing.name} is missing from {sys.prefix}): "
               f"run `pulumi install` in {here}")
    # The engine reads a pack's first line of stdout as its port and, when the pack exits before ending that line,
    # shows what it read in its error ("failure reading plugin [...] (read '...')"); stderr goes to its log only.
    sys.stdout.write(message)
    sys.stdout.flush()
    sys.exit(f"{message}\n(or: {sys.executable} -m pip install -r {here / 'requirements.txt'})")

from s3_trigger import build_pack  # noqa: E402

build_pack()
