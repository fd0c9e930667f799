"""The component package's schema, as `pulumi package get-schema component-package` prints it: what every other
language's SDK is generated from.

Substitute used: the REAL Pulumi CLI v3.274.1 (scripts/pulumi) runs component-package/ through the Python language
host; the STAND-IN aws provider fills the plugin cache entry the CLI looks for (the schema itself does not use it).
The expected arguments and outputs are read from the Python annotations, so a new argument without a description,
a type other languages cannot express, or a missing default fails here.
"""
from __future__ import annotations

import collections.abc
import inspect
import json
import subprocess
import typing

import pytest

from s3_triggered_state_machine.args import S3TriggeredStateMachineArgs
from s3_triggered_state_machine.component import S3TriggeredStateMachine

from .consumers import PACKAGE_DIR, PULUMI, TYPE_TOKEN

_SCALARS = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _expected_type(annotation) -> str:
    """The schema type a Python annotation should become: Input/Output/Optional/Required peeled off."""
    while True:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Union:
            # Optional[T] is Union[T, None]; pulumi.Input[T] is Union[T, Awaitable[T], Output[T]]: T comes first.
            annotation = [a for a in args if a is not type(None)][0]
            continue
        if origin in (typing.Required, typing.NotRequired) or getattr(origin, "__name__", "") == "Output":
            annotation = args[0]
            continue
        break
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if origin in (collections.abc.Sequence, list, tuple):
        return "array"
    if origin in (collections.abc.Mapping, dict):
        return "object"
    raise AssertionError(f"no schema type for {annotation!r}")


@pytest.fixture(scope="module")
def schema() -> dict:
    proc = subprocess.run([str(PULUMI), "package", "get-schema", str(PACKAGE_DIR)], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def resource(schema) -> dict:
    assert set(schema["resources"]) == {TYPE_TOKEN}, "the package serves exactly the one component"
    resource = schema["resources"][TYPE_TOKEN]
    assert resource["isComponent"] is True
    return resource


def test_package_name_and_type_token(schema):
    assert schema["name"] == "s3-triggered-state-machine"
    assert TYPE_TOKEN == S3TriggeredStateMachine.__init__.__globals__["TYPE_TOKEN"]


def test_every_argument_with_description_type_and_default(resource):
    hints = inspect.get_annotations(S3TriggeredStateMachineArgs)   # real types: no __future__ annotations
    inputs = resource["inputProperties"]
    assert set(inputs) == {_camel(k) for k in hints}, "every argument, and only those, is in the schema"
    for key, annotation in hints.items():
        prop = inputs[_camel(key)]
        assert prop.get("description"), f"{key} has no description"
        assert prop.get("type") == _expected_type(annotation), f"{key}: {prop} for {annotation!r}"
        if prop["type"] == "array":
            assert prop["items"].get("type") == "string", key
        if prop["type"] == "object":
            assert prop["additionalProperties"].get("type") in ("string", "number"), key
    assert resource.get("requiredInputs") == ["stateMachineArn"]
    for name, prop in inputs.items():
        if name != "stateMachineArn":
            assert "Default:" in prop["description"], f"{name}'s description does not state its default"


def test_every_output_with_description_and_type(resource):
    hints = inspect.get_annotations(S3TriggeredStateMachine)
    outputs = {k: v for k, v in hints.items() if not k.startswith("_") and getattr(typing.get_origin(v), "__name__",
                                                                                      "") == "Output"}
    assert len(outputs) >= 10
    props = resource["properties"]
    assert set(props) == {_camel(k) for k in outputs}
    for key, annotation in outputs.items():
        prop = props[_camel(key)]
        assert prop.get("description"), f"output {key} has no description"
        assert prop.get("type") == _expected_type(annotation), f"output {key}: {prop}"
    optional = {_camel(k) for k, v in outputs.items() if type(None) in typing.get_args(typing.get_args(v)[0])}
    assert set(resource["required"]) == set(props) - optional


def test_nothing_other_languages_cannot_express(schema, resource):
    text = json.dumps(schema)
    assert "oneOf" not in text, "a union type: most languages' SDKs cannot express it"
    assert "$ref" not in text, "a reference to a complex, enum or external type"
    assert not schema.get("types"), "named types (objects or enums) other languages would have to generate"


def test_descriptions_are_dedented(resource):
    """The SDK's analyzer takes docstrings verbatim (continuation lines indented); component-package/__main__.py
    dedents the inferred schema (inspect.cleandoc) through the provider's public `schema` attribute."""
    described = {"(component)": resource["description"],
                 **{f"input {k}": v["description"] for k, v in resource["inputProperties"].items()},
                 **{f"output {k}": v["description"] for k, v in resource["properties"].items()}}
    assert len([d for d in described.values() if "\n" in d]) >= 5, "too few multi-line descriptions to check"
    for name, description in described.items():
        assert description == inspect.cleandoc(description), f"{name}: the description keeps the docstring's indentation"
