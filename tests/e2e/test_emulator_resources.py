"""The stand-in aws provider's LocalStack backend (standin_aws/localstack.py, LocalStackBackend), one resource type at
a time, against a live LocalStack: each create makes the real resource (read back here with boto3, independently of
the backend) and returns LocalStack's real ids and ARNs under the provider's output names. Unknown types and
untranslated inputs are errors; a trail is validated and reported as not emulated, never created.

Substitute: no engine here. These are unit-level checks of the backend the real CLI drives in every other e2e module:
inputs are checked as the provider's Check does (standin_aws.rules.check), then handed to `backend.create`, as the
provider's Create does; LocalStack 4.8.1 is the AWS stand-in.
"""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from s3_triggered_state_machine.bucket import cloudtrail_log_bucket_policy
from standin_aws import rules
from standin_aws.backend import StandInError
from standin_aws.localstack import LocalStackBackend, TrailValidationError

from .helpers import REGION

pytestmark = pytest.mark.emulator

ACCOUNT = "000000000000"  # LocalStack's default account


class Backend:
    """A LocalStackBackend that remembers what it created (to delete it at the end) and the warnings it gave."""

    def __init__(self, endpoint: str):
        self.warnings: list[tuple[str, str]] = []
        self.backend = LocalStackBackend(endpoint, warn=lambda name, msg: self.warnings.append((name, msg)))
        self.backend.configure(REGION)
        self.created: list[tuple[str, str, str, dict, str]] = []  # (type, name, id, outputs, region)

    def make(self, type_: str, name: str, /, _checked: bool = True, **inputs) -> tuple[str, dict]:
        """Check then create, as the stand-in provider does (a Check failure is an assertion error here, unless
        `_checked=False`: then the inputs reach the backend as they are, to show what the backend itself refuses)."""
        checked = rules.check(type_, name, f"urn:pulumi:e2e::p::{type_}::{name}", {}, inputs, b"seed",
                              preview=False)
        if _checked:
            assert checked.failures == [], checked.failures
        region = REGION if rules.rule_for(type_).regional else "us-east-1"
        res_id, out = self.backend.create(type_, name, checked.inputs, region)
        self.created.append((type_, name, res_id, out, region))
        return res_id, out

    def delete_all(self) -> None:
        for type_, name, res_id, out, region in reversed(self.created):
            self.backend.delete(type_, name, res_id, out, region)
        self.created.clear()


@pytest.fixture(scope="module")
def backend(endpoint):
    be = Backend(endpoint)
    yield be
    be.delete_all()


def make(backend: Backend, type_: str, name: str, /, **inputs):
    return backend.make(type_, name, **inputs)


@pytest.fixture(scope="module")
def bucket(backend):
    bucket_id, out = make(backend, "aws:s3/bucket:Bucket", "res-bucket", forceDestroy=True)
    return bucket_id, out


def test_bucket(bucket, aws):
    bucket_id, out = bucket
    assert bucket_id == out["bucket"] and bucket_id.startswith("res-bucket-") and len(bucket_id) == len("res-bucket-") + 7
    assert out["arn"] == f"arn:aws:s3:::{bucket_id}"
    assert out["bucketRegion"] == REGION and out["region"] == REGION
    assert aws("s3").get_bucket_location(Bucket=bucket_id)["LocationConstraint"] == REGION


def test_bucket_settings(backend, bucket, aws):
    s3 = aws("s3")
    name = bucket[0]
    assert make(backend, "aws:s3/bucketVersioning:BucketVersioning", "res-ver", bucket=name,
                versioningConfiguration={"status": "Enabled"})[0] == name
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    make(backend, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "res-sse",
         bucket=name, rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": True}])
    rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    make(backend, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "res-pab", bucket=name,
         blockPublicAcls=True, blockPublicPolicy=True, ignorePublicAcls=True, restrictPublicBuckets=False)
    assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": False}
    make(backend, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "res-own", bucket=name,
         rule={"objectOwnership": "BucketOwnerEnforced"})
    assert s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
              "Resource": [f"arn:aws:s3:::{name}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    make(backend, "aws:s3/bucketPolicy:BucketPolicy", "res-policy", bucket=name, policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=name)["Policy"]) == policy
    make(backend, "aws:s3/bucketNotification:BucketNotification", "res-notify", bucket=name, eventbridge=True)
    assert s3.get_bucket_notification_configuration(Bucket=name)["EventBridgeConfiguration"] == {}


def test_role_and_inline_policy(backend, aws):
    iam = aws("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
             "Action": "sts:AssumeRole"}]}
    role_id, out = make(backend, "aws:iam/role:Role", "res-role", assumeRolePolicy=json.dumps(trust),
                        description="test role", tags={"team": "e2e"})
    role = iam.get_role(RoleName=role_id)["Role"]
    assert out["arn"] == role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/{role_id}"
    assert out["uniqueId"] == role["RoleId"] and out["name"] == role_id
    assert "region" not in out  # IAM is global
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution",
           "Resource": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:x"}]}
    policy_id, pout = make(backend, "aws:iam/rolePolicy:RolePolicy", "res-role-policy", role=role_id,
                           policy=json.dumps(doc))
    assert policy_id == f"{role_id}:{pout['name']}"
    got = iam.get_role_policy(RoleName=role_id, PolicyName=pout["name"])["PolicyDocument"]
    assert (json.loads(got) if isinstance(got, str) else got) == doc


