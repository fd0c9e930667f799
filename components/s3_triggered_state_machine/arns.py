"""Parsing and building ARNs: pure functions of plain strings."""

from __future__ import annotations

from typing import NamedTuple

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")


class Arn(NamedTuple):
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """`stateMachine` for `stateMachine:Name`, `role` for `role/path/Name`."""
        for sep in (":", "/"):
            if sep in self.resource:
                return self.resource.split(sep, 1)[0]
        return ""


def parse_arn(value: str) -> Arn | None:
    """Split an ARN into its parts, or None when `value` is not shaped like one."""
    if not isinstance(value, str):
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        return None
    return Arn(*parts[1:6])


def state_machine_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:states:{region}:{account}:stateMachine:{name}"


def rule_arn(partition: str, region: str, account: str, rule_name: str) -> str:
    return f"arn:{partition}:events:{region}:{account}:rule/{rule_name}"


def trail_arn(partition: str, region: str, account: str, trail_name: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account}:trail/{trail_name}"


def bucket_arn(partition: str, bucket: str) -> str:
    return f"arn:{partition}:s3:::{bucket}"
