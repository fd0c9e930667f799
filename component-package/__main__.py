"""Serves `S3TriggeredStateMachine` to every Pulumi language: the engine runs this file (PulumiPlugin.yaml) as the
`s3-triggered-state-machine` provider, whose schema `component_provider_host` infers from the component's annotated
arguments and outputs (their docstrings are the descriptions). Consumers get it with
`pulumi package add <path to this directory>`, which generates an SDK in their language (examples/).

The component comes from the `s3-triggered-state-machine` distribution installed in this directory's virtualenv
(requirements.txt), never from the files around this directory, so the package works wherever it is unpacked. Its
version is the distribution's (the repository's pyproject.toml), and so is the package's.
"""
import importlib
import inspect
from importlib import metadata

from pulumi.provider.experimental import analyzer, component_provider_host

# The component's Python package. The import name is this one line.
COMPONENT_MODULE = "s3_triggered_state_machine"
# The distribution that provides it, and the package part of the type token
# (s3-triggered-state-machine:index:S3TriggeredStateMachine) and of the SDKs' names.
PACKAGE_NAME = "s3-triggered-state-machine"


def _clean_descriptions() -> None:
    """The inferred schema takes attribute docstrings verbatim, continuation lines still indented by four spaces;
    every generated SDK would carry that indentation into its doc comments. Dedent them (inspect.cleandoc), as Python
    itself does for `help()`."""
    get_docstring, analyze_component = analyzer.Analyzer.get_docstring, analyzer.Analyzer.analyze_component

    def cleaned_docstring(self, typ, name):
        doc = get_docstring(self, typ, name)
        return inspect.cleandoc(doc) if doc else doc

    def cleaned_component(self, component):
        definition = analyze_component(self, component)
        if definition.description:
            definition.description = inspect.cleandoc(component.__doc__)
        return definition

    analyzer.Analyzer.get_docstring = cleaned_docstring
    analyzer.Analyzer.analyze_component = cleaned_component


if __name__ == "__main__":
    component = importlib.import_module(COMPONENT_MODULE).S3TriggeredStateMachine
    _clean_descriptions()
    component_provider_host([component], name=PACKAGE_NAME, version=metadata.version(PACKAGE_NAME))
