"""Faithful mock outputs for the AWS resources this project creates: the default backend of ``harness.runner``.

``MockBackend`` plays the AWS provider during ``run_program``:

* ``check`` is the provider's Check: it fills in the auto-name (``<name>-<7 hex>``) of the field the AWS provider
  auto-names, and the schema defaults the provider applies (``enableLogging: true`` on a trail, ...). Both are
  known in a preview, as in a real ``pulumi preview``. The 7 hex digits are derived from the URN, so they are the
  same on every run (the real provider draws them at random).
* ``create`` returns ``(id, outputs)``: outputs are the checked inputs plus the computed attributes (ARN, URL,
  ...) from ``RULES``, a table from resource type to output rules. In a preview the id and computed attributes are
  the engine's unknown sentinel. In an update they are real values in the format AWS documents, with the
  resource's region, partition and the fixed account ``ACCOUNT_ID``.
* ``invoke`` answers getCallerIdentity, getPartition and getRegion.

Types missing from the table get the generic rule: inputs copied, id unknown in preview and ``<name>-<7 hex>`` in an
update, no ARN (an ARN is only made up where its format is known).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .runner import UNKNOWN, ResourceRequest

__all__ = ["ACCOUNT_ID", "CALLER_ARN", "MockBackend", "OutputRule", "RULES", "auto_name", "partition_of", "dns_suffix_of"]

ACCOUNT_ID = "123456789012"
CALLER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/harness"
CALLER_USER_ID = "AIDAHARNESSEXAMPLE123"

# Route 53 hosted zone ids of the S3 website/bucket endpoints, per region (AWS General Reference, "Amazon S3
# endpoints"). Only a few regions: others leave hostedZoneId out.
_S3_HOSTED_ZONES = {
    "us-east-1": "Z3AQBSTGFYJSTF",
    "us-east-2": "Z2O1EMRO9K5GLX",
    "us-west-1": "Z2F56UZL2M1ACD",
    "us-west-2": "Z3BJ6K6RIION7M",
    "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-central-1": "Z21DNDUVLTQW6Q",
}


def partition_of(region: Optional[str]) -> str:
    region = region or ""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def dns_suffix_of(region: Optional[str]) -> str:
    return "amazonaws.com.cn" if partition_of(region) == "aws-cn" else "amazonaws.com"


def _hex(urn: str, n: int = 7) -> str:
    return hashlib.sha256(urn.encode()).hexdigest()[:n]


def auto_name(name: str, urn: str, *, max_length: Optional[int] = None, lower: bool = False, suffix: str = "") -> str:
    """Pulumi's auto-name: the logical name, a dash and 7 hex digits (here: from the URN, so stable per run)."""
    base = name.lower() if lower else name
    tail = "-" + _hex(urn) + suffix
    if max_length is not None and len(base) + len(tail) > max_length:
        base = base[: max(1, max_length - len(tail))]
    return base + tail


def _unique_id(urn: str, prefix: str = "terraform-") -> str:
    """Terraform's id.UniqueId(): a prefix and 26 digits (timestamp + counter); here derived from the URN."""
    digits = str(int(hashlib.sha256(urn.encode()).hexdigest(), 16))[:26].rjust(26, "0")
    return prefix + digits


@dataclass
class _Ctx:
    req: ResourceRequest
    props: dict  # checked inputs
    region: str
    partition: str
    account: str

    def get(self, key: str, default: Any = None) -> Any:
        value = self.props.get(key, default)
        return default if value is None else value


@dataclass
class OutputRule:
    """How the AWS provider fills in one resource type's outputs.

    ``auto_name``: the field the provider auto-names when it is not given (and ``namePrefix`` is not either).
    ``defaults``: schema defaults the provider applies during Check (known in preview).
    ``computed``: attribute -> function of the context, known only after create (unknown in preview).
    ``id``: function of the context giving the id the provider sets (after create).
    """

    auto_name: Optional[str] = None
    auto_name_max: Optional[int] = None
    auto_name_lower: bool = False
    defaults: dict = field(default_factory=dict)
    computed: dict[str, Callable[[_Ctx], Any]] = field(default_factory=dict)
    id: Optional[Callable[[_Ctx], str]] = None
    regional: bool = True
    tags: bool = False  # has tags / tagsAll


def _bucket_of(c: _Ctx) -> str:
    return str(c.get("bucket", ""))


def _bucket_id(c: _Ctx) -> str:
    # Bucket sub-resources: the bucket name, or "bucket,expectedBucketOwner" when an owner is given.
    owner = c.get("expectedBucketOwner")
    return f"{_bucket_of(c)},{owner}" if owner else _bucket_of(c)


