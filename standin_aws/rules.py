"""The per-type rules of the stand-in AWS provider: one table, pure functions of plain values.

For each resource type the project's programs declare: the field the provider auto-names and the limits AWS (or
terraform-provider-aws's validators, which pulumi-aws runs in Check) puts on it, schema defaults, the computed
outputs and the id the provider sets, the properties whose change forces a new resource (`ForceNew`), and value
checks the provider makes before anything reaches AWS. Where the real provider or AWS is stricter than a rule could
be, the rule takes the stricter side: a stand-in more lenient than the real thing would hide defects.

What a value MEANS (a state machine definition, an event pattern, a policy, an ARN, a region) is checked by
implementations nobody in this project wrote, named beside each field below and described in `meaning.py`:
statelint (ASL), LocalStack's rule engine (event patterns), AWS's IAM policy grammar from cfn-lint (policies),
botocore (regions, ARNs). CloudTrail's selector rules (`cloudtrail.py`) and KMS's lockout rule are written from AWS's
documents. None of it comes from the policy pack (policies/), which the stand-in helps to test.

Values are plain JSON-like Python values; an unknown (preview) value is the engine's sentinel `UNKNOWN`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from . import cloudtrail, meaning
from .meaning import arn_problem, event_pattern_problem, policy_problem, state_machine_definition_problem

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-value sentinel
ACCOUNT_ID = "123456789012"                       # the offline backend's account
AUTO_NAME_RANDOM = 7                              # pulumi-aws: the logical name, '-', 7 random characters
PREFIX_RANDOM = 26                                # terraform's id.PrefixedUniqueId appends 26 characters
_HEX = "0123456789abcdef"


# ----------------------------------------------------------------------------------------------------- name rules
def bucket_name_problem(name: str) -> Optional[str]:
    """Why S3 refuses `name` as a general purpose bucket name, or None (AWS's bucket naming rules)."""
    if not 3 <= len(name) <= 63:
        return f"bucket names are 3 to 63 characters long (this one has {len(name)})"
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        return ("bucket names use only lowercase letters, digits, '.' and '-', and start and end with a letter or "
                "digit")
    if ".." in name or ".-" in name or "-." in name:
        return "bucket names have no two adjacent periods, and no period next to a hyphen"
    try:
        ipaddress.IPv4Address(name)
        return "bucket names must not be formatted as an IP address"
    except ValueError:
        pass
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if name.startswith(prefix):
            return f"bucket names must not start with {prefix!r}"
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if name.endswith(suffix):
            return f"bucket names must not end with {suffix!r}"
    return None


def _pattern(regex: str, what: str) -> Callable[[str], Optional[str]]:
    compiled = re.compile(regex)
    return lambda value: None if compiled.fullmatch(value) else what


def _trail_name_problem(name: str) -> Optional[str]:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]", name) or re.search(r"[._-]{2}", name):
        return ("trail names are 3-128 letters, digits, '.', '_' or '-', start and end with a letter or digit, and "
                "have no two of '._-' in a row")
    try:
        ipaddress.IPv4Address(name)
        return "trail names must not be formatted as an IP address"
    except ValueError:
        return None


@dataclass(frozen=True)
class NameRule:
    """The auto-named field of a type and what AWS accepts in it."""

    field: str
    max_length: int
    problem: Callable[[str], Optional[str]]   # why a value of the right length is refused, or None
    lower: bool = False                        # the auto-name is lowercased (buckets)
    prefix_field: Optional[str] = "namePrefix"
    fifo_field: Optional[str] = None           # SQS/SNS: with this input true, the auto-name ends with ".fifo"
    auto_max_length: Optional[int] = None      # pulumi-aws's Maxlen for the auto-name (before `.fifo`/prefix)
    auto_prefix: str = ""                      # pulumi-aws puts this before the auto-name (KMS aliases: "alias/")


# --------------------------------------------------------------------------------------------------- type rules
@dataclass
class Ctx:
    """What a computed output is a function of."""

    name: str      # logical name
    props: dict    # checked inputs (outputs so far)
    region: str
    partition: str
    account: str

    def get(self, key: str, default: Any = None) -> Any:
        value = self.props.get(key, default)
        return default if value is None else value


@dataclass(frozen=True)
class TypeRule:
    name: Optional[NameRule] = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    computed: Mapping[str, Callable[[Ctx], Any]] = field(default_factory=dict)
    id: Optional[Callable[[Ctx], str]] = None
    regional: bool = True
    tags: bool = False
    replace_on_change: frozenset = frozenset()
    checks: Mapping[str, Callable[[Any], Optional[str]]] = field(default_factory=dict)  # field -> problem
    # checks across fields: (checked inputs, Env) -> [(field, problem)]
    across: tuple[Callable[[Mapping[str, Any], "Env"], list], ...] = ()


@dataclass
class Env:
    """What Check knows besides the inputs: the provider's region and (lazily) the caller's identity."""

    provider_region: Optional[str] = None
    caller: Callable[[], Mapping[str, str]] = lambda: {"Account": ACCOUNT_ID,
                                                       "Arn": f"arn:aws:iam::{ACCOUNT_ID}:user/stand-in"}


def partition_of(region: Optional[str]) -> str:
    """The region's partition as botocore's endpoints resolve it ("aws" when none does)."""
    return meaning.partition_of(region or "") or "aws"


def dns_suffix_of(region: Optional[str]) -> str:
    return "amazonaws.com.cn" if partition_of(region) == "aws-cn" else "amazonaws.com"