def test_state_machine(backend, aws):
    definition = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}
    sm_id, out = make(backend, "aws:sfn/stateMachine:StateMachine", "res-sm", definition=json.dumps(definition),
                      roleArn=f"arn:aws:iam::{ACCOUNT}:role/anything")
    desc = aws("stepfunctions").describe_state_machine(stateMachineArn=sm_id)
    assert sm_id == out["arn"] == desc["stateMachineArn"]
    assert out["arn"] == f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{out['name']}"
    assert json.loads(desc["definition"]) == definition and out["status"] == "ACTIVE"


def test_queue_and_queue_policy(backend, aws):
    sqs = aws("sqs")
    url, out = make(backend, "aws:sqs/queue:Queue", "res-dlq", messageRetentionSeconds=1209600, sqsManagedSseEnabled=True)
    assert url == out["url"] and out["arn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{out['name']}"
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == out["arn"] and attrs["MessageRetentionPeriod"] == "1209600"
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
              "Action": "sqs:SendMessage", "Resource": out["arn"]}]}
    assert make(backend, "aws:sqs/queuePolicy:QueuePolicy", "res-dlq-policy", queueUrl=url,
                policy=json.dumps(policy))[0] == url
    assert json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]) == policy


def test_rule_and_target_with_retry_policy_dead_letter_queue_and_input_transformer(backend, aws):
    events = aws("events")
    pattern = {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["b-x"]}}}
    rule_id, rout = make(backend, "aws:cloudwatch/eventRule:EventRule", "res-rule", eventPattern=json.dumps(pattern))
    assert rout["arn"] == events.describe_rule(Name=rule_id)["Arn"] == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule_id}"
    transformer = {"inputPaths": {"bucket": "$.detail.bucket.name"}, "inputTemplate": '{"bucket": "<bucket>"}'}
    target_id, tout = make(
        backend, "aws:cloudwatch/eventTarget:EventTarget", "res-target", rule=rule_id,
        arn=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:x", roleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
        retryPolicy={"maximumRetryAttempts": 3, "maximumEventAgeInSeconds": 120},
        deadLetterConfig={"arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"}, inputTransformer=transformer)
    assert target_id == f"{rule_id}-{tout['targetId']}" and tout["targetId"].startswith("res-target-")  # pulumi-aws auto-names it
    (target,) = events.list_targets_by_rule(Rule=rule_id)["Targets"]
    assert target == {
        "Id": tout["targetId"], "Arn": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:x",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 120},
        "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"},
        "InputTransformer": {"InputPathsMap": {"bucket": "$.detail.bucket.name"}, "InputTemplate": '{"bucket": "<bucket>"}'},
    }


def test_an_invalid_event_pattern_is_refused_as_aws_would(backend, aws):
    events = aws("events")
    bad = json.dumps({"source": "aws.s3"})  # a leaf that is not an array
    # LocalStack's PutRule accepts it (AWS does not) ...
    events.put_rule(Name="res-raw-invalid", EventPattern=bad)
    events.delete_rule(Name="res-raw-invalid")
    # ... so the provider's Check refuses it first, in both backends (LocalStack's rule engine, standin_aws/meaning.py),
    checked = rules.check("aws:cloudwatch/eventRule:EventRule", "res-bad-rule", "urn:pulumi:e2e::p::x::res-bad-rule",
                          {}, {"eventPattern": bad}, b"seed", preview=False)
    assert [prop for prop, _ in checked.failures] == ["eventPattern"]
    # ... and the backend still validates with TestEventPattern, which answers as AWS does.
    with pytest.raises(StandInError, match="refuses the event pattern"):
        make(backend, "aws:cloudwatch/eventRule:EventRule", "res-bad-rule", _checked=False, eventPattern=bad)


def test_an_unknown_resource_type_is_an_error_naming_it(backend):
    with pytest.raises(StandInError, match=r"aws:lambda/function:Function"):
        backend.backend.require_type("aws:lambda/function:Function", "res-fn")  # what the provider's Check asks first
    with pytest.raises(StandInError, match=r"aws:lambda/function:Function"):
        backend.backend.create("aws:lambda/function:Function", "res-fn", {"role": "r"}, REGION)


def test_an_input_the_backend_does_not_translate_is_an_error_naming_it(backend):
    with pytest.raises(StandInError, match=r"input\(s\) website"):
        make(backend, "aws:s3/bucket:Bucket", "res-website", website={"indexDocument": "index.html"})


def test_a_bucket_prefix_names_the_bucket(backend, aws):
    name, out = make(backend, "aws:s3/bucket:Bucket", "res-prefixed", bucketPrefix="res-prefix-", forceDestroy=True)
    assert name == out["bucket"] and name.startswith("res-prefix-") and len(name) > len("res-prefix-")
    aws("s3").head_bucket(Bucket=name)


