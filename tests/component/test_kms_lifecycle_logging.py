"""Customer-managed keys, lifecycle rules, access logging, Helloworld's logs and traces (issue 14).

Substitutes: the pure functions are called directly; the component runs under Pulumi mocks (the stand-in provider's
rules table gives outputs and refuses what it refuses). The key policy statements are pinned here, statement by
statement, because LocalStack 4.8.1 does not enforce key policies: a key policy that would stop EventBridge or
CloudTrail on AWS still "works" there. They are also judged by the policy pack's own IAM evaluator (which does not
import the component), as AWS would evaluate them for each service's request.
"""

import json

import pytest

from s3_triggered_state_machine import kms, lifecycle, state_machine as sfn
from s3_triggered_state_machine.bucket import access_log_bucket_policy
from policies.s3_trigger.iam import evaluate, read_policy
from tests.component.conftest import ACCOUNT, REGION

KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
RULE = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/uploads-dev-rule"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/uploads-dev-trail"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/vendedlogs/states/Helloworld-dev"


# -- the key policy ------------------------------------------------------------------------------------------
def _allowed(policy: dict, service: str, action: str, context: dict) -> bool:
    statements = [s for s in read_policy(policy).statements
                  if isinstance(s.principal, dict) and s.principal.get("Service") == service]
    verdict, _ = evaluate(statements, action, [KEY], {k.lower(): v for k, v in context.items()})
    return verdict is True


POLICY = kms.key_policy("aws", ACCOUNT, rule_arns=[RULE], trail_arns=[TRAIL], alarms=True,
                        extra=[kms.cloudwatch_logs_statement("aws", REGION, ACCOUNT, [LOG_GROUP])])