def _json_problem(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return None
    try:
        json.loads(value)
    except ValueError as e:
        return f"it is not valid JSON ({e})"
    return None


def _between(low: int, high: int) -> Callable[[Any], Optional[str]]:
    def check(value: Any) -> Optional[str]:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
            return f"expected to be in the range ({low} - {high}), got {value:g}"
        return None
    return check


def _retry_policy_problem(value: Any) -> Optional[str]:
    if not isinstance(value, dict):
        return None
    for key, low, high in (("maximumRetryAttempts", 0, 185), ("maximumEventAgeInSeconds", 60, 86400)):
        problem = _between(low, high)(value.get(key))
        if problem:
            return f"{key}: {problem}"
    return None


def _arns(value: Any) -> Optional[str]:
    """A list of ARNs (alarm actions): each as terraform-provider-aws's ValidARN."""
    for item in value if isinstance(value, list) else []:
        problem = arn_problem(item) if item != UNKNOWN else None
        if problem:
            return problem
    return None


def _nested_arn(key: str) -> Callable[[Any], Optional[str]]:
    """An ARN inside a block (deadLetterConfig.arn, loggingConfiguration.logDestination)."""
    def check(value: Any) -> Optional[str]:
        if isinstance(value, dict) and value.get(key) not in (None, UNKNOWN):
            return arn_problem(value[key])
        return None
    return check


def _each(key: str, check: Callable[[Any], Optional[str]]) -> Callable[[Any], Optional[str]]:
    """`check` on `key` of each block of a list (bucket notification queues' queueArn, ...)."""
    def run(value: Any) -> Optional[str]:
        for i, block in enumerate(value if isinstance(value, list) else []):
            if isinstance(block, dict) and block.get(key) not in (None, UNKNOWN):
                problem = check(block[key])
                if problem:
                    return f"[{i}].{key}: {problem}"
        return None
    return run


IDENTITY_POLICY, RESOURCE_POLICY, TRUST_POLICY = (policy_problem("identity"), policy_problem("resource"),
                                                  policy_problem("trust"))


def _trail_selector_problems(props: Mapping[str, Any], env: "Env") -> list:
    """CloudTrail's documented selector rules (cloudtrail.py), each with the input it is about."""
    out = []
    for problem in cloudtrail.selector_problems(dict(props)):
        key = next((k for k in ("advancedEventSelectors", "eventSelectors", "s3BucketName") if problem.startswith(k)),
                   "advancedEventSelectors")
        out.append((key, problem))
    return out


def _bucket_of(c: Ctx) -> str:
    return str(c.get("bucket", ""))


def _bucket_sub_id(c: Ctx) -> str:
    owner = c.get("expectedBucketOwner")
    return f"{_bucket_of(c)},{owner}" if owner else _bucket_of(c)


def _rule_path(c: Ctx) -> str:
    bus = c.get("eventBusName", "default")
    return c.get("name") if bus in ("default", "") else f"{bus}/{c.get('name')}"


def _state_machine_arn(c: Ctx) -> str:
    return f"arn:{c.partition}:states:{c.region}:{c.account}:stateMachine:{c.get('name')}"


def _queue_url(c: Ctx) -> str:
    return f"https://sqs.{c.region}.{dns_suffix_of(c.region)}/{c.account}/{c.get('name')}"


def _unique_digits(c: Ctx) -> str:
    return str(int(hashlib.sha256(f"{c.name}/{c.region}".encode()).hexdigest(), 16))[:PREFIX_RANDOM]


_IAM_NAME = r"[\w+=,.@-]+"
S3_HOSTED_ZONES = {"us-east-1": "Z3AQBSTGFYJSTF", "us-east-2": "Z2O1EMRO9K5GLX", "us-west-1": "Z2F56UZL2M1ACD",
                    "us-west-2": "Z3BJ6K6RIION7M", "eu-west-1": "Z1BKCTXD74EZPE", "eu-central-1": "Z21DNDUVLTQW6Q"}
_CREATED = "2025-01-01T00:00:00Z"
_BUCKET_SUB = dict(id=_bucket_sub_id, replace_on_change=frozenset({"bucket", "expectedBucketOwner"}))

def _one_of(*valid: str) -> Callable[[Any], Optional[str]]:
    return lambda value: None if value in valid else f"expected one of [{', '.join(valid)}], got {value!r}"


def _at_most(limit: int, at_least: int = 0) -> Callable[[Any], Optional[str]]:
    """A string's length (descriptions, templates: the CloudFormation schema's maxLength/minLength)."""
    def check(value: Any) -> Optional[str]:
        if isinstance(value, str) and not at_least <= len(value) <= limit:
            return f"{at_least}-{limit} characters (this one has {len(value)})"
        return None
    return check


def _in(key: str, check: Callable[[Any], Optional[str]]) -> Callable[[Any], Optional[str]]:
    """`check` on `key` of a block (loggingConfiguration.level, rule.objectOwnership)."""
    def run(value: Any) -> Optional[str]:
        if isinstance(value, dict) and value.get(key) not in (None, UNKNOWN):
            problem = check(value[key])
            return f"{key}: {problem}" if problem else None
        return None
    return run


def _all(*checks: Callable[[Any], Optional[str]]) -> Callable[[Any], Optional[str]]:
    def run(value: Any) -> Optional[str]:
        return next((p for p in (c(value) for c in checks) if p), None)
    return run


_RULE_NAME = _pattern(r"[.\-_A-Za-z0-9]{1,64}", "rule names are 1-64 letters, digits, '.', '-', '_'")
_ROLE_NAME = _pattern(r"[\w+=,.@-]{1,64}", "role names are 1-64 letters, digits and '+=,.@_-'")


def _bus_name_problem(value: Any) -> Optional[str]:
    """PutRule/PutTargets EventBusName: a bus name ([/.-_A-Za-z0-9], 1-256) or a bus ARN (at most 1600)."""
    if not isinstance(value, str):
        return None
    if value.startswith("arn:"):
        return arn_problem(value) or (None if len(value) <= 1600 else "bus ARNs are at most 1600 characters")
    if not re.fullmatch(r"[/.\-_A-Za-z0-9]{1,256}", value):
        return "bus names are 1-256 letters, digits, '/', '.', '-', '_' (or a bus ARN)"
    return None


def _policy_arn_problem(value: Any) -> Optional[str]:
    """AttachRolePolicy PolicyArn: a managed policy's ARN (ValidARN, then the schema's arn:...:iam::ACCOUNT|aws:policy/)."""
    problem = arn_problem(value)
    if problem or not isinstance(value, str):
        return problem
    if not re.fullmatch(r"arn:aws[a-zA-Z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+", value):
        return f"{value!r} is not a managed policy ARN (arn:PARTITION:iam::ACCOUNT:policy/NAME)"
    return None


def _weights_problem(value: Any) -> Optional[str]:
    """Step Functions alias routing: 1-2 versions, each weight 0-100 (UpdateStateMachineAlias)."""
    if not isinstance(value, list):
        return None
    if not 1 <= len(value) <= 2:
        return f"1 or 2 routing configurations (there are {len(value)})"
    for i, route in enumerate(value):
        problem = _between(0, 100)(route.get("weight") if isinstance(route, dict) else None)
        if problem:
            return f"[{i}].weight: {problem}"
    return None


def _dimensions_problem(value: Any) -> Optional[str]:
    """PutMetricAlarm Dimensions: at most 30; names 1-255, values 1-1024 characters."""
    if not isinstance(value, dict):
        return None
    if len(value) > 30:
        return f"at most 30 dimensions (there are {len(value)})"
    for name, v in value.items():
        if not 1 <= len(name) <= 255:
            return f"dimension names are 1-255 characters ({name[:40]!r}...)"
        if isinstance(v, str) and v != UNKNOWN and not 1 <= len(v) <= 1024:
            return f"dimension {name!r}: values are 1-1024 characters"
    return None


# Where these rules refuse more than AWS's CloudFormation schemas do (tests/standin/test_differential.py checks they
# refuse at least as much), the AWS document that says so:
# - bucket names: S3 User Guide, "General purpose bucket naming rules" (no '..', no IP address, reserved prefixes and
#   suffixes); the schema has only a length and a character pattern;
# - trail names: CloudTrail CreateTrail, Name ("not contain two of '._-' in a row", "not in IP address format");
# - queue, topic, state machine, rule and target names: the characters CreateQueue, CreateTopic, CreateStateMachine,
#   PutRule and PutTargets list (the schema gives some only a length);
# - state machine definitions, event patterns, policies, ARNs, regions, tags: meaning.py (statelint, LocalStack's
#   rule engine, AWS's IAM grammar, terraform-provider-aws's ValidARN, botocore, the tagging guide);
# - trail selectors: cloudtrail.py (CloudTrail API Reference, AdvancedFieldSelector and PutEventSelectors);
# - alarm periods and evaluation window: PutMetricAlarm, Period; a lifecycle rule's id and action:
#   terraform-provider-aws (id Required) and PutBucketLifecycleConfiguration; KMS alias names: CreateAlias
#   ("alias/aws/" is reserved); KMS key policies: CreateKey, Policy (the lockout rule).
RULES: dict[str, TypeRule] = {
    "aws:s3/bucket:Bucket": TypeRule(
        name=NameRule("bucket", 63, bucket_name_problem, lower=True, prefix_field="bucketPrefix"),
        defaults={"forceDestroy": False, "objectLockEnabled": False}, tags=True,
        computed={
            "arn": lambda c: f"arn:{c.partition}:s3:::{_bucket_of(c)}",
            "bucketDomainName": lambda c: f"{_bucket_of(c)}.s3.{dns_suffix_of(c.region)}",
            "bucketRegionalDomainName": lambda c: f"{_bucket_of(c)}.s3.{c.region}.{dns_suffix_of(c.region)}",
            "bucketRegion": lambda c: c.region,
            "hostedZoneId": lambda c: S3_HOSTED_ZONES.get(c.region, ""),
        },
        id=_bucket_of, replace_on_change=frozenset({"bucket", "bucketPrefix", "objectLockEnabled"}),
    ),
    "aws:s3/bucketVersioning:BucketVersioning": TypeRule(**_BUCKET_SUB),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": TypeRule(
        checks={"rules": _each("applyServerSideEncryptionByDefault",
                               _in("sseAlgorithm", _one_of("AES256", "aws:kms", "aws:kms:dsse")))}, **_BUCKET_SUB),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": TypeRule(
        defaults={"blockPublicAcls": False, "blockPublicPolicy": False, "ignorePublicAcls": False,
                  "restrictPublicBuckets": False}, **_BUCKET_SUB),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": TypeRule(
        checks={"rule": _in("objectOwnership", _one_of("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"))},
        **_BUCKET_SUB),
    # policy: AWS's IAM grammar for resource policies (cfn-lint's schema, meaning.py).
    "aws:s3/bucketPolicy:BucketPolicy": TypeRule(checks={"policy": RESOURCE_POLICY}, **_BUCKET_SUB),
    # queueArn/topicArn/lambdaFunctionArn: terraform-provider-aws's ValidARN (botocore's ArnParser).
    "aws:s3/bucketNotification:BucketNotification": TypeRule(
        defaults={"eventbridge": False}, checks={"queues": _each("queueArn", arn_problem),
                                                 "topics": _each("topicArn", arn_problem),
                                                 "lambdaFunctions": _each("lambdaFunctionArn", arn_problem)},
        **_BUCKET_SUB),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": TypeRule(**_BUCKET_SUB),
    "aws:s3/bucketLogging:BucketLogging": TypeRule(**_BUCKET_SUB),
    "aws:cloudtrail/trail:Trail": TypeRule(
        name=NameRule("name", 128, _trail_name_problem, prefix_field=None), tags=True,
        defaults={"enableLogging": True, "includeGlobalServiceEvents": True, "isMultiRegionTrail": False,
                  "isOrganizationTrail": False, "enableLogFileValidation": False},
        computed={
            "arn": lambda c: f"arn:{c.partition}:cloudtrail:{c.region}:{c.account}:trail/{c.get('name')}",
            "homeRegion": lambda c: c.region,
        },
        # The provider's id for a trail is its ARN.
        id=lambda c: f"arn:{c.partition}:cloudtrail:{c.region}:{c.account}:trail/{c.get('name')}",
        replace_on_change=frozenset({"name"}),
        # Selectors: CloudTrail's documented fields and operators (cloudtrail.py), in Check for both backends.
        # kmsKeyId and the CloudWatch Logs ARNs: terraform-provider-aws's ValidARN.
        checks={"kmsKeyId": arn_problem, "cloudWatchLogsGroupArn": arn_problem, "cloudWatchLogsRoleArn": arn_problem},
        across=(_trail_selector_problems,),
    ),
    "aws:cloudwatch/eventRule:EventRule": TypeRule(
        name=NameRule("name", 64, _pattern(r"[.\-_A-Za-z0-9]+", "rule names use only letters, digits, '.', '-', "
                                                               "'_'")),
        defaults={"eventBusName": "default", "state": "ENABLED", "forceDestroy": False}, tags=True,
        computed={"arn": lambda c: f"arn:{c.partition}:events:{c.region}:{c.account}:rule/{_rule_path(c)}"},
        id=_rule_path, replace_on_change=frozenset({"name", "namePrefix", "eventBusName"}),
        # eventPattern: LocalStack's EventBridge rule engine (meaning.py); roleArn: ValidARN.
        checks={"eventPattern": event_pattern_problem, "roleArn": arn_problem, "description": _at_most(512),
                "eventBusName": _bus_name_problem,
                "state": _one_of("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"),
                # PutRule's ScheduleExpression: "rate(...)" or "cron(...)", at most 256 characters (the
                # CloudFormation schema's pattern and maxLength).
                "scheduleExpression": _all(_at_most(256), _pattern(r"(rate\(.+\)|cron\(.+\))?",
                                                                    "schedule expressions are rate(...) or cron(...)"))},
    ),
    "aws:cloudwatch/eventTarget:EventTarget": TypeRule(
        name=NameRule("targetId", 64, _pattern(r"[.\-_A-Za-z0-9]+", "target ids use only letters, digits, '.', "
                                                                    "'-', '_'"), prefix_field=None),
        defaults={"eventBusName": "default", "forceDestroy": False},
        id=lambda c: (f"{c.get('rule')}-{c.get('targetId')}" if c.get("eventBusName", "default") == "default"
                      else f"{c.get('eventBusName')}/{c.get('rule')}/{c.get('targetId')}"),
        replace_on_change=frozenset({"rule", "targetId", "eventBusName"}),
        # arn, roleArn, deadLetterConfig.arn: terraform-provider-aws's ValidARN (botocore's ArnParser).
        checks={"retryPolicy": _retry_policy_problem, "input": _json_problem, "arn": arn_problem,
                "roleArn": arn_problem, "deadLetterConfig": _nested_arn("arn"), "rule": _RULE_NAME,
                "eventBusName": _bus_name_problem, "inputTransformer": _in("inputTemplate", _at_most(8192, 1))},
    ),
    "aws:iam/role:Role": TypeRule(
        name=NameRule("name", 64, _pattern(_IAM_NAME, "role names use only letters, digits and '+=,.@_-'")),
        regional=False, tags=True,
        defaults={"path": "/", "maxSessionDuration": 3600, "forceDetachPolicies": False},
        computed={
            "arn": lambda c: f"arn:{c.partition}:iam::{c.account}:role{c.get('path', '/')}{c.get('name')}",
            "uniqueId": lambda c: "AROA" + hashlib.sha256(c.name.encode()).hexdigest()[:17].upper(),
            "createDate": lambda c: _CREATED,
        },
        id=lambda c: c.get("name"), replace_on_change=frozenset({"name", "namePrefix", "path"}),
        # assumeRolePolicy: AWS's grammar for trust policies; inline policies: for identity policies (cfn-lint).
        # description: CreateRole, 0-1000 characters of [\t\n\r\x20-\x7e\xa1-\xff].
        checks={"assumeRolePolicy": TRUST_POLICY, "maxSessionDuration": _between(3600, 43200),
                "description": _all(_at_most(1000), _pattern(r"[\t\n\r\x20-\x7e\xa1-\xff]*",
                                                             "role descriptions use printable Latin-1 characters")),
                "permissionsBoundary": arn_problem, "inlinePolicies": _each("policy", IDENTITY_POLICY),
                "managedPolicyArns": _arns},
    ),
    "aws:iam/rolePolicy:RolePolicy": TypeRule(
        name=NameRule("name", 128, _pattern(_IAM_NAME, "policy names use only letters, digits and '+=,.@_-'")),
        regional=False, id=lambda c: f"{c.get('role')}:{c.get('name')}",
        replace_on_change=frozenset({"name", "namePrefix", "role"}),
        checks={"policy": IDENTITY_POLICY, "role": _ROLE_NAME},
    ),
    "aws:iam/policy:Policy": TypeRule(
        name=NameRule("name", 128, _pattern(_IAM_NAME, "policy names use only letters, digits and '+=,.@_-'")),
        regional=False, tags=True, defaults={"path": "/"},
        computed={"arn": lambda c: f"arn:{c.partition}:iam::{c.account}:policy{c.get('path', '/')}{c.get('name')}",
                  "policyId": lambda c: "ANPA" + hashlib.sha256(c.name.encode()).hexdigest()[:17].upper(),
                  "attachmentCount": lambda c: 0},
        id=lambda c: f"arn:{c.partition}:iam::{c.account}:policy{c.get('path', '/')}{c.get('name')}",
        replace_on_change=frozenset({"name", "namePrefix", "path"}), checks={"policy": IDENTITY_POLICY},
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": TypeRule(
        regional=False, id=lambda c: f"{c.get('role')}/{c.get('policyArn')}",
        replace_on_change=frozenset({"role", "policyArn"}), checks={"policyArn": _policy_arn_problem, "role": _ROLE_NAME},
    ),
    "aws:sqs/queue:Queue": TypeRule(
        name=NameRule("name", 80, _pattern(r"[A-Za-z0-9_-]+(\.fifo)?", "queue names use only letters, digits, "
                                                                      "'-' and '_' (FIFO queues end with .fifo)"),
                      fifo_field="fifoQueue"),
        defaults={"delaySeconds": 0, "maxMessageSize": 262144, "messageRetentionSeconds": 345600,
                  "receiveWaitTimeSeconds": 0, "visibilityTimeoutSeconds": 30, "fifoQueue": False}, tags=True,
        computed={"arn": lambda c: f"arn:{c.partition}:sqs:{c.region}:{c.account}:{c.get('name')}",
                  "url": _queue_url},
        id=_queue_url, replace_on_change=frozenset({"name", "namePrefix", "fifoQueue"}),
        checks={"messageRetentionSeconds": _between(60, 1209600), "delaySeconds": _between(0, 900),
                "visibilityTimeoutSeconds": _between(0, 43200), "policy": RESOURCE_POLICY},
    ),
    "aws:sqs/queuePolicy:QueuePolicy": TypeRule(
        id=lambda c: str(c.get("queueUrl", "")), replace_on_change=frozenset({"queueUrl"}),
        checks={"policy": RESOURCE_POLICY},
    ),
    "aws:sfn/stateMachine:StateMachine": TypeRule(
        name=NameRule("name", 80, _pattern(r"[A-Za-z0-9_-]+", "state machine names use only letters, digits, '-' "
                                                              "and '_'")),
        defaults={"type": "STANDARD", "publish": False}, tags=True,
        computed={"arn": _state_machine_arn, "creationDate": lambda c: _CREATED, "status": lambda c: "ACTIVE",
                  "revisionId": lambda c: hashlib.sha256(c.name.encode()).hexdigest()[:32],
                  "stateMachineVersionArn": lambda c: f"{_state_machine_arn(c)}:1" if c.get("publish") else "",
                  "description": lambda c: ""},
        id=_state_machine_arn, replace_on_change=frozenset({"name", "namePrefix", "type"}),
        # definition: statelint (Amazon States Language, as ValidateStateMachineDefinition); roleArn and the log
        # destination: terraform-provider-aws's ValidARN.
        checks={"definition": state_machine_definition_problem, "roleArn": arn_problem,
                "loggingConfiguration": _all(_nested_arn("logDestination"),
                                             _in("level", _one_of("ALL", "ERROR", "FATAL", "OFF")))},
    ),
    "aws:sfn/alias:Alias": TypeRule(
        name=NameRule("name", 80, _pattern(r"[A-Za-z0-9_-]+", "alias names use only letters, digits, '-' and '_'"),
                      prefix_field=None),
        computed={"arn": lambda c: f"{(c.get('routingConfigurations') or [{}])[0].get('stateMachineVersionArn', '').rsplit(':', 1)[0]}:{c.get('name')}",
                  "creationDate": lambda c: _CREATED},
        id=lambda c: f"{(c.get('routingConfigurations') or [{}])[0].get('stateMachineVersionArn', '').rsplit(':', 1)[0]}:{c.get('name')}",
        replace_on_change=frozenset({"name"}), checks={"routingConfigurations": _weights_problem},
    ),
    "aws:cloudwatch/eventBus:EventBus": TypeRule(
        name=NameRule("name", 256, _pattern(r"[/.\-_A-Za-z0-9]+", "bus names use only letters, digits, '/', '.', "
                                                                  "'-', '_'"), prefix_field=None),
        tags=True, computed={"arn": lambda c: f"arn:{c.partition}:events:{c.region}:{c.account}:event-bus/{c.get('name')}"},
        id=lambda c: c.get("name"), replace_on_change=frozenset({"name"}),
    ),
}

