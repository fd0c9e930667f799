"""The pack stands on pulumi-policy's public API only (issue 20, "Build only on public ground").

Substitute used: pure functions and pulumi_policy's own classes, in-process (no engine, no pack process):
* the product's source (policies/, component-package/) is read with ``ast``: no import of a private name from
  pulumi, pulumi_policy or pulumi_aws, no name-mangled attribute, no access to a private attribute of one of their
  modules, no proxy's ``"__target"`` key; except in policies/s3_trigger/servicer.py, the one version-gated shim
  (its copies of pulumi_policy's ``Analyze``/``AnalyzeStack`` measurably save CPU: policies/README.md), whose
  upstream methods are pinned here by the SHA-256 of their source, so that a release that changes them fails;
* :func:`values.plain` copies real ``pulumi_policy.proxy.unknown_checking_proxy`` proxies through their public
  Mapping/Sequence behaviour, each unknown kept as the exact sentinel the library's ``UnknownValueError`` carries;
* :class:`framework.ResourceAndStackPolicy` is built through ``ResourceValidationPolicy``'s constructor and answers
  pulumi_policy's own questions (``has_validation``, ``has_remediation``, ``remediate``, ``validate``) as a policy
  with a validation and no remediation, for both kinds of args.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import re
from pathlib import Path

import pytest
from pulumi_policy import (EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies.s3_trigger.framework import ResourceAndStackPolicy
from policies.s3_trigger.values import (UNKNOWN_ARRAY, UNKNOWN_BOOLEAN, UNKNOWN_NUMBER, UNKNOWN_OBJECT,
                                        UNKNOWN_SENTINELS, UNKNOWN_STRING, plain)
from tests.sources import parse

ROOT = Path(__file__).resolve().parents[2]
#: The product's own Python files: not the virtualenvs that `scripts/setup` (or `pulumi install`) makes inside these
#: directories (policies/venv, component-package/venv), nor build output.
_NOT_OURS = {"venv", ".venv", "build", "dist", "__pycache__"}
PRODUCT = [p for d in ("policies", "component-package") for p in sorted((ROOT / d).rglob("*.py"))
           if not _NOT_OURS & set(p.relative_to(ROOT).parts) and not any(part.endswith(".egg-info")
                                                                        for part in p.relative_to(ROOT).parts)]
LIBRARIES = ("pulumi", "pulumi_policy", "pulumi_aws")
_MANGLED = re.compile(r"^_[A-Za-z]\w*__\w+$")
_PRIVATE_CLASS = re.compile(r"^_[A-Z]\w*$")     # as a string: getattr(module, "_PolicyAnalyzerServicer")


def _from_library(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in LIBRARIES


def private_uses(source: str) -> list[str]:
    """Each use of a private name of pulumi, pulumi_policy or pulumi_aws in ``source``, as ``line: what``."""
    tree = parse(source)   # with the collector off: tests/sources.py
    library_names: set[str] = set()    # local names bound to the libraries' modules or objects
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _from_library(alias.name):
                    library_names.add((alias.asname or alias.name).split(".")[0])
                    if any(part.startswith("_") for part in alias.name.split(".")):
                        found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and _from_library(node.module):
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"{node.lineno}: from {node.module}")
            for alias in node.names:
                library_names.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if _MANGLED.match(node.attr):
                found.append(f"{node.lineno}: .{node.attr} (name-mangled)")
            elif (node.attr.startswith("_") and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                  and node.value.id in library_names):
                found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value == "__target" or _MANGLED.match(node.value) or _PRIVATE_CLASS.match(node.value):
                found.append(f"{node.lineno}: {node.value!r}")
    return found


def test_the_scan_finds_each_kind_of_private_use():
    source = '''
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy import policy as pp
import pulumi.provider.experimental.analyzer as analyzer
x = pp._PolicyAnalyzerServicer
self._ResourceValidationPolicy__validate = f
y = proxy["__target"]
z = getattr(s, "_PolicyAnalyzerServicer__policies")
w = getattr(pp, "_PolicyAnalyzerServicer", None)
ok = self._own_attribute
'''
    found = private_uses(source)
    assert [f.split(":")[0] for f in found] == ["2", "5", "6", "7", "8", "9"], found


#: The one module allowed to use pulumi_policy's private names (see the module docstring).
SHIM = ROOT / "policies" / "s3_trigger" / "servicer.py"


@pytest.mark.parametrize("path", [p for p in PRODUCT if p != SHIM], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_of_pulumi_in_the_product(path):
    assert not private_uses(path.read_text()), f"{path.relative_to(ROOT)} uses private names of {LIBRARIES}"


#: SHA-256 of the source of pulumi_policy's own ``_PolicyAnalyzerServicer.AnalyzeStack``, ``.Analyze`` and
#: ``.__init__`` (whose version argument servicer.report_version replaces), per release in servicer.TESTED_VERSIONS:
#: what servicer.py's copies and its version override were written and checked against.
UPSTREAM_SOURCE = {
    "1.21.0": {"AnalyzeStack": "3917a008482c2387d7da37f65d889970933e8df8efc57270559e20b36be837bf",
               "Analyze": "75db9cf8fc9d158596909b9b3f77bf48815990a6f513f2bb35728a67e4d8a515",
               "__init__": "d79091472a8911d62a8b9fa639c1692aa32540251221c1828f377887da0345b0"},
}


def test_the_shim_is_gated_on_the_releases_whose_methods_it_copies():
    from pulumi_policy.version import VERSION  # noqa: PLC0415

    from policies.s3_trigger import servicer  # noqa: PLC0415

    assert set(UPSTREAM_SOURCE) == set(servicer.TESTED_VERSIONS)
    upstream = {"AnalyzeStack": servicer.original_analyze_stack(), "Analyze": servicer.original_analyze(),
                "__init__": servicer.original_init()}
    digests = {name: hashlib.sha256(inspect.getsource(method).encode()).hexdigest()
               for name, method in upstream.items()}
    assert digests == UPSTREAM_SOURCE.get(VERSION), (
        f"pulumi_policy {VERSION}'s Analyze/AnalyzeStack are not the ones policies/s3_trigger/servicer.py copies "
        f"(checked: {sorted(UPSTREAM_SOURCE)}); the pack runs the library's own methods (same verdicts, slower). "
        "Compare them with servicer.py, then add the release and these digests here and to servicer.TESTED_VERSIONS, "
        f"or delete the shim: {digests}")


def test_the_product_files_are_found():
    names = {str(p.relative_to(ROOT)) for p in PRODUCT}
    assert {"policies/s3_trigger/framework.py", "policies/s3_trigger/values.py",
            "component-package/__main__.py"} <= names


# ---- values.plain on the library's own proxies ------------------------------------------------------

PROPS = {
    "name": "uploads",
    "versioning": {"enabled": UNKNOWN_BOOLEAN, "days": UNKNOWN_NUMBER},
    "tags": [UNKNOWN_STRING, "team", {"deep": [UNKNOWN_OBJECT, 3, None, True]}],
    "selectors": UNKNOWN_ARRAY,
    "policy": '{"Resource": "arn:aws:s3:::uploads/*"}',
}


def test_the_proxies_raise_on_unknowns_as_the_copy_expects():
    proxied = unknown_checking_proxy(PROPS)
    with pytest.raises(UnknownValueError) as caught:
        proxied["versioning"]["enabled"]  # pylint: disable=pointless-statement
    assert caught.value.unknown_type_sentinel == UNKNOWN_BOOLEAN
    with pytest.raises(UnknownValueError):
        list(proxied["tags"])


def test_plain_copies_proxies_keeping_each_unknown_as_its_sentinel():
    copied = plain(unknown_checking_proxy(PROPS))
    assert copied == PROPS
    assert type(copied) is dict and type(copied["tags"]) is list and type(copied["tags"][2]["deep"]) is list
    assert type(copied["versioning"]) is dict


def test_plain_turns_an_item_that_cannot_be_read_into_an_unknown_object():
    class Broken(dict):
        def __getitem__(self, key):
            raise KeyError(key)

    assert plain(Broken(a=1)) == {"a": UNKNOWN_OBJECT}
    assert UNKNOWN_OBJECT in UNKNOWN_SENTINELS


# ---- one policy, both kinds of validation, through the public constructor ---------------------------

def _combined(calls: list) -> ResourceAndStackPolicy:
    return ResourceAndStackPolicy("combined", "both halves", EnforcementLevel.MANDATORY,
                                  lambda args, report: calls.append(("resource", args)),
                                  lambda args, report: calls.append(("stack", args)))


def test_the_combined_policy_is_both_kinds_with_a_validation_and_no_remediation():
    policy = _combined([])
    assert isinstance(policy, ResourceValidationPolicy) and isinstance(policy, StackValidationPolicy)
    assert (policy.name, policy.description, policy.enforcement_level) == (
        "combined", "both halves", EnforcementLevel.MANDATORY)
    assert policy.has_validation() is True
    assert policy.has_remediation() is False
    assert policy.remediate(None) is None


def test_the_combined_policy_dispatches_on_the_kind_of_args():
    calls: list = []
    policy = _combined(calls)
    stack_args = StackValidationArgs([], {})
    resource_args = ResourceValidationArgs("aws:s3/bucket:Bucket", {}, "urn:x", "b", None, None, {})
    policy.validate(stack_args, lambda *a: None)
    policy.validate(resource_args, lambda *a: None)
    assert calls == [("stack", stack_args), ("resource", resource_args)]
