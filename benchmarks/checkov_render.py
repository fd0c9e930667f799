"""A Pulumi stack's resources, as the engine keeps them, rendered as a Terraform plan JSON: pure functions of plain
values.

pulumi-aws is bridged from terraform-provider-aws, so each `aws:` resource is one Terraform resource with the same
fields: `aws:s3/bucket:Bucket` is `aws_s3_bucket`, `versioningConfiguration` is `versioning_configuration`. Pulumi
flattens single nested blocks to objects and pluralises repeated blocks (`rules`, `advancedEventSelectors`); the plan
JSON has every block as a list and the block's own (singular) name. The references between resources (what
`configuration.root_module.resources[].expressions.<field>.references` holds in a real plan, and what scanners such
as checkov follow to connect a bucket to its public access block or policy) come from the engine's property
dependencies.

Input: the records of `pulumi stack export` (`deployment.resources`): type, urn, inputs, outputs, dependencies,
propertyDependencies. Output: a dict in Terraform's plan format (format_version 1.2).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

#: Types whose Terraform name is not `aws_<module>_<snake_case resource>`.
TYPE_OVERRIDES = {
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail",
    "aws:s3/bucketV2:BucketV2": "aws_s3_bucket",
}
#: Pulumi's plural names of repeated nested blocks (and list attributes), with the Terraform names.
FIELD_OVERRIDES = {
    "rules": "rule", "transitions": "transition", "noncurrentVersionTransitions": "noncurrent_version_transition",
    "advancedEventSelectors": "advanced_event_selector", "fieldSelectors": "field_selector",
    "startsWiths": "starts_with", "endsWiths": "ends_with", "notStartsWiths": "not_starts_with",
    "notEndsWiths": "not_ends_with", "eventSelectors": "event_selector", "dataResources": "data_resource",
    "insightSelectors": "insight_selector", "queues": "queue", "topics": "topic", "lambdaFunctions": "lambda_function",
    "targetGrants": "target_grant", "metricQueries": "metric_query",
}
#: Fields that are maps (string keys of the user's choosing), not blocks: kept as objects, keys untouched.
MAP_FIELDS = frozenset({"tags", "tagsAll", "inputPaths", "dimensions", "variables", "environment"})
#: Pulumi-only bookkeeping, not Terraform attributes.
DROPPED_FIELDS = frozenset({"__defaults", "__meta", "urn"})
#: Resources that are not Terraform resources: the stack, components, providers.
SKIPPED_PREFIXES = ("pulumi:",)


def snake(name: str) -> str:
    """camelCase -> snake_case, as the bridge maps Terraform names (`s3BucketName` -> `s3_bucket_name`)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def terraform_type(pulumi_type: str) -> str | None:
    """`aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock` -> `aws_s3_bucket_public_access_block`; None for a
    type that is not a bridged resource (a component, a provider, another package)."""
    if pulumi_type in TYPE_OVERRIDES:
        return TYPE_OVERRIDES[pulumi_type]
    match = re.fullmatch(r"aws:([a-zA-Z0-9]+)/[a-zA-Z0-9]+:([A-Za-z0-9]+)", pulumi_type)
    if not match or pulumi_type.startswith(SKIPPED_PREFIXES):
        return None
    module, resource = match.groups()
    return f"aws_{module.lower()}_{snake(resource)}"


def terraform_field(name: str) -> str:
    return FIELD_OVERRIDES.get(name, snake(name))


def terraform_value(value: Any, field: str | None = None) -> Any:
    """A Pulumi property value in Terraform's plan shape: objects are blocks (lists of one), lists of objects
    repeated blocks, maps stay maps; field names in snake case."""
    if field in MAP_FIELDS:
        return dict(value) if isinstance(value, Mapping) else value
    if isinstance(value, Mapping):
        return [terraform_values(value)]
    if isinstance(value, list):
        return [terraform_values(v) if isinstance(v, Mapping) else v for v in value]
    return value


def terraform_values(props: Mapping[str, Any]) -> dict:
    return {terraform_field(k): terraform_value(v, k) for k, v in props.items()
            if k not in DROPPED_FIELDS and v is not None}


def address_name(urn: str, taken: set[str]) -> str:
    """A Terraform resource name from the Pulumi logical name (`tutorial-bucket` -> `tutorial_bucket`), unique."""
    logical = urn.rsplit("::", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9_]", "_", logical)
    if not re.match(r"[A-Za-z_]", base):
        base = "r_" + base
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _attribute_of(value: Any, dependency: Mapping[str, Any]) -> str | None:
    """Which attribute of the dependency the value is (`id`, `arn`, `bucket`, ...), when it is one."""
    outputs = dependency.get("outputs") or {}
    if isinstance(value, str):
        if value == dependency.get("id"):
            return "id"
        for key in ("arn", "bucket", "name", "url", "keyId"):
            if outputs.get(key) == value:
                return snake(key)
    return None


def render_plan(resources: Iterable[Mapping[str, Any]], terraform_version: str = "1.9.8") -> dict:
    """The Terraform plan JSON of these stack resources (records of `pulumi stack export`)."""
    records = [r for r in resources if terraform_type(str(r.get("type", "")))]
    taken: set[str] = set()
    address: dict[str, str] = {}
    for r in records:
        address[r["urn"]] = f"{terraform_type(r['type'])}.{address_name(r['urn'], taken)}"
    by_urn = {r["urn"]: r for r in records}
    planned, changes, configuration = [], [], []
    for r in records:
        tf_type, tf_name = address[r["urn"]].split(".", 1)
        props = dict(r.get("outputs") or r.get("inputs") or {})
        values = terraform_values(props)
        expressions: dict[str, Any] = {}
        for prop, urns in (r.get("propertyDependencies") or {}).items():
            refs = []
            for urn in urns:
                if urn not in by_urn:
                    continue
                attribute = _attribute_of((r.get("inputs") or props).get(prop), by_urn[urn])
                if attribute:
                    refs.append(f"{address[urn]}.{attribute}")
                refs.append(address[urn])
            if refs:
                expressions[terraform_field(prop)] = {"references": refs}
        planned.append({"address": address[r["urn"]], "mode": "managed", "type": tf_type, "name": tf_name,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                        "values": values, "sensitive_values": {}})
        changes.append({"address": address[r["urn"]], "mode": "managed", "type": tf_type, "name": tf_name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {},
                                   "before_sensitive": False, "after_sensitive": {}}})
        depends_on = sorted({address[d] for d in r.get("dependencies") or [] if d in address})
        configuration.append({"address": address[r["urn"]], "mode": "managed", "type": tf_type, "name": tf_name,
                              "provider_config_key": "aws", "expressions": expressions, "schema_version": 0,
                              **({"depends_on": depends_on} if depends_on else {})})
    return {
        "format_version": "1.2",
        "terraform_version": terraform_version,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
                          "root_module": {"resources": configuration}},
    }