def _alarm_period_problem(value: Any) -> Optional[str]:
    """PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any multiple of 60." (AWS accepts 10/20/30 for any
    metric; on a standard-resolution metric such an alarm lapses into INSUFFICIENT_DATA, which is the component's
    concern, not a refusal.)"""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not (
            value in (10, 20, 30) or (value >= 60 and value % 60 == 0)):
        return f"periods are 10, 20, 30 or a multiple of 60 seconds, got {value:g}"
    return None


def _alarm_window_problems(props: Mapping[str, Any], env: "Env") -> list:
    """PutMetricAlarm, Period: "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms
    with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one day
    (86,400 seconds)." """
    period, count = props.get("period"), props.get("evaluationPeriods")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (period, count)):
        return []
    limit = 86400 if period < 3600 else 604800
    if period * count > limit:
        return [("evaluationPeriods", f"period x evaluationPeriods is {period:g} x {count:g} = {period * count:g} s; "
                 f"at most {limit} s for a period {'under' if limit == 86400 else 'of'} one hour"
                 f"{'' if limit == 86400 else ' or more'} (PutMetricAlarm)")]
    return []


def _alarm_arn(c: Ctx) -> str:
    return f"arn:{c.partition}:cloudwatch:{c.region}:{c.account}:alarm:{c.get('name')}"


