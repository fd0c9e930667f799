"""Entry point of the policy pack: builds the PolicyPack and nothing else.

The Pulumi CLI runs it as ``python -u -m pulumi.policy <engine-address> <pack-dir>``; the harness gate
runs ``python -u __main__.py`` with cwd=policies/. Either way this directory is on sys.path, so the
rules import as ``s3_trigger``. PolicyPack serves gRPC on 127.0.0.1, prints the port on the first
line of stdout and blocks.
"""

from s3_trigger import build_pack

build_pack()
