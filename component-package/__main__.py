"""Serves `S3TriggeredStateMachine` to every Pulumi language: the engine runs this file (PulumiPlugin.yaml) as the
`s3-triggered-state-machine` provider, whose schema the SDK's `ComponentProvider` infers from the component's annotated
arguments and outputs (their docstrings are the descriptions). Consumers get it with
`pulumi package add <path to this directory>`, which generates an SDK in their language (examples/).
"""
import importlib
import inspect
import json
import sys
from pathlib import Path

# The component's Python package, in the repository root (one directory up). The import name is this one line.
COMPONENT_MODULE = "s3_triggered_state_machine"
# The package part of the type token (s3-triggered-state-machine:index:S3TriggeredStateMachine) and of the SDKs' names.
PACKAGE_NAME = "s3-triggered-state-machine"
VERSION = "0.1.0"   # pyproject.toml's version

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider import main  # noqa: E402
from pulumi.provider.experimental.component import ComponentProvider  # noqa: E402


def dedent_descriptions(schema):
    """The schema with every description dedented as Python's `help()` does (inspect.cleandoc). The SDK's analyzer
    takes attribute docstrings verbatim, continuation lines still indented by four spaces, and every generated SDK
    would carry that indentation into its doc comments."""
    if isinstance(schema, dict):
        return {key: inspect.cleandoc(value) if key == "description" and isinstance(value, str)
                else dedent_descriptions(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [dedent_descriptions(value) for value in schema]
    return schema


if __name__ == "__main__":
    component = importlib.import_module(COMPONENT_MODULE).S3TriggeredStateMachine
    # component_provider_host([component], ...) in two steps, to post-process the inferred schema: the provider's
    # `schema` (the JSON the engine's GetSchema returns) is a public attribute of pulumi.provider.Provider.
    provider = ComponentProvider([component], name=PACKAGE_NAME, version=VERSION)
    provider.schema = json.dumps(dedent_descriptions(json.loads(provider.schema)))
    main(provider, sys.argv[1:])