def _topic_arn(c: Ctx) -> str:
    return f"arn:{c.partition}:sns:{c.region}:{c.account}:{c.get('name')}"


# Added for the component's alarms (components/s3_triggered_state_machine/alarms.py): the alarm and the topic it notifies.
RULES.update({
    "aws:cloudwatch/metricAlarm:MetricAlarm": TypeRule(
        # PutMetricAlarm, AlarmName: 1-255 characters; "The name must contain only UTF-8 characters, and can't contain
        # ASCII control characters".
        name=NameRule("name", 255, _pattern(r"[^\x00-\x1f\x7f]+", "alarm names have no ASCII control characters"),
                      prefix_field=None),
        defaults={"actionsEnabled": True, "treatMissingData": "missing"}, tags=True,
        computed={"arn": _alarm_arn}, id=lambda c: c.get("name"), replace_on_change=frozenset({"name"}),
        across=(_alarm_window_problems,),
        checks={
            "alarmActions": _arns, "okActions": _arns, "insufficientDataActions": _arns,  # ValidARN each
            "alarmDescription": _at_most(1024), "metricName": _at_most(255, 1), "dimensions": _dimensions_problem,
            "namespace": _all(_at_most(255, 1), _pattern(r"[^:].*", "namespaces do not start with ':'")),
            "period": _alarm_period_problem,
            "evaluationPeriods": _between(1, 100000),
            "comparisonOperator": _one_of(
                "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                "LessThanOrEqualToThreshold", "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold",
                "GreaterThanUpperThreshold"),
            "treatMissingData": _one_of("missing", "ignore", "breaching", "notBreaching"),
            "statistic": _one_of("SampleCount", "Average", "Sum", "Minimum", "Maximum"),
        },
    ),
    "aws:sns/topic:Topic": TypeRule(
        # CreateTopic: 1-256 ASCII letters, digits, '_' and '-' (FIFO topics end with .fifo). pulumi-aws auto-names
        # with Maxlen 80, then appends ".fifo" for a FIFO topic (provider/resource_overrides.go, aws_sns_topic).
        name=NameRule("name", 256, _pattern(r"[A-Za-z0-9_-]+(\.fifo)?", "topic names use only letters, digits, "
                                                                       "'-' and '_' (FIFO topics end with .fifo)"),
                      auto_max_length=80, fifo_field="fifoTopic"),
        defaults={"fifoTopic": False}, tags=True,
        computed={"arn": _topic_arn, "owner": lambda c: c.account}, id=_topic_arn,
        replace_on_change=frozenset({"name", "namePrefix", "fifoTopic"}),
        checks={"policy": RESOURCE_POLICY},
    ),
})

