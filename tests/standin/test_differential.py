"""Differential test: the stand-in aws provider refuses at least what AWS's own published constraints refuse.

Substitute used: none; pure functions. The constraints are the CloudFormation resource provider schemas AWS publishes,
as cfn-lint ships them (`cfnlint.schema`, us-east-1): maxLength, minLength, pattern, enum, minimum, maximum, maxItems.
For every resource type and property that the project's programs set (found by reading the Python programs of the
component, the tutorial stack, tests/fixtures, tests/corpus and examples, plus the component run under Pulumi's mocks
in three configurations), `CFN` below names the schema property it corresponds to, or says why there is none. For each
constrained one, values the schema refuses are generated from the schema (one past each length bound, a value outside
each enum or range, strings that break each pattern) and set on an otherwise valid resource: the stand-in's Check must
refuse that property. A property a program sets that `CFN` does not list fails the test, so a new one cannot slip by.

Where the stand-in refuses more than the schema (bucket naming rules, event pattern grammar, policies, ARNs...), the
comment at that rule in standin_aws/rules.py or meaning.py names the AWS document it follows.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import regex  # JSON Schema patterns (cfn-lint's) use \\p{...} classes, which `re` lacks

from standin_aws import rules
from tests.sources import parse

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = rules.ACCOUNT_ID
MACHINE_ARN = f"arn:aws:states:us-east-2:{ACCOUNT}:stateMachine:Helloworld"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/events"
QUEUE_ARN = f"arn:aws:sqs:us-east-2:{ACCOUNT}:dlq"
KEY_ARN = f"arn:aws:kms:us-east-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                            "Principal": {"Service": "events.amazonaws.com"}}]})
IDENTITY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution",
                                                               "Resource": MACHINE_ARN}]})
RESOURCE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                               "Principal": {"Service": "events.amazonaws.com"},
                                                               "Resource": QUEUE_ARN}]})
KEY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
                                                                 "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}]})
NO = None  # no counterpart in the schema (the reason is the comment on that line)

#: pulumi type -> (CloudFormation type, a valid resource, {pulumi property (path): CloudFormation property (path)}).
#: Paths: `a.b` nests, `a[]` is each item of a list (the first is mutated), `tags` is a map (CFN: a Key/Value list).
CFN: dict[str, tuple[str, dict, dict[str, Optional[str]]]] = {
    "aws:s3/bucket:Bucket": ("AWS::S3::Bucket", {"bucket": "uploads-1234567", "tags": {"team": "data"}}, {
        "bucket": "BucketName", "tags": "Tags",
        "forceDestroy": NO,   # the provider's own flag (empty the bucket before deleting it)
        "region": NO,         # the provider's per-resource region (checked against botocore's regions, meaning.py)
    }),
    "aws:s3/bucketV2:BucketV2": ("AWS::S3::Bucket", {"bucket": "uploads-1234567"}, {"bucket": "BucketName"}),
    "aws:s3/bucketVersioning:BucketVersioning": ("AWS::S3::Bucket", {
        "bucket": "uploads-1234567", "versioningConfiguration": {"status": "Enabled"}}, {
        "bucket": NO,         # the bucket's name, checked on the bucket
        # status: the schema's enum is Enabled/Suspended; the provider also takes "Disabled" (never versioned), which
        # is not sent to AWS: not a value AWS refuses. See EXCEPTIONS.
        "versioningConfiguration.status": "VersioningConfiguration.Status",
        "region": NO,
    }),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ("AWS::S3::Bucket", {
        "bucket": "uploads-1234567", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}, {
        "bucket": NO, "region": NO,
        "rules[].applyServerSideEncryptionByDefault.sseAlgorithm":
            "BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.SSEAlgorithm",
    }),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("AWS::S3::Bucket", {"bucket": "uploads-1234567"}, {
        "bucket": NO, "region": NO,
        # booleans: PublicAccessBlockConfiguration.* (the SDK's types already refuse anything else)
        "blockPublicAcls": NO, "blockPublicPolicy": NO, "ignorePublicAcls": NO, "restrictPublicBuckets": NO,
    }),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("AWS::S3::Bucket", {
        "bucket": "uploads-1234567", "rule": {"objectOwnership": "BucketOwnerEnforced"}}, {
        "bucket": NO, "region": NO, "rule.objectOwnership": "OwnershipControls.Rules[].ObjectOwnership",
    }),
    "aws:s3/bucketPolicy:BucketPolicy": ("AWS::S3::BucketPolicy", {"bucket": "uploads-1234567", "policy": RESOURCE}, {
        "bucket": NO, "region": NO,
        "policy": "PolicyDocument",   # object|string in the schema; the grammar: AWS's IAM schema (meaning.py)
    }),
    "aws:s3/bucketNotification:BucketNotification": ("AWS::S3::Bucket", {"bucket": "uploads-1234567",
                                                                         "eventbridge": True}, {
        "bucket": NO, "region": NO, "eventbridge": NO,  # NotificationConfiguration.EventBridgeConfiguration: a flag
        # NotificationConfiguration.QueueConfigurations: no constraint beyond its required Event and Queue, which
        # pulumi-aws's schema (queues[].events, queues[].queueArn, both required) already enforces before Check.
        "queues": NO,
    }),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("AWS::S3::Bucket", {
        "bucket": "uploads-1234567", "rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 30}}]}, {
        "bucket": NO, "region": NO,
        "rules[].id": "LifecycleConfiguration.Rules[].Id", "rules[].status": "LifecycleConfiguration.Rules[].Status",
    }),
    "aws:s3/bucketLogging:BucketLogging": ("AWS::S3::Bucket", {"bucket": "uploads-1234567", "targetBucket": "logs-1",
                                                               "targetPrefix": "access/"}, {
        "bucket": NO, "region": NO,
        "targetBucket": "LoggingConfiguration.DestinationBucketName",  # unconstrained string in the schema
        "targetPrefix": "LoggingConfiguration.LogFilePrefix",
    }),
    "aws:cloudtrail/trail:Trail": ("AWS::CloudTrail::Trail", {
        "name": "uploads-trail", "s3BucketName": "logs-1", "kmsKeyId": KEY_ARN, "advancedEventSelectors": [
            {"fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]}, {
        "name": "TrailName", "s3BucketName": "S3BucketName", "kmsKeyId": "KMSKeyId", "tags": "Tags",
        "advancedEventSelectors[].fieldSelectors[].field": "AdvancedEventSelectors[].FieldSelectors[].Field",
        "advancedEventSelectors[].fieldSelectors": "AdvancedEventSelectors[].FieldSelectors",
        "advancedEventSelectors[].fieldSelectors[].equals": "AdvancedEventSelectors[].FieldSelectors[].Equals",
        "eventSelectors": "EventSelectors",
        "enableLogFileValidation": NO, "enableLogging": NO, "includeGlobalServiceEvents": NO,  # flags
        "isMultiRegionTrail": NO, "region": NO,
    }),
    "aws:cloudwatch/eventBus:EventBus": ("AWS::Events::EventBus", {"name": "uploads-bus"}, {"name": "Name"}),
    "aws:cloudwatch/eventRule:EventRule": ("AWS::Events::Rule", {
        "name": "uploads-rule", "eventPattern": json.dumps({"source": ["aws.s3"]}), "description": "d",
        "state": "ENABLED", "tags": {"team": "data"}}, {
        "name": "Name", "description": "Description", "state": "State", "tags": "Tags", "eventBusName": "EventBusName",
        "eventPattern": "EventPattern",   # object|string; the grammar: LocalStack's rule engine (meaning.py)
        "scheduleExpression": "ScheduleExpression",
        "region": NO,
    }),
    "aws:cloudwatch/eventTarget:EventTarget": ("AWS::Events::Rule", {
        "rule": "uploads-rule", "targetId": "uploads-target", "arn": MACHINE_ARN, "roleArn": ROLE_ARN,
        "deadLetterConfig": {"arn": QUEUE_ARN}, "retryPolicy": {"maximumRetryAttempts": 3,
                                                                "maximumEventAgeInSeconds": 3600},
        "inputTransformer": {"inputPaths": {"key": "$.detail.object.key"}, "inputTemplate": '{"key": <key>}'}}, {
        "rule": "Name", "targetId": "Targets[].Id", "arn": "Targets[].Arn", "roleArn": "Targets[].RoleArn",
        "deadLetterConfig.arn": "Targets[].DeadLetterConfig.Arn",
        "retryPolicy.maximumRetryAttempts": "Targets[].RetryPolicy.MaximumRetryAttempts",
        "retryPolicy.maximumEventAgeInSeconds": "Targets[].RetryPolicy.MaximumEventAgeInSeconds",
        "inputTransformer.inputTemplate": "Targets[].InputTransformer.InputTemplate",
        "inputTransformer": "Targets[].InputTransformer",
        "eventBusName": "EventBusName", "region": NO,
    }),
    "aws:cloudwatch/logGroup:LogGroup": ("AWS::Logs::LogGroup", {"name": "/aws/states/uploads", "retentionInDays": 30,
                                                                 "kmsKeyId": KEY_ARN}, {
        "name": "LogGroupName", "retentionInDays": "RetentionInDays", "kmsKeyId": "KmsKeyId",
    }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("AWS::CloudWatch::Alarm", {
        "name": "uploads-failed", "namespace": "AWS/Events", "metricName": "FailedInvocations", "period": 300,
        "evaluationPeriods": 1, "threshold": 1, "statistic": "Sum", "comparisonOperator": "GreaterThanOrEqualToThreshold",
        "treatMissingData": "notBreaching", "dimensions": {"RuleName": "uploads-rule"},
        "alarmActions": [f"arn:aws:sns:us-east-2:{ACCOUNT}:ops"], "tags": {"team": "data"}}, {
        "name": "AlarmName", "namespace": "Namespace", "metricName": "MetricName", "period": "Period",
        "evaluationPeriods": "EvaluationPeriods", "statistic": "Statistic", "comparisonOperator": "ComparisonOperator",
        "treatMissingData": "TreatMissingData", "alarmDescription": "AlarmDescription", "tags": "Tags",
        "alarmActions[]": "AlarmActions[]", "okActions[]": "OKActions[]", "alarmActions": "AlarmActions",
        "okActions": "OKActions", "threshold": NO,  # a number, unconstrained
        "dimensions": "Dimensions",   # a map here (the schema's Name/Value list): see the dimensions test below
        "region": NO,
    }),
    "aws:iam/policy:Policy": ("AWS::IAM::ManagedPolicy", {"name": "start", "policy": IDENTITY}, {
        "name": "ManagedPolicyName", "policy": "PolicyDocument",
    }),
    "aws:iam/policyAttachment:PolicyAttachment": ("AWS::IAM::Role", {"name": "attach", "roles": ["r"],
                                                                     "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/p"}, {
        "policyArn": "ManagedPolicyArns[]", "roles": NO,   # role names, checked on the roles
    }),
    "aws:iam/role:Role": ("AWS::IAM::Role", {"name": "uploads-role", "assumeRolePolicy": TRUST, "description": "d",
                                             "tags": {"team": "data"}}, {
        "name": "RoleName", "assumeRolePolicy": "AssumeRolePolicyDocument", "description": "Description",
        "tags": "Tags", "inlinePolicies": "Policies", "maxSessionDuration": "MaxSessionDuration",
        "permissionsBoundary": "PermissionsBoundary",
    }),
    "aws:iam/rolePolicy:RolePolicy": ("AWS::IAM::RolePolicy", {"name": "start", "role": "uploads-role",
                                                               "policy": IDENTITY}, {
        "name": "PolicyName", "policy": "PolicyDocument", "role": "RoleName",
    }),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("AWS::IAM::Role", {
        "role": "uploads-role", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/p"}, {
        "policyArn": "ManagedPolicyArns[]", "role": "RoleName",
    }),
    "aws:kms/alias:Alias": ("AWS::KMS::Alias", {"name": "alias/uploads", "targetKeyId": KEY_ARN}, {
        "name": "AliasName", "targetKeyId": "TargetKeyId",
    }),
    "aws:kms/key:Key": ("AWS::KMS::Key", {"policy": KEY_POLICY, "description": "d", "deletionWindowInDays": 7}, {
        "policy": "KeyPolicy", "description": "Description", "deletionWindowInDays": "PendingWindowInDays",
        "enableKeyRotation": NO,  # a flag
    }),
    "aws:sfn/alias:Alias": ("AWS::StepFunctions::StateMachineAlias", {"name": "live", "routingConfigurations": [
        {"stateMachineVersionArn": f"{MACHINE_ARN}:1", "weight": 100}]}, {
        "name": "Name", "routingConfigurations": "RoutingConfiguration",
        "routingConfigurations[].weight": "RoutingConfiguration[].Weight",
    }),
    "aws:sfn/stateMachine:StateMachine": ("AWS::StepFunctions::StateMachine", {
        "name": "Helloworld", "roleArn": ROLE_ARN,
        "definition": json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})}, {
        "name": "StateMachineName", "definition": "DefinitionString", "roleArn": "RoleArn",
        "loggingConfiguration.level": "LoggingConfiguration.Level",
        "loggingConfiguration": "LoggingConfiguration",
        "tracingConfiguration": NO,  # TracingConfiguration.Enabled: a flag
    }),
    "aws:sns/topic:Topic": ("AWS::SNS::Topic", {"name": "uploads-alarms", "tags": {"team": "data"}}, {
        "name": "TopicName", "tags": "Tags", "kmsMasterKeyId": "KmsMasterKeyId", "region": NO,
    }),
    "aws:sqs/queue:Queue": ("AWS::SQS::Queue", {"name": "uploads-dlq", "messageRetentionSeconds": 1209600,
                                                "tags": {"team": "data"}}, {
        "name": "QueueName", "messageRetentionSeconds": "MessageRetentionPeriod", "tags": "Tags",
        "kmsMasterKeyId": "KmsMasterKeyId", "sqsManagedSseEnabled": NO,  # a flag
        "region": NO,
    }),
    "aws:sqs/queuePolicy:QueuePolicy": ("AWS::SQS::QueuePolicy", {"queueUrl": "https://sqs.us-east-2.amazonaws.com/"
                                                                  f"{ACCOUNT}/uploads-dlq", "policy": RESOURCE}, {
        "policy": "PolicyDocument", "queueUrl": "Queues[]", "region": NO,
    }),
}

#: (pulumi type, property path, value): values the schema refuses that the real provider/AWS accept, and why.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("aws:s3/bucketVersioning:BucketVersioning", "versioningConfiguration.status"):
        "terraform-provider-aws accepts 'Disabled' (a bucket that was never versioned); it sends nothing to AWS",
}


# ------------------------------------------------------------------------------ what the programs set
def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _program_files() -> list[Path]:
    files = [REPO / "__main__.py"]
    for folder in ("components", "tests/fixtures", "tests/corpus", "examples"):
        files += sorted((REPO / folder).rglob("*.py"))
    return files


def _set_by_source() -> dict[str, set[str]]:
    """(type, property) for every `aws.<module>.<Resource>(..., keyword=...)` in the Python programs."""
    found: dict[str, set[str]] = {}
    for path in _program_files():
        for node in ast.walk(parse(path.read_text())):   # tests/sources.py
            f = getattr(node, "func", None)
            if not (isinstance(node, ast.Call) and isinstance(f, ast.Attribute) and isinstance(f.value, ast.Attribute)
                    and isinstance(f.value.value, ast.Name) and f.value.value.id == "aws"):
                continue
            cls = f.attr
            if not cls[:1].isupper() or cls.endswith("Args"):
                continue
            type_ = f"aws:{f.value.attr}/{cls[0].lower()}{cls[1:]}:{cls}"
            found.setdefault(type_, set()).update(_camel(k.arg) for k in node.keywords if k.arg and k.arg != "opts")
    return found


def _set_by_the_component() -> dict[str, set[str]]:
    """(type, property) for what the component registers (its arguments expand dictionaries the source hides)."""
    from s3_triggered_state_machine import S3TriggeredStateMachine
    from tests.component.conftest import STATE_MACHINE_ARN, run_program

    configs = [{}, {"delivery": "eventbridge", "key_prefix": "uploads/", "key_suffix": ".png", "tags": {"t": "v"},
                    "input_format": "object"},
               {"kms_key_arn": KEY_ARN, "access_logging": True, "noncurrent_version_expiration_days": 30,
                "log_expiration_days": 90, "log_transition_days": 30,
                "alarm_topic_arns": [f"arn:aws:sns:us-east-2:{ACCOUNT}:ops"]}]
    found: dict[str, set[str]] = {}
    for config in configs:
        run = run_program(lambda: S3TriggeredStateMachine("uploads", {"state_machine_arn": STATE_MACHINE_ARN,
                                                                     **config}))
        for r in run.resources:
            if r.type.startswith("aws:"):
                found.setdefault(r.type, set()).update(k for k, v in r.inputs.items() if v is not None)
    return found


@functools.lru_cache(maxsize=1)
def properties_the_programs_set() -> dict[str, set[str]]:
    found = _set_by_source()
    for type_, props in _set_by_the_component().items():
        found.setdefault(type_, set()).update(props)
    return found


def test_every_type_and_property_the_programs_set_is_in_the_table():
    missing = sorted((t, p) for t, props in properties_the_programs_set().items() for p in props
                     if t not in CFN or p not in {path.split(".")[0].split("[")[0] for path in CFN[t][2]})
    assert missing == [], f"add these to CFN (with the CloudFormation property, or NO and why): {missing}"


# ------------------------------------------------------------------------------ the schema's refusals
@functools.lru_cache(maxsize=None)
def _schema(cfn_type: str) -> dict:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    return PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn_type).schema


def _resolve(node: dict, root: dict) -> dict:
    while "$ref" in node:
        target = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _at(cfn_type: str, path: str) -> dict:
    root = _schema(cfn_type)
    node = root
    for part in path.split("."):
        items = part.endswith("[]")
        node = _resolve(node, root)["properties"][part[:-2] if items else part]
        if items:
            node = _resolve(node, root)["items"]
    return _resolve(node, root)


_PATTERN_BREAKERS = ("!", "a b", "a/b", "a:b", "é", "-", "a..b", "a*", "{}", "\t", "A", "1.2.3.4", "arn:aws:x",
                     "alias/aws/x", "x" * 3)


def refused_values(node: dict) -> Iterator[tuple[str, Any]]:
    """(what, value) the schema `node` refuses."""
    kinds = node.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "enum" in node:
        yield "outside the enum", ("NOT_A_VALUE" if all(isinstance(v, str) for v in node["enum"]) else 99999)
    if "string" in kinds or "maxLength" in node:
        low, high = node.get("minLength", 0), node.get("maxLength")
        if high is not None:
            yield f"longer than {high}", "a" * (high + 1)
        if low > 1:   # "" is how Terraform spells unset: the provider then auto-names or omits it
            yield f"shorter than {low}", "a" * (low - 1)
        if "pattern" in node:
            for candidate in _PATTERN_BREAKERS:
                if low <= len(candidate) <= (high or 10**6) and not regex.search(node["pattern"], candidate):
                    yield f"breaks the pattern {node['pattern']}", candidate
    if {"integer", "number"} & set(kinds):
        if "minimum" in node:
            yield f"below {node['minimum']}", node["minimum"] - 1
        if "maximum" in node:
            yield f"above {node['maximum']}", node["maximum"] + 1


def _set(doc: dict, path: str, value: Any) -> dict:
    doc = copy.deepcopy(doc)
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        if part.endswith("[]"):
            node = node.setdefault(part[:-2], [{}])[0]
        else:
            node = node.setdefault(part, {})
    last = parts[-1]
    if last.endswith("[]"):
        node[last[:-2]] = [value]
    else:
        node[last] = value
    return doc


def _failures(type_: str, inputs: dict) -> list[str]:
    result = rules.check(type_, "x", f"urn:pulumi:dev::p::{type_}::x", {}, inputs, b"seed", False,
                         rules.Env(provider_region="us-east-2"))
    return [prop for prop, _ in result.failures]


def _cases():
    for type_, (cfn_type, valid, paths) in CFN.items():
        for path, cfn_path in paths.items():
            if cfn_path is None or path == "tags":
                continue
            for what, value in refused_values(_at(cfn_type, cfn_path)):
                yield pytest.param(type_, valid, path, value, id=f"{type_.split(':')[-1]}.{path} {what}"[:120])


@pytest.mark.parametrize("type_", sorted(CFN))
def test_the_valid_resource_of_each_type_is_accepted(type_):
    assert _failures(type_, CFN[type_][1]) == []


@pytest.mark.parametrize("type_,valid,path,value", list(_cases()))
def test_the_stand_in_refuses_what_the_schema_refuses(type_, valid, path, value):
    if (type_, path) in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[(type_, path)])
    top = path.split(".")[0].split("[")[0]
    assert top in _failures(type_, _set(valid, path, value)), f"{type_}.{path} = {value!r} was accepted"


@pytest.mark.parametrize("type_", sorted(t for t, (_, _, paths) in CFN.items() if "tags" in paths))
def test_tags_the_schema_refuses_are_refused(type_):
    cfn_type, valid, _ = CFN[type_]
    tags = _at(cfn_type, "Tags")
    item = _resolve(tags["items"], _schema(cfn_type))
    refused = [{f"k{i}": "v" for i in range(tags.get("maxItems", 50) + 1)}]
    refused += [{key: "v"} for _, key in refused_values(_resolve(item["properties"]["Key"], _schema(cfn_type)))
                if key]
    refused += [{"k": value} for _, value in refused_values(_resolve(item["properties"]["Value"], _schema(cfn_type)))]
    for value in refused:
        assert "tags" in _failures(type_, {**valid, "tags": value}), (type_, value)


def test_alarm_dimensions_the_schema_refuses_are_refused():
    """Dimensions: at most 30; names 1-255, values 1-1024 characters (the schema's Name/Value list)."""
    type_ = "aws:cloudwatch/metricAlarm:MetricAlarm"
    valid = CFN[type_][1]
    for dimensions in ({f"d{i}": "v" for i in range(31)}, {"n" * 256: "v"}, {"RuleName": "v" * 1025},
                       {"RuleName": ""}):
        assert "dimensions" in _failures(type_, {**valid, "dimensions": dimensions}), dimensions
