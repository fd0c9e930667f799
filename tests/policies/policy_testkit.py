"""A small harness in the style of awsguard's src/tests/util.ts: build the validation args the pack
would build (props wrapped in pulumi_policy's unknown-checking proxy, exactly as the pack does), run
one policy's validate function, and collect violations / not-applicable reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (PolicyCustomTimeouts, PolicyProviderResource, PolicyResource, PolicyResourceOptions,
                           ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import unknown_checking_proxy

from policies.s3_trigger import all_policies
from policies.s3_trigger.values import UNKNOWN_STRING

U = UNKNOWN_STRING
ACCOUNT = "123456789012"


def policy(name: str):
    for p in all_policies():
        if p.name == name:
            return p
    raise KeyError(name)


def _opts(parent=None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def provider(region: str | None = "us-east-2") -> PolicyProviderResource:
    props = {"region": region} if region else {}
    return PolicyProviderResource("pulumi:providers:aws", unknown_checking_proxy(props),
                                  "urn:pulumi:dev::proj::pulumi:providers:aws::default", "default")


def urn(rtype: str, name: str) -> str:
    return f"urn:pulumi:dev::proj::{rtype}::{name}"


@dataclass
class Result:
    violations: list[tuple[str, str | None]] = field(default_factory=list)
    not_applicable: str | None = None

    @property
    def messages(self) -> list[str]:
        return [m for m, _ in self.violations]

    def text(self) -> str:
        return "\n---\n".join(self.messages)


def run(policy_obj, args) -> Result:
    res = Result()

    def report(message, urn=None):
        assert isinstance(message, str) and message
        res.violations.append((message, urn))

    try:
        out = policy_obj.validate(args, report)
        assert out is None
    except _NotApplicableError as e:
        res.not_applicable = e.reason or ""
    return res


def resource_args(rtype: str, props: dict, name: str = "r", region: str | None = "us-east-2",
                  config: dict | None = None) -> ResourceValidationArgs:
    return ResourceValidationArgs(rtype, unknown_checking_proxy(json.loads(json.dumps(props))), urn(rtype, name),
                                  name, _opts(), provider(region), config)


def run_resource(policy_name: str, rtype: str, props: dict, **kw) -> Result:
    return run(policy(policy_name), resource_args(rtype, props, **kw))


class Stack:
    """Resources for a StackValidationArgs: add(type, name, props, deps=..., propdeps=...)."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, rtype: str, name: str, props: dict, *, deps: list[str] | None = None,
            propdeps: dict[str, list[str]] | None = None, region: str | None = "us-east-2") -> str:
        u = urn(rtype, name)
        self.items = [i for i in self.items if i["urn"] != u]
        self.items.append(dict(urn=u, type=rtype, name=name, props=props, deps=deps or [],
                               propdeps=propdeps or {}, region=region))
        return u

    def get(self, name: str) -> dict:
        return next(i for i in self.items if i["name"] == name)

    def args(self, config: dict | None = None) -> StackValidationArgs:
        resources, by_urn = [], {}
        for i in self.items:
            r = PolicyResource(i["type"], unknown_checking_proxy(json.loads(json.dumps(i["props"]))), i["urn"],
                               i["name"], _opts(), provider(i["region"]), None, [], {})
            resources.append(r)
            by_urn[i["urn"]] = r
        for i, r in zip(self.items, resources):
            r.dependencies = [by_urn[d] for d in i["deps"] if d in by_urn]
            r.property_dependencies = {k: [by_urn[d] for d in v if d in by_urn] for k, v in i["propdeps"].items()}
        return StackValidationArgs(resources, config)


def run_stack(name: str, stack: Stack, config: dict | None = None) -> Result:
    return run(policy(name), stack.args(config))


def run_both(name: str, stack: Stack, config: dict | None = None) -> Result:
    """A policy at both points the engine runs it: the stack half on the whole stack, and (for a policy that also
    validates resources) the resource half on each resource's props, as ``Analyze`` sees them before creating it."""
    p = policy(name)
    out = Result()
    if isinstance(p, StackValidationPolicy):
        out.violations.extend(run(p, stack.args(config)).violations)
    if isinstance(p, ResourceValidationPolicy):
        for i in stack.items:
            r = run(p, resource_args(i["type"], i["props"], name=i["name"], region=i["region"], config=config))
            out.violations.extend((m, u or urn(i["type"], i["name"])) for m, u in r.violations)
    return out


def assert_violation(result: Result, phrase: str):
    assert any(phrase in m for m in result.messages), f"no violation containing {phrase!r}:\n{result.text()}"


def assert_clean(result: Result):
    assert not result.violations, result.text()


# ------------------------------------------------------------------------------------------------
# The reference stack: what the component builds (CloudTrail delivery), in update or preview form.
# ------------------------------------------------------------------------------------------------

BUCKET = "username-sfn-tutorial"
LOGS = "username-sfn-tutorial-storage"
REGION = "us-east-2"
SM_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Helloworld"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/s3-sfn-rule"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/s3-sfn-role"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:s3-sfn-dlq"
QUEUE_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/s3-sfn-dlq"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/s3-sfn-trail"

