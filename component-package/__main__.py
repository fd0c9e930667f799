"""Serves `S3TriggeredStateMachine` to every Pulumi language: the engine runs this file (PulumiPlugin.yaml) as the
`s3-triggered-state-machine` provider, whose schema `component_provider_host` infers from the component's annotated
arguments and outputs. Consumers get it with `pulumi package add <path to this directory>` (examples/).
"""
import importlib
import sys
from pathlib import Path

# The component's Python package, in the repository root (one directory up). The import name is this one line.
COMPONENT_MODULE = "components"
PACKAGE_NAME = "s3-triggered-state-machine"   # the package part of the type token; must match component.TYPE_TOKEN

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider.experimental import component_provider_host  # noqa: E402

if __name__ == "__main__":
    component = importlib.import_module(COMPONENT_MODULE)
    component_provider_host([component.S3TriggeredStateMachine], name=PACKAGE_NAME, version="0.1.0")
