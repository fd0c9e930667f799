"""One deserialised stack per AnalyzeStack call, shared by the pack's stack policies (and one
deserialised resource per Analyze call, shared by its resource policies).

pulumi_policy's analyzer servicer (``pulumi_policy.policy._PolicyAnalyzerServicer.AnalyzeStack``)
rebuilds every resource of the stack for *each* stack policy: ``json_format.MessageToDict`` of its
properties and of its provider's, ``deserialize_properties``, an unknown-checking proxy and a
``PolicyResource``. This pack has eight stack policies, so a stack was deserialised eight times per
call. Measured on 100 S3TriggeredStateMachine instances (2,000 resources): seven stack policies that
do nothing took 2.1 s in AnalyzeStack, about as long as the empty pack's whole analysis (2.3 s).

:func:`install` replaces that method with :func:`analyze_stack`, the same code (pulumi_policy
1.21.0, Apache-2.0, Copyright 2016-2020 Pulumi Corporation) with one change: the resources are built
once, on the first enabled stack policy, and every stack policy of the call is handed that same list
(in a ``StackValidationArgs`` of its own, with its own config). Policies, order, enforcement levels,
config, not-applicable and unknown-value handling are unchanged. Because the list is the same object,
:meth:`graph.StackGraph.for_stack_args` builds the pack's graph and indexes once per call too. The
cyclic garbage collector is paused for the call (see :func:`analyze_stack`).

:func:`analyze` does the same for ``Analyze``: pulumi_policy deserialises the resource's
properties (and its provider's) once per resource policy; this pack has two resource policies, one
for rules and one for trails, so every resource of the stack was deserialised twice. It builds them
once, on the first enabled resource policy.

They are installed only for the pulumi_policy versions in :data:`TESTED_VERSIONS` (whose
``Analyze`` and ``AnalyzeStack`` these copies were checked against); with any other version the pack runs on the
library's own method, correct but slower. The pack's policies never modify the resources they are
given, which is what makes sharing them safe. ``S3_TRIGGER_POLICY_SHARED_STACK=0`` in the pack's
environment turns both off (for measurements).

This is the pack's one use of pulumi_policy's private code. Why it is kept (the pack's CPU halved at
100 instances on the real engine) and the upstream proposal that would retire it: policies/README.md,
"The shared-stack servicer: measured, kept, proposed upstream". tests/policies/test_policy_public_api.py
pins the SHA-256 of the library's own ``Analyze``/``AnalyzeStack`` source for each tested version.
"""

from __future__ import annotations

import asyncio
import gc
import os
from inspect import isawaitable
from typing import Any, Dict, List

TESTED_VERSIONS = frozenset({"1.21.0"})
_MARK = "_s3_trigger_shared_stack"
_ORIGINAL = "_s3_trigger_original_analyze_stack"
_ORIGINAL_ANALYZE = "_s3_trigger_original_analyze"
ENV_SWITCH = "S3_TRIGGER_POLICY_SHARED_STACK"


def _private(servicer: Any, name: str) -> Any:
    return getattr(servicer, f"_PolicyAnalyzerServicer__{name}")


def build_stack_resources(servicer: Any, request: Any) -> list:
    """The PolicyResource list pulumi_policy 1.21.0 builds per stack policy, built once."""
    from google.protobuf import json_format  # pylint: disable=import-outside-toplevel
    from pulumi_policy.deserialize import deserialize_properties  # pylint: disable=import-outside-toplevel
    from pulumi_policy.policy import PolicyResource  # pylint: disable=import-outside-toplevel
    from pulumi_policy.proxy import unknown_checking_proxy  # pylint: disable=import-outside-toplevel

    intermediates = []
    for r in request.resources:
        deserialized = deserialize_properties(json_format.MessageToDict(r.properties))
        props = unknown_checking_proxy(deserialized)
        opts = servicer._get_resource_options(r)  # pylint: disable=protected-access
        provider = servicer._get_provider_resource(r)  # pylint: disable=protected-access
        resource = PolicyResource(r.type, props, r.urn, r.name, opts, provider, None, [], {})
        property_dependencies: Dict[str, List[str]] = {}
        for k, v in r.propertyDependencies.items():
            property_dependencies[k] = list(v.urns)
        intermediates.append((resource, r.parent, list(r.dependencies), property_dependencies))

    urns_to_resources = {i[0].urn: i[0] for i in intermediates}
    for resource, parent, dependencies, property_dependencies in intermediates:
        if parent is not None and parent in urns_to_resources:
            resource.parent = urns_to_resources[parent]
        for d in dependencies:
            if d in urns_to_resources:
                resource.dependencies.append(urns_to_resources[d])
        for k, v in property_dependencies.items():
            resource.property_dependencies[k] = [urns_to_resources[d] for d in v if d in urns_to_resources]
    return [i[0] for i in intermediates]


