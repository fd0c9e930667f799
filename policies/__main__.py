"""Entry point of the policy pack: builds the PolicyPack and nothing else.

The Pulumi engine starts it through its Python language host, in the project's virtualenv
(PulumiPolicy.yaml), as ``python policies <engine-address>`` (older hosts: ``python -u -m pulumi.policy
<engine-address> policies``); the offline gate (``python -m proof gate``) is that same engine. Either way
this directory is on sys.path, so the rules import as ``s3_trigger``. PolicyPack serves gRPC on 127.0.0.1, prints the port on the first
line of stdout and blocks.
"""

from s3_trigger import build_pack

build_pack()