def _rule_arn(c: _Ctx) -> str:
    bus = c.get("eventBusName", "default")
    name = c.get("name")
    path = name if bus in ("default", "") else f"{bus}/{name}"
    return f"arn:{c.partition}:events:{c.region}:{c.account}:rule/{path}"


def _rule_id(c: _Ctx) -> str:
    bus = c.get("eventBusName", "default")
    return c.get("name") if bus in ("default", "") else f"{bus}/{c.get('name')}"


def _target_id(c: _Ctx) -> str:
    bus = c.get("eventBusName", "default")
    rule, target = c.get("rule"), c.get("targetId")
    return f"{rule}-{target}" if bus in ("default", "") else f"{bus}/{rule}/{target}"


def _role_arn(c: _Ctx) -> str:
    path = c.get("path", "/")
    return f"arn:{c.partition}:iam::{c.account}:role{path}{c.get('name')}"


def _queue_url(c: _Ctx) -> str:
    return f"https://sqs.{c.region}.{dns_suffix_of(c.region)}/{c.account}/{c.get('name')}"


def _state_machine_arn(c: _Ctx) -> str:
    return f"arn:{c.partition}:states:{c.region}:{c.account}:stateMachine:{c.get('name')}"


_CREATED = "2025-01-01T00:00:00Z"