def test_the_complete_key_policy_is_exactly_these_statements():
    """The README shows this policy; every Sid, principal, action and condition is pinned."""
    by_sid = {s["Sid"]: s for s in POLICY["Statement"]}
    assert list(by_sid) == ["AccountAdministersTheKey", "EventBridgeWritesTheDeadLetterQueue",
                            "CloudTrailEncryptsLogs", "CloudTrailDescribesTheKey", "CloudTrailUsesTheLogBucketKey",
                            "CloudWatchAlarmsNotifyTheTopic",
                            "CloudWatchLogsEncryptsLogGroups"]
    assert by_sid["AccountAdministersTheKey"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert by_sid["EventBridgeWritesTheDeadLetterQueue"] == {
        "Sid": "EventBridgeWritesTheDeadLetterQueue", "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:SourceArn": [RULE]}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    assert by_sid["CloudTrailEncryptsLogs"]["Action"] == "kms:GenerateDataKey*"
    assert by_sid["CloudTrailEncryptsLogs"]["Condition"] == {
        "StringEquals": {"aws:SourceArn": [TRAIL]},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}}
    assert by_sid["CloudWatchLogsEncryptsLogGroups"]["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert all(s["Resource"] == "*" for s in POLICY["Statement"])  # in a key policy, "*" is this key
    json.dumps(POLICY)  # a plain JSON document


@pytest.mark.parametrize("action", ["kms:GenerateDataKey", "kms:Decrypt"])
def test_eventbridge_may_write_the_dead_letter_queue_for_this_rule_only(action):
    context = {"aws:SourceArn": RULE, "aws:SourceAccount": ACCOUNT}
    assert _allowed(POLICY, "events.amazonaws.com", action, context)
    other_rule = dict(context, **{"aws:SourceArn": RULE.replace("uploads-dev-rule", "other")})
    assert not _allowed(POLICY, "events.amazonaws.com", action, other_rule), "the confused deputy"


def test_cloudtrail_may_encrypt_this_trails_logs_only():
    context = {"aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL}
    assert _allowed(POLICY, "cloudtrail.amazonaws.com", "kms:GenerateDataKey", context)
    assert _allowed(POLICY, "cloudtrail.amazonaws.com", "kms:DescribeKey", {"aws:SourceArn": TRAIL})
    other = TRAIL.replace("uploads-dev-trail", "other")
    assert not _allowed(POLICY, "cloudtrail.amazonaws.com", "kms:GenerateDataKey",
                        {"aws:SourceArn": other, "kms:EncryptionContext:aws:cloudtrail:arn": other})



@pytest.mark.parametrize("action", ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"])
def test_cloudtrail_may_use_the_log_buckets_bucket_key_for_this_trail_only(action):
    """Issue 18, point 2. CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail", required elements
    for trails: "Grant decrypt permissions for CloudTrail log files and digest files ... If you are using an existing
    S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create or update a trail with SSE-KMS
    encryption enabled." The log bucket is SSE-KMS with a Bucket Key under this key, so S3 asks KMS with the bucket's
    encryption context (`aws:s3:arn`), which the trail-context statement does not match."""
    bucket_key = {"aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::uploads-trail-logs-1"}
    assert _allowed(POLICY, "cloudtrail.amazonaws.com", action, bucket_key)
    other = dict(bucket_key, **{"aws:SourceArn": TRAIL.replace("uploads-dev-trail", "other")})
    assert not _allowed(POLICY, "cloudtrail.amazonaws.com", action, other), "the confused deputy"
    assert not _allowed(POLICY, "cloudtrail.amazonaws.com", "kms:Encrypt", bucket_key)


def test_a_policy_without_the_service_statements_lets_no_service_use_the_key():
    bare = kms.key_policy("aws", ACCOUNT)
    assert bare["Statement"] == [kms.account_root_statement("aws", ACCOUNT)]
    assert not _allowed(bare, "events.amazonaws.com", "kms:GenerateDataKey", {"aws:SourceArn": RULE})
    assert not _allowed(bare, "cloudtrail.amazonaws.com", "kms:GenerateDataKey",
                        {"aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL})


def test_only_what_is_used_gets_a_statement():
    assert kms.trigger_key_statements("aws", ACCOUNT) == []
    assert [s["Sid"] for s in kms.trigger_key_statements("aws", ACCOUNT, rule_arns=[RULE])] == [
        "EventBridgeWritesTheDeadLetterQueue"]


# -- the component with a key ----------------------------------------------------------------------------------
@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_a_key_encrypts_both_buckets_the_trail_the_queue_and_the_topic(deploy, delivery):
    run = deploy({"kms_key_arn": KEY, "delivery": delivery})
    for sse in run.of_type("BucketServerSideEncryptionConfiguration"):
        assert sse.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}, "bucketKeyEnabled": True}]
    assert len(run.of_type("BucketServerSideEncryptionConfiguration")) == (2 if delivery == "cloudtrail" else 1)
    queue = run.one("sqs/queue:Queue")
    assert queue.inputs["kmsMasterKeyId"] == KEY and "sqsManagedSseEnabled" not in queue.inputs
    assert run.one("sns/topic:Topic").inputs["kmsMasterKeyId"] == KEY
    if delivery == "cloudtrail":
        assert run.one("Trail").inputs["kmsKeyId"] == KEY


def test_without_a_key_nothing_changes_encryption(deploy):
    run = deploy({})
    for sse in run.of_type("BucketServerSideEncryptionConfiguration"):
        assert sse.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    assert run.one("sqs/queue:Queue").inputs["sqsManagedSseEnabled"] is True
    assert "kmsKeyId" not in run.one("Trail").inputs
    assert "kmsMasterKeyId" not in run.one("sns/topic:Topic").inputs


# -- lifecycle ------------------------------------------------------------------------------------------------
def test_upload_rules_never_expire_current_versions():
    rules = lifecycle.upload_bucket_rules(30)
    assert {r["id"] for r in rules} == {"abort-incomplete-multipart-uploads", "expire-noncurrent-versions"}
    noncurrent = next(r for r in rules if r["id"] == "expire-noncurrent-versions")
    assert noncurrent["noncurrent_version_expiration"] == {"noncurrent_days": 30}
    assert noncurrent["expiration"] == {"expired_object_delete_marker": True}, "no days: current versions stay"
    assert all(r["status"] == "Enabled" and r["filter"] == {} for r in rules)
    assert [r["id"] for r in lifecycle.upload_bucket_rules(0)] == ["abort-incomplete-multipart-uploads"]


def test_log_rules_expire_and_optionally_transition():
    rules = lifecycle.log_bucket_rules(365)
    logs = next(r for r in rules if r["id"] == "expire-logs")
    assert logs["expiration"] == {"days": 365} and logs["noncurrent_version_expiration"] == {"noncurrent_days": 1}
    assert "transitions" not in logs
    with_transition = next(r for r in lifecycle.log_bucket_rules(365, 90) if r["id"] == "expire-logs")
    assert with_transition["transitions"] == [{"days": 90, "storage_class": "GLACIER_IR"}]
    assert [r["id"] for r in lifecycle.log_bucket_rules(0)] == ["abort-incomplete-multipart-uploads"]


def test_lifecycle_is_on_by_default_and_accepted_by_the_stand_in(deploy):
    run = deploy({})
    configs = {r.name: r for r in run.of_type("BucketLifecycleConfiguration")}
    assert set(configs) == {"uploads-bucket-lifecycle", "uploads-trail-logs-lifecycle"}
    upload_rules = configs["uploads-bucket-lifecycle"].inputs["rules"]
    assert {"id": "expire-noncurrent-versions", "status": "Enabled", "filter": {},
            "noncurrentVersionExpiration": {"noncurrentDays": 30},
            "expiration": {"expiredObjectDeleteMarker": True}} in upload_rules
    assert any(r.get("expiration") == {"days": 365} for r in configs["uploads-trail-logs-lifecycle"].inputs["rules"])


def test_lifecycle_days_are_arguments(deploy):
    run = deploy({"noncurrent_version_expiration_days": 7, "log_expiration_days": 90, "log_transition_days": 30})
    rules = {r.name: r.inputs["rules"] for r in run.of_type("BucketLifecycleConfiguration")}
    assert any(r.get("noncurrentVersionExpiration") == {"noncurrentDays": 7} for r in rules["uploads-bucket-lifecycle"])
    logs = next(r for r in rules["uploads-trail-logs-lifecycle"] if r["id"] == "expire-logs")
    assert logs["expiration"] == {"days": 90}
    assert logs["transitions"] == [{"days": 30, "storageClass": "GLACIER_IR"}]


# -- access logging -------------------------------------------------------------------------------------------
def test_access_logs_go_to_a_bucket_that_is_never_logged(deploy):
    run = deploy({"access_logging": True, "kms_key_arn": KEY})
    logging = run.one("BucketLogging")
    assert logging.inputs["targetPrefix"] == "access-logs/"
    target = next(r for r in run.of_type("s3/bucket:Bucket") if r.name == "uploads-access-logs")
    assert logging.inputs["targetBucket"] == target.outputs["bucket"]
    assert logging.inputs["bucket"] == run.named("uploads-bucket").outputs["bucket"]
    assert len(run.of_type("BucketLogging")) == 1, "neither log bucket is logged"
    sse = run.named("uploads-access-logs-encryption")
    assert sse.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}], \
        "S3 server access logging cannot write into an SSE-KMS bucket"
    policy = run.named("uploads-access-logs-policy").json("policy")
    write = next(s for s in policy["Statement"] if s["Sid"] == "S3ServerAccessLogsWrite")
    assert write["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert write["Condition"]["ArnLike"]["aws:SourceArn"] == run.named("uploads-bucket").outputs["arn"]
    assert write["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    assert {"uploads-bucket-policy", "uploads-access-logs-policy"} <= logging.dependencies, \
        "after both buckets' configuration chains (S3's OperationAborted)"


def test_access_log_policy_is_scoped_to_the_prefix():
    policy = access_log_bucket_policy("arn:aws:s3:::logs", ACCOUNT, "arn:aws:s3:::uploads", "access-logs/")
    assert policy["Statement"][1]["Resource"] == "arn:aws:s3:::logs/access-logs/*"
    assert policy["Statement"][0]["Effect"] == "Deny"


def test_no_access_logging_by_default(deploy):
    assert deploy({}).of_type("BucketLogging") == []


# -- Helloworld's logs and traces -----------------------------------------------------------------------------
def test_logging_configuration_points_at_the_log_group_streams():
    config = sfn.logging_configuration("arn:aws:logs:us-east-2:1:log-group:/aws/vendedlogs/states/H")
    assert config == {"log_destination": "arn:aws:logs:us-east-2:1:log-group:/aws/vendedlogs/states/H:*",
                      "level": "ERROR", "include_execution_data": False}
    assert sfn.logging_configuration("x:*", "ALL", True)["log_destination"] == "x:*"
    assert sfn.tracing_configuration() == {"enabled": True}


def test_logging_settings_are_checked():
    assert sfn.logging_problem("ERROR", False) is None
    assert sfn.logging_problem("error", False)[0] == "level"
    assert sfn.logging_problem("ALL", "yes")[0] == "include_execution_data"


def test_the_role_may_deliver_logs_and_traces():
    actions = {a for s in sfn.logging_and_tracing_policy()["Statement"] for a in s["Action"]}
    assert {"logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeLogGroups",
            "xray:PutTraceSegments", "xray:GetSamplingTargets"} <= actions
