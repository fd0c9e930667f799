"""Serves `S3TriggeredStateMachine` to every Pulumi language: the engine runs this file (PulumiPlugin.yaml) as the
`s3-triggered-state-machine` provider, whose schema the SDK's `ComponentProvider` infers from the component's annotated
arguments and outputs (their docstrings are the descriptions). Consumers get it with
`pulumi package add <path to this directory>`, which generates an SDK in their language (examples/).

The component comes from the `s3-triggered-state-machine` distribution installed in this directory's virtualenv
(requirements.txt), never from the files around this directory, so the package works wherever it is unpacked. Its
version is the distribution's (the repository's pyproject.toml), and so is the package's.
"""
import importlib
import inspect
import json
import sys
from importlib import metadata

from pulumi.provider import main
from pulumi.provider.experimental.component import ComponentProvider

# The component's Python package. The import name is this one line.
COMPONENT_MODULE = "s3_triggered_state_machine"
# The distribution that provides it, and the package part of the type token
# (s3-triggered-state-machine:index:S3TriggeredStateMachine) and of the SDKs' names.
PACKAGE_NAME = "s3-triggered-state-machine"


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
    # `schema` is a documented attribute of pulumi.provider.Provider, and these are the two calls the host makes.
    provider = ComponentProvider([component], name=PACKAGE_NAME, version=metadata.version(PACKAGE_NAME))
    provider.schema = json.dumps(dedent_descriptions(json.loads(provider.schema)))
    main(provider, sys.argv[1:])