T_BUCKET = "aws:s3/bucket:Bucket"
T_TRAIL = "aws:cloudtrail/trail:Trail"
T_RULE = "aws:cloudwatch/eventRule:EventRule"
T_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
T_ROLE = "aws:iam/role:Role"
T_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
T_QUEUE = "aws:sqs/queue:Queue"
T_QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
T_SM = "aws:sfn/stateMachine:StateMachine"
T_NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"

UPLOAD_NAMES = ["PutObject", "CompleteMultipartUpload", "CopyObject"]


def cloudtrail_pattern(bucket=BUCKET, names=None, key_prefix=None) -> str:
    detail: dict[str, Any] = {"eventSource": ["s3.amazonaws.com"], "eventName": names or UPLOAD_NAMES,
                              "requestParameters": {"bucketName": [bucket]}}
    if key_prefix:
        detail["requestParameters"]["key"] = [{"prefix": key_prefix}]
    return json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"], "detail": detail})


TUTORIAL_CONSOLE_PATTERN = json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["PutObject"],
               "requestParameters": {"bucketName": [BUCKET]}}})


def object_created_pattern(bucket=BUCKET, reasons=None) -> str:
    detail: dict[str, Any] = {"bucket": {"name": [bucket]}}
    if reasons:
        detail["reason"] = reasons
    return json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": detail})


def advanced_selectors(bucket=BUCKET, names=None, prefix="") -> list:
    return [{"name": "s3-trigger-writes", "fieldSelectors": [
        {"field": "eventCategory", "equals": ["Data"]},
        {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        {"field": "resources.ARN", "startsWiths": [f"arn:aws:s3:::{bucket}/{prefix}"]},
        {"field": "eventName", "equals": names or UPLOAD_NAMES},
        {"field": "readOnly", "equals": ["false"]},
    ]}]


def basic_log_everything() -> list:
    return [{"readWriteType": "All", "includeManagementEvents": True,
             "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]


def trust_policy(extra_principal=None, rule_arn=RULE_ARN) -> str:
    principal: dict[str, Any] = {"Service": "events.amazonaws.com"}
    if extra_principal:
        principal.update(extra_principal)
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": rule_arn}}}]})


def start_policy(resource=SM_ARN, action="states:StartExecution") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}]})


def queue_policy() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": QUEUE_ARN, "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}}}]})


def reference_stack(preview: bool = False, *, delivery: str = "cloudtrail") -> Stack:
    """The component's resources. preview=True: ARNs/ids/urls unknown, links by property dependencies."""
    s = Stack()
    k = (lambda v: U) if preview else (lambda v: v)
    b = s.add(T_BUCKET, "uploads", {"bucket": BUCKET, "arn": k(f"arn:aws:s3:::{BUCKET}"), "id": k(BUCKET)})
    lb = s.add(T_BUCKET, "logs", {"bucket": LOGS, "arn": k(f"arn:aws:s3:::{LOGS}"), "id": k(LOGS)})
    sm = s.add(T_SM, "Helloworld", {"name": "Helloworld", "arn": k(SM_ARN), "definition": "{}", "roleArn": U if preview else ROLE_ARN})
    if delivery == "cloudtrail":
        s.add(T_TRAIL, "trail", {"name": "s3-sfn-trail", "s3BucketName": LOGS, "enableLogging": True,
                                 "isMultiRegionTrail": False, "includeGlobalServiceEvents": False,
                                 "advancedEventSelectors": advanced_selectors(), "arn": k(TRAIL_ARN)},
              propdeps={"s3BucketName": [lb]}, deps=[lb])
        pattern = cloudtrail_pattern()
    else:
        s.add(T_NOTIFICATION, "notification", {"bucket": BUCKET, "eventbridge": True}, propdeps={"bucket": [b]})
        pattern = object_created_pattern()
    rule = s.add(T_RULE, "rule", {"name": "s3-sfn-rule", "eventPattern": pattern, "arn": k(RULE_ARN)},
                 propdeps={"eventPattern": [b]}, deps=[b])
    role = s.add(T_ROLE, "role", {"name": "s3-sfn-role", "assumeRolePolicy": trust_policy(), "arn": k(ROLE_ARN)})
    s.add(T_ROLE_POLICY, "role-policy", {"role": "s3-sfn-role", "policy": U if preview else start_policy()},
          propdeps={"role": [role], "policy": [sm]}, deps=[role, sm])
    q = s.add(T_QUEUE, "dlq", {"name": "s3-sfn-dlq", "arn": k(QUEUE_ARN), "url": k(QUEUE_URL)})
    s.add(T_QUEUE_POLICY, "dlq-policy", {"queueUrl": k(QUEUE_URL), "policy": queue_policy()},
          propdeps={"queueUrl": [q]}, deps=[q])
    # The target depends on the role's permission and the queue's policy (it must not go live before them).
    s.add(T_TARGET, "target", {"rule": "s3-sfn-rule", "arn": k(SM_ARN), "roleArn": k(ROLE_ARN),
                               "deadLetterConfig": {"arn": k(QUEUE_ARN)},
                               "retryPolicy": {"maximumRetryAttempts": 10, "maximumEventAgeInSeconds": 3600}},
          propdeps={"rule": [rule], "arn": [sm], "roleArn": [role], "deadLetterConfig": [q]},
          deps=[rule, sm, role, q, urn(T_ROLE_POLICY, "role-policy"), urn(T_QUEUE_POLICY, "dlq-policy")])
    return s
