"""The rules as a library, for a policy pack of your own (the way ``@pulumi/awsguard`` is used).

``pip install s3-triggered-state-machine-policies``, then in your pack's ``__main__.py``::

    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy
    from s3_triggered_state_machine_policies import policies

    PolicyPack("platform", policies=[
        *policies({
            "all": "mandatory",                                   # every policy's level (default: each its own)
            "s3-trigger-copy-object": "disabled",                 # one policy's level
            "s3-trigger-trail-cost": {"enforcementLevel": "advisory", "multipartParts": 20},   # level and config
        }),
        ResourceValidationPolicy(name="require-owner-tag", ...),   # your own policies, next to them
    ])

``overrides`` has the shape of a ``--policy-pack-config`` file, plus ``"all"``. Levels become the policies' own
levels and config values their config schema's defaults, so a ``--policy-pack-config`` given to ``pulumi preview``
still overrides both (the engine's precedence: config file > policy > pack). Unknown names, levels or config keys
are refused before the pack starts, naming what is valid.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping, Union

from pulumi_policy import EnforcementLevel, Policy

Level = Union[str, EnforcementLevel]
Override = Union[Level, Mapping[str, Any]]

ALL = "all"
_LEVEL_KEY = "enforcementLevel"


def _level(value: Level, where: str) -> EnforcementLevel:
    if isinstance(value, EnforcementLevel):
        return value
    try:
        return EnforcementLevel(value)
    except ValueError:
        valid = ", ".join(repr(level.value) for level in EnforcementLevel)
        raise ValueError(f"s3-trigger policies: {where} = {value!r} is not an enforcement level; "
                         f"valid levels are {valid}") from None


def _apply(policy: Policy, override: Override, where: str) -> None:
    if not isinstance(override, Mapping):
        policy.enforcement_level = _level(override, where)
        return
    schema = policy.config_schema
    properties = dict(schema.properties) if schema is not None else {}
    for key, value in override.items():
        if key == _LEVEL_KEY:
            policy.enforcement_level = _level(value, f"{where}[{key!r}]")
            continue
        if key not in properties:
            valid = ", ".join(sorted([_LEVEL_KEY, *properties]))
            raise ValueError(f"s3-trigger policies: {where}[{key!r}] is not a setting of {policy.name}; "
                             f"its settings are {valid}")
        properties[key] = {**properties[key], "default": copy.deepcopy(value)}
    if schema is not None:
        schema.properties = properties


def policies(overrides: Mapping[str, Override] | None = None) -> list[Policy]:
    """Fresh instances of every s3-trigger policy (with severity, remediation steps and URL), with ``overrides``
    applied: ``{"all": level, "<policy name>": level | {"enforcementLevel": level, "<config key>": value}}``."""
    from . import all_policies  # pylint: disable=import-outside-toplevel

    out = all_policies()
    by_name = {p.name: p for p in out}
    overrides = dict(overrides or {})
    unknown = [name for name in overrides if name != ALL and name not in by_name]
    if unknown:
        raise ValueError(f"s3-trigger policies: overrides name {', '.join(map(repr, unknown))}, which is not a "
                         f"policy of this library; its policies are {', '.join(sorted(by_name))} (and {ALL!r})")
    if ALL in overrides:
        if isinstance(overrides[ALL], Mapping):
            raise ValueError(f"s3-trigger policies: overrides[{ALL!r}] = {overrides[ALL]!r} must be an enforcement "
                             "level; config belongs to one policy")
        for policy in out:
            _apply(policy, overrides[ALL], f"overrides[{ALL!r}]")
    for name, override in overrides.items():
        if name != ALL:
            _apply(by_name[name], override, f"overrides[{name!r}]")
    return out


def policy_pack(name: str | None = None, overrides: Mapping[str, Override] | None = None) -> None:
    """Serve a pack of these policies alone (what ``policies/__main__.py`` does, with your overrides): starts
    pulumi_policy's gRPC server and blocks. For a pack that mixes in your own policies, call :func:`policies`."""
    from pulumi_policy import PolicyPack  # pylint: disable=import-outside-toplevel

    from . import PACK_DESCRIPTION, PACK_NAME  # pylint: disable=import-outside-toplevel
    from .about import release  # pylint: disable=import-outside-toplevel
    from .servicer import report_version  # pylint: disable=import-outside-toplevel
    this = release()
    report_version(this.version)
    PolicyPack(name=name or PACK_NAME, policies=policies(overrides), description=PACK_DESCRIPTION,
               repository=this.repository)