GENERIC = TypeRule()


def rule_for(type_: str) -> TypeRule:
    return RULES.get(type_, GENERIC)


# ------------------------------------------------------------------------------------------------------- check
def random_suffix(seed: bytes, urn: str, length: int = AUTO_NAME_RANDOM) -> str:
    """The random part of an auto-name. Derived from the engine's per-resource random seed, as pulumi-aws derives it,
    so a preview and the update that follows it agree on the name."""
    digest = hashlib.sha256(seed + urn.encode()).hexdigest() if seed else hashlib.sha256(urn.encode()).hexdigest()
    return "".join(_HEX[int(ch, 16)] for ch in digest[:length])


@dataclass
class CheckResult:
    inputs: dict
    failures: list[tuple[str, str]]  # (property, reason)


def check(type_: str, name: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any], seed: bytes,
          preview: bool, env: Optional[Env] = None) -> CheckResult:
    """The provider's Check: defaults, the auto-name, and the values AWS would refuse, before anything is created.
    `env` gives the provider's region (for the partition check) and the caller (KMS's lockout check); without it,
    the offline backend's caller and no partition check."""
    env = env or Env()
    rule = rule_for(type_)
    props = dict(news)
    failures: list[tuple[str, str]] = []
    for key, value in rule.defaults.items():
        if props.get(key) is None:
            props[key] = value
    nr = rule.name
    if nr is not None and props.get(nr.field) is None:
        prefix = props.get(nr.prefix_field) if nr.prefix_field else None
        if isinstance(prefix, str) and prefix != UNKNOWN:
            limit = nr.max_length - PREFIX_RANDOM
            if len(prefix) > limit:
                failures.append((nr.prefix_field, f"{nr.prefix_field} {prefix!r} is {len(prefix)} characters; "
                                 f"at most {limit} ({nr.max_length} minus the {PREFIX_RANDOM} the provider appends)"))
            elif olds.get(nr.prefix_field) == prefix and isinstance(olds.get(nr.field), str):
                props[nr.field] = olds[nr.field]
            # else: Terraform appends its unique id at create time, so the name stays unset (unknown) until then.
        elif prefix == UNKNOWN:
            props[nr.field] = UNKNOWN
        elif isinstance(olds.get(nr.field), str) and olds.get(nr.field) != UNKNOWN:
            props[nr.field] = olds[nr.field]  # keep the name an earlier update chose
        else:
            base = name.lower() if nr.lower else name
            fifo = ".fifo" if nr.fifo_field and props.get(nr.fifo_field) is True else ""
            generated = f"{base}-{random_suffix(seed, urn)}"
            candidate = f"{nr.auto_prefix}{generated}{fifo}"
            auto_max = nr.auto_max_length or nr.max_length
            if len(generated) > auto_max or len(candidate) > nr.max_length:
                limit = (f"pulumi-aws auto-names {nr.field} with at most {auto_max} characters"
                         if nr.auto_max_length and len(generated) > auto_max else f"{nr.field} is at most "
                                                                                    f"{nr.max_length}")
                failures.append((nr.field, f"the auto-name of {name!r} ({nr.auto_prefix and repr(nr.auto_prefix) + ', '}"
                                 f"{name!r} plus '-', {AUTO_NAME_RANDOM} random characters"
                                 f"{' and .fifo' if fifo else ''}) is {len(candidate)} characters long; {limit}: give "
                                 f"a shorter logical name or an explicit {nr.field}"))
            props[nr.field] = candidate
    if nr is not None:
        value = props.get(nr.field)
        if isinstance(value, str) and value != UNKNOWN and not any(f[0] == nr.field for f in failures):
            problem = (f"it is {len(value)} characters long; at most {nr.max_length}"
                       if len(value) > nr.max_length else nr.problem(value))
            if problem:
                failures.append((nr.field, f"{nr.field} {value!r} is refused by AWS: {problem}"))
    for key, problem_of in rule.checks.items():
        value = props.get(key)
        if value is None or value == UNKNOWN or type(value).__name__ == "Unknown":  # (the mocks' unknown)
            continue
        problem = problem_of(value)
        if problem:
            failures.append((key, f"{key}: {problem}"))
    if rule.regional and props.get("region") not in (None, UNKNOWN):
        # terraform-provider-aws verifyRegionInConfiguredPartition; the region list is botocore's (meaning.py).
        problem = meaning.region_problem(props["region"], env.provider_region)
        if problem:
            failures.append(("region", f"region: {problem}"))
    if rule.tags and props.get("tags") not in (None, UNKNOWN):
        problem = meaning.tags_problem(props["tags"])
        if problem:
            failures.append(("tags", f"tags: {problem}"))
    for across in rule.across:
        failures += [(key, f"{key}: {problem}") for key, problem in across(props, env)]
    return CheckResult(props, failures)