def _run_policy(self: Any, response: Any, policy: Any, args: Any, report_violation: Any) -> None:
    """Run one policy's validate as pulumi_policy 1.21.0 does in both Analyze and AnalyzeStack: await a
    coroutine, turn UnknownValueError into the library's ADVISORY note, NotApplicable into not_applicable."""
    from pulumi.runtime import proto  # pylint: disable=import-outside-toplevel
    from pulumi_policy.policy import EnforcementLevel, _NotApplicableError  # pylint: disable=import-outside-toplevel
    from pulumi_policy.proxy import UnknownValueError  # pylint: disable=import-outside-toplevel

    pack_name, pack_version = _private(self, "policy_pack_name"), _private(self, "policy_pack_version")
    try:
        result = policy.validate(args, report_violation)
        if isawaitable(result):
            loop = asyncio.new_event_loop()
            task = asyncio.Task(result, loop=loop)
            loop.run_until_complete(task)
            loop.close()
    except UnknownValueError as e:
        response.diagnostics.append(proto.AnalyzeDiagnostic(
            policyName=policy.name,
            policyPackName=pack_name,
            policyPackVersion=pack_version,
            message=(f"can't run policy '{policy.name}' from policy pack "
                     f"'{pack_name}@v{pack_version}' during preview: {e.message}"),
            urn="",
            description=policy.description,
            enforcementLevel=self._map_enforcement_level(  # pylint: disable=protected-access
                EnforcementLevel.ADVISORY),
        ))
    except _NotApplicableError as e:
        response.not_applicable.append(proto.PolicyNotApplicable(
            policy_name=policy.name,
            reason=e.reason or "",
        ))


def analyze_stack(self: Any, request: Any, _context: Any) -> Any:
    """``_PolicyAnalyzerServicer.AnalyzeStack`` with the resources built once per call, and
    CPython's cyclic garbage collector paused during the call."""
    # The call allocates a great many small objects that stay alive until it returns (the
    # resources, their proxies, the graph); each collection of the older generations walks all of
    # them, which made a 10x larger stack cost 14x more. Nothing here depends on cycles being
    # collected during the call (reference counting still frees everything else); the collector is
    # switched back on (if it was on) when the call returns.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze_stack(self, request, _context)
    finally:
        if was_enabled:
            gc.enable()


def _analyze_stack(self: Any, request: Any, _context: Any) -> Any:
    # Copied from pulumi_policy 1.21.0 (Apache-2.0); only the building of ``resources`` moved.
    from pulumi.runtime import proto  # pylint: disable=import-outside-toplevel
    from pulumi_policy.policy import (EnforcementLevel, StackValidationArgs,  # pylint: disable=import-outside-toplevel
                                      StackValidationPolicy)

    self._configure_runtime_settings()  # pylint: disable=protected-access
    response = proto.AnalyzeResponse()
    resources = None

    for policy in _private(self, "policies"):
        enforcement_level = self._get_enforcement_level(policy)  # pylint: disable=protected-access
        if enforcement_level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
            continue
        if enforcement_level == EnforcementLevel.REMEDIATE:
            # Stack policies cannot be remediated, so treat the level as mandatory.
            enforcement_level = EnforcementLevel.MANDATORY

        report_violation = self._create_report_violation(  # pylint: disable=protected-access
            response, policy.name, policy.description, enforcement_level, policy.severity)
        if resources is None:
            resources = build_stack_resources(self, request)
        config = self._get_policy_config(policy.name)  # pylint: disable=protected-access
        args = StackValidationArgs(resources, config, _private(self, "stack_tags"))

        _run_policy(self, response, policy, args, report_violation)

    return response


def analyze(self: Any, request: Any, _context: Any) -> Any:
    """``_PolicyAnalyzerServicer.Analyze`` with the resource's props, options and provider built once
    per call instead of once per resource policy."""
    from google.protobuf import json_format  # pylint: disable=import-outside-toplevel
    from pulumi.runtime import proto  # pylint: disable=import-outside-toplevel
    from pulumi_policy.deserialize import deserialize_properties  # pylint: disable=import-outside-toplevel
    from pulumi_policy.policy import (EnforcementLevel, ResourceValidationArgs,  # pylint: disable=import-outside-toplevel
                                      ResourceValidationPolicy)
    from pulumi_policy.proxy import unknown_checking_proxy  # pylint: disable=import-outside-toplevel

    self._configure_runtime_settings()  # pylint: disable=protected-access
    response = proto.AnalyzeResponse()
    built = None

    for policy in _private(self, "policies"):
        enforcement_level = self._get_enforcement_level(policy)  # pylint: disable=protected-access
        if (enforcement_level == EnforcementLevel.DISABLED or
                not isinstance(policy, ResourceValidationPolicy)):
            continue
        if not policy.has_validation():
            # This is a remediation policy only, so report it as not applicable.
            response.not_applicable.append(proto.PolicyNotApplicable(
                policy_name=policy.name,
                reason="Policy does not implement validate",
            ))
            continue
        if enforcement_level == EnforcementLevel.REMEDIATE:
            # If we ran a remediation, but we are still somehow triggering a violation,
            # "downgrade" the level we report from remediate to mandatory.
            enforcement_level = EnforcementLevel.MANDATORY

        report_violation = self._create_report_violation(  # pylint: disable=protected-access
            response, policy.name, policy.description, enforcement_level, policy.severity)
        if built is None:
            deserialized = deserialize_properties(json_format.MessageToDict(request.properties))
            built = (unknown_checking_proxy(deserialized),
                     self._get_resource_options(request),  # pylint: disable=protected-access
                     self._get_provider_resource(request))  # pylint: disable=protected-access
        props, opts, provider = built
        config = self._get_policy_config(policy.name)  # pylint: disable=protected-access
        args = ResourceValidationArgs(request.type, props, request.urn, request.name, opts, provider, config,
                                      _private(self, "stack_tags"))

        _run_policy(self, response, policy, args, report_violation)

    return response


