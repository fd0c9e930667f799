"""`python -m standin_aws ENGINE_ADDRESS`: serve the stand-in aws provider (the engine starts it; see __init__)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from pulumi.provider.experimental.server import main

from .provider import StandInAwsProvider


def plugin_version() -> str:
    """The version `pulumi_aws` asks the engine for (its pulumi-plugin.json), so the engine accepts this plugin."""
    import pulumi_aws  # noqa: PLC0415

    return json.loads((Path(pulumi_aws.__file__).parent / "pulumi-plugin.json").read_text())["version"]


def make_backend():
    kind = os.environ.get("S3TSM_BACKEND", "offline")
    if kind == "offline":
        from .offline import OfflineBackend  # noqa: PLC0415

        return OfflineBackend()
    if kind == "localstack":
        from .localstack import LocalStackBackend  # noqa: PLC0415

        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if not endpoint:
            sys.exit("stand-in aws provider: S3TSM_BACKEND=localstack needs AWS_ENDPOINT_URL (the LocalStack endpoint)")
        return LocalStackBackend(endpoint)
    sys.exit(f"stand-in aws provider: S3TSM_BACKEND={kind!r} is not a backend; use 'offline' or 'localstack'")


if __name__ == "__main__":
    main(sys.argv[1:], plugin_version(), StandInAwsProvider(make_backend()))