# -------------------------------------------------------------------------------------------------------- diff
def _has_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str) and old != new:
        try:  # JSON documents compare by value, as the provider compares policies and patterns
            return json.loads(old) == json.loads(new)
        except ValueError:
            return False
    if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
        return float(old) == float(new)
    return old == new


def diff(type_: str, old_inputs: Mapping[str, Any], old_state: Mapping[str, Any], news: Mapping[str, Any],
         provider_region: Optional[str] = None, ignore_changes: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(changed properties, those among them that force a new resource): the old inputs against the new ones, and
    the resource's region (an output) against the one it would get now."""
    rule = rule_for(type_)
    keys = (set(news) | set(old_inputs)) - set(ignore_changes) - {"region"}
    changed = sorted(k for k in keys
                     if (_has_unknown(news.get(k)) or not _same(old_inputs.get(k), news.get(k)))
                     and not (news.get(k) is None and k in rule.defaults))
    if rule.regional and "region" not in ignore_changes:
        new_region = news.get("region") or provider_region
        old_region = old_state.get("region") or old_inputs.get("region")
        if new_region == UNKNOWN or (old_region and new_region and old_region != new_region):
            changed.append("region")
    replaces = [k for k in changed if k in rule.replace_on_change or k == "region"]
    return changed, replaces


# ----------------------------------------------------------------------------------------------- create outputs
def with_name(type_: str, props: Mapping[str, Any], preview: bool) -> dict:
    """The checked inputs with the name a `*Prefix` leaves to create time filled in (Terraform appends a unique id
    of 26 characters; unknown in preview). Every backend names resources through this: Check has already filled in
    auto-names and explicit names."""
    out = dict(props)
    nr = rule_for(type_).name
    if nr is not None and out.get(nr.field) is None and nr.prefix_field and isinstance(out.get(nr.prefix_field), str):
        out[nr.field] = UNKNOWN if preview else out[nr.prefix_field] + "".join(
            secrets.choice("0123456789") for _ in range(PREFIX_RANDOM))
    return out


def outputs(type_: str, name: str, props: Mapping[str, Any], region: str, account: str,
            preview: bool) -> tuple[str, dict]:
    """(id, outputs) the provider returns: the checked inputs plus region, tagsAll and the computed attributes (unknown
    in preview). Backends that really create resources overwrite the computed values with the real ones."""
    rule = rule_for(type_)
    out = dict(props)
    if rule.regional:
        out["region"] = region
    if rule.tags:
        tags = props.get("tags")
        out["tagsAll"] = UNKNOWN if tags == UNKNOWN else dict(tags or {})
    out = with_name(type_, out, preview)
    if preview:
        for key in rule.computed:
            if out.get(key) is None:
                out[key] = UNKNOWN
        return "", out
    ctx = Ctx(name=name, props=out, region=region, partition=partition_of(region), account=account)
    for key, fn in rule.computed.items():
        if out.get(key) is None:
            value = fn(ctx)
            if value is not None:
                out[key] = value
    res_id = rule.id(ctx) if rule.id is not None else f"{name}-{random_suffix(b'', name)}"
    return str(res_id), out


# ------------------------------------------------------------------------------- KMS keys, log groups (issue 14)
def _key_id(c: Ctx) -> str:
    """A key id shaped like AWS's (a UUID), stable for the logical name and region."""
    h = hashlib.sha256(f"kms/{c.name}/{c.region}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _key_arn(c: Ctx) -> str:
    return f"arn:{c.partition}:kms:{c.region}:{c.account}:key/{_key_id(c)}"


def _alias_name_problem(name: str) -> Optional[str]:
    if not name.startswith("alias/"):
        return "alias names start with 'alias/'"
    if name.startswith("alias/aws/"):
        return "the prefix 'alias/aws/' is reserved for AWS managed keys"
    if not re.fullmatch(r"alias/[A-Za-z0-9/_-]+", name):
        return "alias names use only letters, digits, '/', '_' and '-' after 'alias/'"
    return None


_RETENTION_DAYS = (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                   3288, 3653)


def _retention_problem(value: Any) -> Optional[str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and int(value) not in _RETENTION_DAYS:
        return f"expected one of {list(_RETENTION_DAYS)}, got {value:g}"
    return None


def _lifecycle_rules_problem(value: Any) -> Optional[str]:
    """What PutBucketLifecycleConfiguration refuses in the rules: ids over 255 characters, a status other than
    Enabled/Disabled, day counts below 1, ExpiredObjectDeleteMarker together with Days, a rule with no action."""
    if not isinstance(value, list):
        return None
    if len(value) > 1000:
        return f"at most 1000 rules (there are {len(value)})"
    actions = ("expiration", "noncurrentVersionExpiration", "abortIncompleteMultipartUpload", "transitions",
               "noncurrentVersionTransitions")
    for i, rule in enumerate(value):
        if not isinstance(rule, dict):
            continue
        if rule.get("id") != UNKNOWN and not 1 <= len(str(rule.get("id") or "")) <= 255:
            # terraform-provider-aws (bucket_lifecycle_configuration): rule.id is Required, 1-255 characters.
            return f"rules[{i}].id is required, 1 to 255 characters (got {rule.get('id')!r})"
        if rule.get("status") not in ("Enabled", "Disabled", UNKNOWN):
            return f"rules[{i}].status: expected Enabled or Disabled, got {rule.get('status')!r}"
        if not any(rule.get(a) for a in actions):
            return f"rules[{i}] has no action (expiration, transition, noncurrent version or multipart rule)"
        exp = rule.get("expiration") or {}
        if exp.get("expiredObjectDeleteMarker") and (exp.get("days") or exp.get("date")):
            return f"rules[{i}].expiration: expiredObjectDeleteMarker cannot be combined with days or date"
        for key, field_ in (("expiration", "days"), ("noncurrentVersionExpiration", "noncurrentDays"),
                            ("abortIncompleteMultipartUpload", "daysAfterInitiation")):
            days = (rule.get(key) or {}).get(field_)
            if isinstance(days, (int, float)) and not isinstance(days, bool) and days < 1:
                return f"rules[{i}].{key}.{field_} must be a positive number of days, got {days:g}"
    return None


RULES["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = TypeRule(
    checks={"rules": _lifecycle_rules_problem}, **_BUCKET_SUB)

RULES.update({
    "aws:kms/key:Key": TypeRule(
        tags=True,
        defaults={"keyUsage": "ENCRYPT_DECRYPT", "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                  "isEnabled": True, "enableKeyRotation": False, "multiRegion": False,
                  "bypassPolicyLockoutSafetyCheck": False},
        computed={"arn": _key_arn, "keyId": _key_id},
        id=_key_id, replace_on_change=frozenset({"keyUsage", "customerMasterKeySpec", "multiRegion"}),
        # policy: AWS's grammar for resource policies (cfn-lint) and KMS's lockout check (meaning.py).
        checks={"policy": RESOURCE_POLICY, "deletionWindowInDays": _between(7, 30), "description": _at_most(8192),
                "rotationPeriodInDays": _between(90, 2560)},
        across=(lambda props, env: [("policy", p) for p in [meaning.kms_lockout_problem(props, env.caller())] if p],),
    ),
    "aws:kms/alias:Alias": TypeRule(
        # pulumi-aws auto-names with Maxlen 238, then puts "alias/" before the name (resource_overrides.go).
        name=NameRule("name", 256, _alias_name_problem, prefix_field="namePrefix", auto_max_length=238,
                      auto_prefix="alias/"),
        computed={"arn": lambda c: f"arn:{c.partition}:kms:{c.region}:{c.account}:{c.get('name')}",
                  "targetKeyArn": lambda c: (c.get("targetKeyId") if str(c.get("targetKeyId", "")).startswith("arn:")
                                             else f"arn:{c.partition}:kms:{c.region}:{c.account}:key/"
                                                  f"{c.get('targetKeyId')}")},
        id=lambda c: c.get("name"), replace_on_change=frozenset({"name", "namePrefix"}),
        checks={"targetKeyId": _at_most(256, 1)},
    ),
    "aws:cloudwatch/logGroup:LogGroup": TypeRule(
        # CreateLogGroup: 1-512 characters of letters, digits, '_', '-', '/', '.', '#'.
        name=NameRule("name", 512, _pattern(r"[A-Za-z0-9_\-/.#]+", "log group names use only letters, digits and "
                                                                  "'_-/.#'")),
        tags=True, defaults={"retentionInDays": 0, "skipDestroy": False, "logGroupClass": "STANDARD"},
        computed={"arn": lambda c: f"arn:{c.partition}:logs:{c.region}:{c.account}:log-group:{c.get('name')}"},
        id=lambda c: c.get("name"), replace_on_change=frozenset({"name", "namePrefix", "logGroupClass"}),
        checks={"retentionInDays": _retention_problem, "kmsKeyId": arn_problem},
    ),
})

# pulumi-aws v7 keeps `aws.s3.BucketV2` as the deprecated spelling of the same resource (aws_s3_bucket).
RULES["aws:s3/bucketV2:BucketV2"] = RULES["aws:s3/bucket:Bucket"]
# An attachment of a managed policy to roles, users or groups (IAM, global): AttachRolePolicy's PolicyArn.
RULES["aws:iam/policyAttachment:PolicyAttachment"] = TypeRule(regional=False, checks={"policyArn": _policy_arn_problem})