def report_version(version: str | None) -> bool:
    """Make the pack report ``version`` in ``GetAnalyzerInfo``: the one thing pulumi_policy's public API cannot say.
    pulumi_policy always reports "0.0.1" there ("Python policy packs should specify a version in PulumiPolicy.yaml",
    policy.py), which the engine shows (``pack@v0.0.1``) whenever ``PulumiPolicy.yaml`` has no ``version``, as in a
    checkout, where the version lives in pyproject.toml only (s3_trigger/about.py). The released pack carries the
    version in its PulumiPolicy.yaml and needs none of this. Like the servicer, it touches
    ``_PolicyAnalyzerServicer.__init__`` only on the releases in :data:`TESTED_VERSIONS` (whose ``__init__`` source
    tests/policies/test_policy_public_api.py pins); elsewhere the placeholder stays. Call before ``PolicyPack(...)``.
    Returns whether the version is reported."""
    if not version:
        return False
    from pulumi_policy import policy as pp  # pylint: disable=import-outside-toplevel
    from pulumi_policy.version import VERSION  # pylint: disable=import-outside-toplevel

    cls = getattr(pp, "_PolicyAnalyzerServicer", None)
    if cls is None or VERSION not in TESTED_VERSIONS:
        return False
    original = cls.__dict__.get("_s3_trigger_original_init") or cls.__init__

    def __init__(self, name, _placeholder_version, *args, **kwargs):
        original(self, name, version, *args, **kwargs)

    cls._s3_trigger_original_init = original
    cls.__init__ = __init__
    return True


def original_init() -> Any:
    """pulumi_policy's own ``_PolicyAnalyzerServicer.__init__`` (for the test that pins it)."""
    from pulumi_policy import policy as pp  # pylint: disable=import-outside-toplevel

    cls = pp._PolicyAnalyzerServicer  # pylint: disable=protected-access
    return cls.__dict__.get("_s3_trigger_original_init") or cls.__init__


def install() -> bool:
    """Install :func:`analyze_stack` on pulumi_policy's servicer class; True if it is installed
    (now or before). Does nothing for untested pulumi_policy versions or when switched off."""
    if os.environ.get(ENV_SWITCH, "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    try:
        from pulumi_policy import policy as pp  # pylint: disable=import-outside-toplevel
        from pulumi_policy.version import VERSION  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover
        return False
    cls = getattr(pp, "_PolicyAnalyzerServicer", None)
    if cls is None or VERSION not in TESTED_VERSIONS:
        return False
    if getattr(cls, _MARK, False):
        return True
    for name in ("policies", "policy_pack_name", "policy_pack_version", "stack_tags"):
        if f"_PolicyAnalyzerServicer__{name}" not in getattr(cls, "__annotations__", {}):
            return False  # not the class this copy was written against
    setattr(cls, _ORIGINAL, cls.AnalyzeStack)
    setattr(cls, _ORIGINAL_ANALYZE, cls.Analyze)
    cls.AnalyzeStack = analyze_stack
    cls.Analyze = analyze
    setattr(cls, _MARK, True)
    return True


def original_analyze_stack() -> Any:
    """pulumi_policy's own ``AnalyzeStack`` (for tests that compare the two)."""
    from pulumi_policy import policy as pp  # pylint: disable=import-outside-toplevel
    cls = pp._PolicyAnalyzerServicer  # pylint: disable=protected-access
    return cls.__dict__.get(_ORIGINAL) or cls.AnalyzeStack


def original_analyze() -> Any:
    """pulumi_policy's own ``Analyze`` (for tests that compare the two)."""
    from pulumi_policy import policy as pp  # pylint: disable=import-outside-toplevel
    cls = pp._PolicyAnalyzerServicer  # pylint: disable=protected-access
    return cls.__dict__.get(_ORIGINAL_ANALYZE) or cls.Analyze


def installed() -> bool:
    try:
        from pulumi_policy import policy as pp  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover
        return False
    return bool(getattr(getattr(pp, "_PolicyAnalyzerServicer", None), _MARK, False))