def test_invokes_answer_from_the_emulator(backend):
    backend = backend.backend
    ident = backend.invoke("aws:index/getCallerIdentity:getCallerIdentity", {}, REGION)
    assert ident["accountId"] == ACCOUNT and ident["arn"].startswith(f"arn:aws:iam::{ACCOUNT}:")
    assert backend.invoke("aws:index/getPartition:getPartition", {}, REGION)["partition"] == "aws"
    assert backend.invoke("aws:index/getRegion:getRegion", {}, "eu-west-1")["region"] == "eu-west-1"
    # getBucket (the component's region check of an existing bucket) answers from GetBucketLocation: a bucket that
    # does not exist is S3's NoSuchBucket, named; an invoke the stand-in does not implement names its token.
    with pytest.raises(StandInError, match="NoSuchBucket.*'x'"):
        backend.invoke("aws:s3/getBucket:getBucket", {"bucket": "x"}, REGION)
    with pytest.raises(StandInError, match="aws:s3/getObject:getObject"):
        backend.invoke("aws:s3/getObject:getObject", {"bucket": "x", "key": "k"}, REGION)


def _trail_inputs(log_bucket: str, watched: str, **over) -> dict:
    inputs = {
        "name": "res-trail", "s3BucketName": log_bucket, "isMultiRegionTrail": False, "enableLogging": True,
        "advancedEventSelectors": [{"name": "s3", "fieldSelectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "readOnly", "equals": ["false"]},
            {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]},
            {"field": "resources.ARN", "startsWiths": [f"arn:aws:s3:::{watched}/"]}]}],
    }
    inputs.update(over)
    return inputs


@pytest.fixture(scope="module")
def log_bucket(backend):
    name, out = make(backend, "aws:s3/bucket:Bucket", "res-logs", forceDestroy=True)
    return name


def test_a_trail_is_validated_and_reported_not_emulated(backend, bucket, log_bucket, aws):
    trail_arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/res-trail"
    make(backend, "aws:s3/bucketPolicy:BucketPolicy", "res-logs-policy", bucket=log_bucket,
         policy=json.dumps(cloudtrail_log_bucket_policy(f"arn:aws:s3:::{log_bucket}", ACCOUNT, trail_arn)))
    trail_id, out = make(backend, "aws:cloudtrail/trail:Trail", "res-trail", **_trail_inputs(log_bucket, bucket[0]))
    assert trail_id == out["arn"] == trail_arn and out["homeRegion"] == REGION
    # Reported (the provider turns this into a warning in the engine's output), never silently faked.
    name, note = backend.warnings[-1]
    assert name == "res-trail" and "not emulated by LocalStack" in note and "NOT created" in note
    # Nothing was created: LocalStack has no CloudTrail to create it in.
    with pytest.raises(ClientError, match="not yet been emulated|not included"):
        aws("cloudtrail").describe_trails()


@pytest.mark.parametrize("case, over, message", [
    ("both-kinds", {"eventSelectors": [{"readWriteType": "WriteOnly", "includeManagementEvents": False,
                                        "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::x/"]}]}]},
     "never both"),
    ("bad-name", {"name": "my..trail"}, "trail name"),
    ("no-log-bucket", {"s3BucketName": "res-logs-does-not-exist-0000"}, "does not exist"),
])
def test_a_trail_cloudtrail_would_refuse_is_an_error(backend, bucket, log_bucket, case, over, message):
    # Refused by the backend even when the provider's Check lets it through (Check refuses a bad name earlier still).
    with pytest.raises(TrailValidationError, match=message):
        make(backend, "aws:cloudtrail/trail:Trail", f"res-bad-trail-{case}", _checked=False,
             **_trail_inputs(log_bucket, bucket[0], **over))


def test_the_providers_check_refuses_a_bad_trail_name_before_the_backend_sees_it():
    checked = rules.check("aws:cloudtrail/trail:Trail", "t", "urn:pulumi:e2e::p::aws:cloudtrail/trail:Trail::t", {},
                          {"name": "my..trail", "s3BucketName": "logs"}, b"seed", preview=False)
    assert [prop for prop, _ in checked.failures] == ["name"] and "trail names" in checked.failures[0][1]


def test_a_trail_whose_log_bucket_policy_names_another_trail_is_refused(backend, bucket, aws):
    logs, _ = make(backend, "aws:s3/bucket:Bucket", "res-logs-other", forceDestroy=True)
    other = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/someone-else"
    make(backend, "aws:s3/bucketPolicy:BucketPolicy", "res-logs-other-policy", bucket=logs,
         policy=json.dumps(cloudtrail_log_bucket_policy(f"arn:aws:s3:::{logs}", ACCOUNT, other)))
    with pytest.raises(TrailValidationError, match="does not allow cloudtrail.amazonaws.com s3:GetBucketAcl"):
        make(backend, "aws:cloudtrail/trail:Trail", "res-trail-other", **_trail_inputs(logs, bucket[0], name="res-trail-2"))