RULES: dict[str, OutputRule] = {
    "aws:s3/bucket:Bucket": OutputRule(
        auto_name="bucket", auto_name_max=63, auto_name_lower=True, tags=True,
        defaults={"forceDestroy": False, "objectLockEnabled": False},
        computed={
            "arn": lambda c: f"arn:{c.partition}:s3:::{_bucket_of(c)}",
            "bucketDomainName": lambda c: f"{_bucket_of(c)}.s3.{dns_suffix_of(c.region)}",
            "bucketRegionalDomainName": lambda c: f"{_bucket_of(c)}.s3.{c.region}.{dns_suffix_of(c.region)}",
            "hostedZoneId": lambda c: _S3_HOSTED_ZONES.get(c.region),
        },
        id=_bucket_of,
    ),
    "aws:s3/bucketVersioning:BucketVersioning": OutputRule(id=_bucket_id),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": OutputRule(id=_bucket_id),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": OutputRule(
        defaults={"blockPublicAcls": False, "blockPublicPolicy": False, "ignorePublicAcls": False,
                  "restrictPublicBuckets": False},
        id=_bucket_of,
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": OutputRule(id=_bucket_of),
    "aws:s3/bucketPolicy:BucketPolicy": OutputRule(id=_bucket_of),
    "aws:s3/bucketNotification:BucketNotification": OutputRule(defaults={"eventbridge": False}, id=_bucket_of),
    "aws:cloudtrail/trail:Trail": OutputRule(
        auto_name="name", auto_name_max=128, tags=True,
        defaults={"enableLogging": True, "includeGlobalServiceEvents": True, "isMultiRegionTrail": False,
                  "isOrganizationTrail": False, "enableLogFileValidation": False},
        computed={
            "arn": lambda c: f"arn:{c.partition}:cloudtrail:{c.region}:{c.account}:trail/{c.get('name')}",
            "homeRegion": lambda c: c.region,
        },
        # Since v5 of the Terraform AWS provider a trail's id is its ARN.
        id=lambda c: f"arn:{c.partition}:cloudtrail:{c.region}:{c.account}:trail/{c.get('name')}",
    ),
    "aws:cloudwatch/eventRule:EventRule": OutputRule(
        auto_name="name", auto_name_max=64, tags=True,
        defaults={"eventBusName": "default", "state": "ENABLED", "forceDestroy": False},
        computed={"arn": _rule_arn},
        id=_rule_id,
    ),
    "aws:cloudwatch/eventTarget:EventTarget": OutputRule(
        defaults={"eventBusName": "default", "forceDestroy": False},
        computed={"targetId": lambda c: _unique_id(c.req.urn)},
        id=_target_id,
    ),
    "aws:iam/role:Role": OutputRule(
        auto_name="name", auto_name_max=64, regional=False, tags=True,
        defaults={"path": "/", "maxSessionDuration": 3600, "forceDetachPolicies": False},
        computed={
            "arn": _role_arn,
            "uniqueId": lambda c: "AROA" + _hex(c.req.urn, 17).upper(),
            "createDate": lambda c: _CREATED,
        },
        id=lambda c: c.get("name"),
    ),
    "aws:iam/rolePolicy:RolePolicy": OutputRule(
        auto_name="name", auto_name_max=128, regional=False,
        id=lambda c: f"{c.get('role')}:{c.get('name')}",
    ),
    "aws:sqs/queue:Queue": OutputRule(
        auto_name="name", auto_name_max=80, tags=True,
        defaults={"delaySeconds": 0, "maxMessageSize": 262144, "messageRetentionSeconds": 345600,
                  "receiveWaitTimeSeconds": 0, "visibilityTimeoutSeconds": 30, "fifoQueue": False},
        computed={
            "arn": lambda c: f"arn:{c.partition}:sqs:{c.region}:{c.account}:{c.get('name')}",
            "url": _queue_url,
        },
        id=_queue_url,
    ),
    "aws:sqs/queuePolicy:QueuePolicy": OutputRule(id=lambda c: str(c.get("queueUrl", ""))),
    "aws:sfn/stateMachine:StateMachine": OutputRule(
        auto_name="name", auto_name_max=80, tags=True,
        defaults={"type": "STANDARD", "publish": False},
        computed={
            "arn": _state_machine_arn,
            "creationDate": lambda c: _CREATED,
            "status": lambda c: "ACTIVE",
            "revisionId": lambda c: _hex(c.req.urn, 32),
            "stateMachineVersionArn": lambda c: (f"{_state_machine_arn(c)}:1" if c.get("publish") else ""),
            "versionDescription": lambda c: c.get("versionDescription", ""),
        },
        # The provider's id for a state machine is its ARN.
        id=_state_machine_arn,
    ),
}

_GENERIC = OutputRule()


class MockBackend:
    """The default ``harness.runner`` backend: faithful AWS outputs with no AWS. Stateless and thread-safe."""

    def __init__(self, account_id: str = ACCOUNT_ID, rules: Optional[dict[str, OutputRule]] = None) -> None:
        self.account_id = account_id
        self.rules = RULES if rules is None else rules

    def rule_for(self, type_: str) -> OutputRule:
        return self.rules.get(type_, _GENERIC)

    # -- the provider's Check ------------------------------------------------------------------------------------------

    def check(self, req: ResourceRequest, preview: bool) -> dict:
        rule = self.rule_for(req.type)
        props = dict(req.inputs)
        for key, value in rule.defaults.items():
            if props.get(key) is None:
                props[key] = value
        if rule.auto_name and props.get(rule.auto_name) is None:
            if props.get("namePrefix") is not None and rule.auto_name == "name":
                # Terraform builds the name from name_prefix at create time: unknown in preview.
                prefix = props["namePrefix"]
                props["name"] = UNKNOWN if preview or prefix == UNKNOWN else _unique_id(req.urn, prefix)
            else:
                suffix = ".fifo" if req.type == "aws:sqs/queue:Queue" and props.get("fifoQueue") is True else ""
                props[rule.auto_name] = auto_name(req.name, req.urn, max_length=rule.auto_name_max,
                                                  lower=rule.auto_name_lower, suffix=suffix)
        return props

    # -- create --------------------------------------------------------------------------------------------------------

    def create(self, req: ResourceRequest, preview: bool) -> tuple[str, dict]:
        rule = self.rule_for(req.type)
        props = dict(req.inputs)
        region = req.region if rule.regional else None
        outputs = dict(props)
        if rule.regional and req.type.startswith("aws:") and region:
            outputs["region"] = region
        if rule.tags:
            tags = props.get("tags")
            outputs["tagsAll"] = UNKNOWN if preview and tags == UNKNOWN else dict(tags or {})
        if preview:
            for key in rule.computed:
                if props.get(key) is None:
                    outputs[key] = UNKNOWN
            return "", outputs
        ctx = _Ctx(req=req, props=props, region=region or req.region or "us-east-1",
                   partition=partition_of(req.region), account=self.account_id)
        for key, fn in rule.computed.items():
            if props.get(key) is None:
                value = fn(ctx)
                if value is not None:
                    outputs[key] = value
        ctx.props = outputs
        res_id = rule.id(ctx) if rule.id is not None else auto_name(req.name, req.urn)
        return str(res_id), outputs

    # -- invokes -------------------------------------------------------------------------------------------------------

    def invoke(self, token: str, args: dict, region: Optional[str]) -> dict:
        region = args.get("region") or region or "us-east-1"
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account_id, "arn": CALLER_ARN.replace(ACCOUNT_ID, self.account_id),
                    "userId": CALLER_USER_ID, "id": self.account_id}
        if token == "aws:index/getPartition:getPartition":
            partition = partition_of(region)
            suffix = dns_suffix_of(region)
            return {"partition": partition, "dnsSuffix": suffix, "reverseDnsPrefix": ".".join(reversed(suffix.split("."))),
                    "id": partition}
        if token == "aws:index/getRegion:getRegion":
            return {"region": region, "name": region, "id": region,
                    "endpoint": f"ec2.{region}.{dns_suffix_of(region)}", "description": region}
        raise NotImplementedError(
            f"MockBackend has no answer for the invoke {token}; it knows getCallerIdentity, getPartition, getRegion"
        )
