"""harness.mock_outputs: the output rules table against the formats AWS documents.

Expected formats (the regexes below), from AWS documentation:
* S3 bucket: ``arn:aws:s3:::bucket_name`` (Amazon S3 User Guide, "Policy resources"); the provider's id is the name.
* CloudTrail trail: ``arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail`` (CloudTrail API Reference,
  CloudTrailARNInvalidException: "The following is the format of a trail ARN").
* EventBridge rule: ``arn:aws:events:region:account:rule/[event-bus-name]/rule-name`` (EventBridge User Guide,
  "Managing access permissions to your Amazon EventBridge resources"; no bus segment on the default bus).
* IAM role: ``arn:partition:iam::account:role/role-name-with-path``, no region (IAM User Guide, "IAM identifiers").
* Step Functions state machine: ``arn:<partition>:states:<region>:<account-id>:stateMachine:<myStateMachine>``
  (Step Functions API Reference, StartExecution stateMachineArn).
* SQS queue: ``arn:aws:sqs:region:account_id:queue_name`` and URL ``https://sqs.region.amazonaws.com/account_id/
  queue_name`` (Amazon SQS Developer Guide, "Amazon SQS queue and message identifiers").
"""

from __future__ import annotations

import re

import pytest

from harness.mock_outputs import ACCOUNT_ID, RULES, MockBackend, auto_name
from harness.runner import UNKNOWN, ResourceRequest

REGION = "us-east-2"
ACCOUNT = r"\d{12}"
DOCUMENTED = {
    "aws:s3/bucket:Bucket": ("arn", r"arn:aws:s3:::(?P<name>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])"),
    "aws:cloudtrail/trail:Trail": ("arn", rf"arn:aws:cloudtrail:(?P<region>[a-z0-9-]+):{ACCOUNT}:trail/(?P<name>[A-Za-z0-9._-]+)"),
    "aws:cloudwatch/eventRule:EventRule": ("arn", rf"arn:aws:events:(?P<region>[a-z0-9-]+):{ACCOUNT}:rule/(?P<name>[A-Za-z0-9._-]+)"),
    "aws:iam/role:Role": ("arn", rf"arn:aws:iam::{ACCOUNT}:role/(?P<name>[A-Za-z0-9+=,.@_-]+)"),
    "aws:sfn/stateMachine:StateMachine": ("arn", rf"arn:aws:states:(?P<region>[a-z0-9-]+):{ACCOUNT}:stateMachine:(?P<name>[A-Za-z0-9_-]+)"),
    "aws:sqs/queue:Queue": ("arn", rf"arn:aws:sqs:(?P<region>[a-z0-9-]+):{ACCOUNT}:(?P<name>[A-Za-z0-9_-]+)"),
}
QUEUE_URL = rf"https://sqs\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/{ACCOUNT}/(?P<name>[A-Za-z0-9_-]+)"
NAME_FIELD = {"aws:s3/bucket:Bucket": "bucket"}

CONTRACT_TYPES = [
    "aws:s3/bucket:Bucket", "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketNotification:BucketNotification", "aws:cloudtrail/trail:Trail",
    "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget", "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy", "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sfn/stateMachine:StateMachine",
]


def request(type_: str, name: str, inputs: dict | None = None, region: str | None = REGION) -> ResourceRequest:
    return ResourceRequest(type=type_, name=name, urn=f"urn:pulumi:dev::p::{type_}::{name}", inputs=dict(inputs or {}),
                           region=None if type_.startswith("aws:iam/") else region, custom=True, parent=None,
                           provider=None)


def create(type_: str, name: str, inputs: dict | None = None, preview: bool = False, region: str = REGION):
    backend = MockBackend()
    req = request(type_, name, inputs, region)
    req.inputs = backend.check(req, preview)
    return backend.create(req, preview)


def test_every_contract_type_has_a_rule():
    assert set(CONTRACT_TYPES) <= set(RULES)


@pytest.mark.parametrize("type_", sorted(DOCUMENTED))
def test_arns_match_the_documented_format_with_region_and_account(type_):
    key, pattern = DOCUMENTED[type_]
    res_id, outputs = create(type_, "thing")
    match = re.fullmatch(pattern, outputs[key])
    assert match, f"{type_}: {outputs[key]!r} does not match {pattern}"
    name_field = NAME_FIELD.get(type_, "name")
    assert match.group("name") == outputs[name_field]
    if "region" in match.groupdict():
        assert match.group("region") == REGION
    assert ACCOUNT_ID in outputs[key] or type_ == "aws:s3/bucket:Bucket"


def test_arns_follow_the_region_of_the_resource():
    _, outputs = create("aws:sfn/stateMachine:StateMachine", "m", region="eu-west-1")
    assert outputs["arn"].startswith("arn:aws:states:eu-west-1:123456789012:stateMachine:m-")
    assert outputs["region"] == "eu-west-1"
    _, cn = create("aws:sqs/queue:Queue", "q", region="cn-north-1")
    assert cn["arn"].startswith("arn:aws-cn:sqs:cn-north-1:") and ".amazonaws.com.cn/" in cn["url"]


def test_queue_url_and_id():
    res_id, outputs = create("aws:sqs/queue:Queue", "dlq")
    match = re.fullmatch(QUEUE_URL, outputs["url"])
    assert match and match.group("name") == outputs["name"] and match.group("region") == REGION
    assert res_id == outputs["url"]  # the provider's id for a queue is its URL


