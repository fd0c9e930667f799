"""Where a resource lives: region resolution and ARN parsing. Pure functions; never raise.

A resource's region is its ``region`` property (pulumi-aws 7 regional resources take one), else
its provider's ``region``, else the stack's ``aws:region`` config. IAM is global. A target ARN's
region is the ARN's fourth field. A multi-region trail covers every region.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Mapping

from .values import as_str, is_unknown, plain

#: Resource types with no region (IAM is global).
GLOBAL_TYPE_PREFIXES = ("aws:iam/",)


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(value: Any) -> Arn | None:
    """``arn:partition:service:region:account:resource`` or None (not an ARN, unknown, not a string)."""
    if not isinstance(value, str) or is_unknown(value) or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def arn_region(value: Any) -> str | None:
    """The region field of an ARN ("" for global services), None if not an ARN."""
    arn = parse_arn(value)
    return arn.region if arn else None


def stack_region(config: Mapping[str, Any] | None = None) -> str | None:
    """The stack's ``aws:region``: from ``config`` if given (full keys), else from the
    ``PULUMI_CONFIG`` environment the engine gives the policy pack, else AWS_REGION /
    AWS_DEFAULT_REGION."""
    try:
        if config is None:
            raw = os.environ.get("PULUMI_CONFIG")
            config = json.loads(raw) if raw else {}
        if isinstance(config, Mapping):
            for key in ("aws:region", "aws:config:region"):
                value = config.get(key)
                if isinstance(value, str) and value:
                    return value
    except (ValueError, TypeError):
        pass
    for env in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = os.environ.get(env)
        if value:
            return value
    return None


@dataclass(frozen=True)
class Region:
    """A resolved region. ``name`` None with ``unknown`` False means "global" (IAM) or "nothing
    configured" (then every resource shares the same unnamed default, which is still one region)."""
    name: str | None
    source: str
    unknown: bool = False

    def label(self) -> str:
        if self.unknown:
            return "<unknown during preview>"
        return self.name or "<the stack's default region>"


def resolve_region(resource_type: str, props: Any, provider_props: Any = None,
                   default_region: str | None = None) -> Region:
    """Region of a resource from its ``region`` property, its provider's ``region`` and the stack's
    ``aws:region``, in that order."""
    if isinstance(resource_type, str) and resource_type.startswith(GLOBAL_TYPE_PREFIXES):
        return Region(None, "global")
    props = props if type(props) is dict else plain(props)  # noqa: E721 - already plain (the graph's nodes)
    value = props.get("region") if isinstance(props, dict) else None
    if is_unknown(value):
        return Region(None, "region property", unknown=True)
    if as_str(value):
        return Region(value, "region property")
    provider_props = provider_props if type(provider_props) is dict else plain(provider_props)  # noqa: E721
    pvalue = provider_props.get("region") if isinstance(provider_props, dict) else None
    if is_unknown(pvalue):
        return Region(None, "provider region", unknown=True)
    if as_str(pvalue):
        return Region(pvalue, "provider region")
    if default_region:
        return Region(default_region, "stack aws:region")
    return Region(None, "default")