@pytest.mark.parametrize("type_,field,expected_id", [
    ("aws:s3/bucket:Bucket", "bucket", "name"),
    ("aws:cloudwatch/eventRule:EventRule", "name", "name"),
    ("aws:iam/role:Role", "name", "name"),
    ("aws:sfn/stateMachine:StateMachine", "name", "arn"),
    ("aws:cloudtrail/trail:Trail", "name", "arn"),
])
def test_ids_as_the_provider_sets_them(type_, field, expected_id):
    res_id, outputs = create(type_, "thing")
    assert res_id == (outputs[field] if expected_id == "name" else outputs["arn"])


@pytest.mark.parametrize("type_", ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPolicy:BucketPolicy",
                                   "aws:s3/bucketNotification:BucketNotification",
                                   "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"])
def test_bucket_sub_resources_are_identified_by_the_bucket(type_):
    res_id, outputs = create(type_, "sub", {"bucket": "my-bucket"})
    assert res_id == "my-bucket" and outputs["bucket"] == "my-bucket"


def test_role_policy_and_target_ids():
    res_id, _ = create("aws:iam/rolePolicy:RolePolicy", "p", {"role": "r-1", "name": "inline", "policy": "{}"})
    assert res_id == "r-1:inline"
    res_id, outputs = create("aws:cloudwatch/eventTarget:EventTarget", "t", {"rule": "my-rule", "arn": "arn:x"})
    assert re.fullmatch(r"terraform-\d{26}", outputs["targetId"])
    assert res_id == f"my-rule-{outputs['targetId']}"


@pytest.mark.parametrize("type_,field", [
    ("aws:s3/bucket:Bucket", "bucket"), ("aws:cloudtrail/trail:Trail", "name"),
    ("aws:cloudwatch/eventRule:EventRule", "name"), ("aws:iam/role:Role", "name"),
    ("aws:iam/rolePolicy:RolePolicy", "name"), ("aws:sqs/queue:Queue", "name"),
    ("aws:sfn/stateMachine:StateMachine", "name"),
])
def test_auto_names_where_the_provider_auto_names(type_, field):
    _, outputs = create(type_, "My-Thing", {"role": "r", "policy": "{}"} if "rolePolicy" in type_ else None)
    expected_base = "my-thing" if type_ == "aws:s3/bucket:Bucket" else "My-Thing"  # bucket names are lower-cased
    assert re.fullmatch(rf"{expected_base}-[0-9a-f]{{7}}", outputs[field])
    # A given name is kept.
    _, given = create(type_, "x", {field: "explicit", "role": "r", "policy": "{}"})
    assert given[field] == "explicit"


def test_types_that_are_not_auto_named():
    for type_ in ("aws:s3/bucketPolicy:BucketPolicy", "aws:sqs/queuePolicy:QueuePolicy",
                  "aws:cloudwatch/eventTarget:EventTarget"):
        assert RULES[type_].auto_name is None


def test_auto_name_is_deterministic_and_bounded():
    a = auto_name("n", "urn:1")
    assert a == auto_name("n", "urn:1") and a != auto_name("n", "urn:2")
    long = auto_name("x" * 100, "urn:1", max_length=63)
    assert len(long) == 63
    fifo = create("aws:sqs/queue:Queue", "q", {"fifoQueue": True})[1]["name"]
    assert fifo.endswith(".fifo")


def test_preview_leaves_ids_and_arns_unknown_but_inputs_and_names_known():
    res_id, outputs = create("aws:sfn/stateMachine:StateMachine", "m", {"definition": "{}", "roleArn": "arn:r"},
                             preview=True)
    assert res_id == ""
    assert outputs["arn"] == UNKNOWN and outputs["status"] == UNKNOWN
    assert outputs["definition"] == "{}" and outputs["roleArn"] == "arn:r"
    assert re.fullmatch(r"m-[0-9a-f]{7}", outputs["name"])
    assert outputs["type"] == "STANDARD"  # a schema default, applied by the provider's Check


def test_schema_defaults_are_applied_but_do_not_override():
    _, trail = create("aws:cloudtrail/trail:Trail", "t", {"s3BucketName": "logs"})
    assert trail["enableLogging"] is True and trail["isMultiRegionTrail"] is False
    _, off = create("aws:cloudtrail/trail:Trail", "t", {"s3BucketName": "logs", "enableLogging": False})
    assert off["enableLogging"] is False


def test_name_prefix_is_unknown_in_preview():
    _, outputs = create("aws:iam/role:Role", "r", {"namePrefix": "svc-"}, preview=True)
    assert outputs["name"] == UNKNOWN
    _, outputs = create("aws:iam/role:Role", "r", {"namePrefix": "svc-"})
    assert outputs["name"].startswith("svc-")


def test_generic_fallback_copies_inputs_without_inventing_an_arn():
    res_id, outputs = create("aws:lambda/function:Function", "fn", {"runtime": "python3.12"})
    assert outputs["runtime"] == "python3.12" and "arn" not in outputs
    assert re.fullmatch(r"fn-[0-9a-f]{7}", res_id)
    assert create("aws:lambda/function:Function", "fn", preview=True)[0] == ""


def test_invokes():
    backend = MockBackend()
    ident = backend.invoke("aws:index/getCallerIdentity:getCallerIdentity", {}, REGION)
    assert ident["accountId"] == "123456789012" and re.fullmatch(r"arn:aws:iam::\d{12}:user/.+", ident["arn"])
    assert backend.invoke("aws:index/getPartition:getPartition", {}, REGION) == {
        "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"}
    region = backend.invoke("aws:index/getRegion:getRegion", {}, "eu-west-1")
    assert region["region"] == region["name"] == "eu-west-1"
    assert backend.invoke("aws:index/getRegion:getRegion", {"region": "ap-south-1"}, REGION)["region"] == "ap-south-1"
    with pytest.raises(NotImplementedError, match="getAvailabilityZones"):
        backend.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}, REGION)
