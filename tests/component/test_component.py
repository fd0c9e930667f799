"""The component under Pulumi's mocks (`pulumi.runtime.set_mocks`): what it registers for each argument.

Substitute used: Pulumi mocks, in-process. Assertions run on recorded registrations after the program finished.
"""

import json

import pulumi
import pytest

from s3_triggered_state_machine import TYPE_TOKEN, S3TriggeredStateMachine
from tests.component.conftest import ACCOUNT, REGION, STATE_MACHINE_ARN, run_program

BUCKET_SETTINGS = ("BucketOwnershipControls", "BucketPublicAccessBlock",
                   "BucketServerSideEncryptionConfiguration", "BucketVersioning", "BucketLifecycleConfiguration",
                   "BucketPolicy")


def types(run):
    return sorted(r.type.rsplit(":", 1)[1] for r in run.resources)


def test_cloudtrail_mode_creates_the_tutorial_design(deploy):
    run = deploy({})
    assert types(run) == sorted([
        "S3TriggeredStateMachine", "Bucket", *BUCKET_SETTINGS, "Bucket", *BUCKET_SETTINGS,  # upload + trail logs
        "Trail", "EventRule", "EventTarget", "Role", "RolePolicy", "Queue", "QueuePolicy",
        "Topic", *["MetricAlarm"] * 6])  # the alarms (on by default) and their topic
    assert run.resources[0].type == TYPE_TOKEN and run.resources[0].name == "uploads"
    assert all(r.name.startswith("uploads") for r in run.resources)
    assert run.outputs["trail_name"] == "uploads-dev-trail"
    assert run.outputs["rule_name"] == "uploads-dev-rule"
    assert run.outputs["trail_arn"] == f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/uploads-dev-trail"
    assert run.outputs["log_bucket_name"] == run.named("uploads-trail-logs").outputs["bucket"]
    assert run.outputs["log_bucket_name"].startswith("uploads-trail-logs-")


def test_eventbridge_mode_has_notification_and_no_trail(deploy):
    run = deploy({"delivery": "eventbridge"})
    assert not run.of_type("Trail") and len(run.of_type(":Bucket")) == 1
    notification = run.one("BucketNotification")
    assert notification.inputs == {"bucket": run.outputs["bucket_name"], "eventbridge": True}
    assert run.outputs["trail_arn"] is None and run.outputs["trail_name"] is None
    assert run.outputs["log_bucket_name"] is None
    pattern = json.loads(run.outputs["event_pattern"])
    assert pattern["detail-type"] == ["Object Created"]
    assert pattern["detail"]["bucket"]["name"] == [run.outputs["bucket_name"]]


def test_upload_bucket_is_private_encrypted_versioned_tls_only(deploy):
    run = deploy({"bucket_name": "username-sfn-tutorial"})
    bucket = run.named("uploads-bucket")
    assert bucket.inputs == {"bucket": "username-sfn-tutorial", "forceDestroy": False}
    assert run.named("uploads-bucket-public-access-block").inputs == {
        "bucket": "username-sfn-tutorial", "blockPublicAcls": True, "blockPublicPolicy": True,
        "ignorePublicAcls": True, "restrictPublicBuckets": True}
    assert run.named("uploads-bucket-ownership").inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    assert run.named("uploads-bucket-encryption").inputs["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    assert run.named("uploads-bucket-versioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    policy = run.named("uploads-bucket-policy").json("policy")
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert policy["Statement"][0]["Resource"] == ["arn:aws:s3:::username-sfn-tutorial",
                                                  "arn:aws:s3:::username-sfn-tutorial/*"]
    assert run.outputs["bucket_name"] == "username-sfn-tutorial"
    assert run.outputs["bucket_arn"] == "arn:aws:s3:::username-sfn-tutorial"


def test_trail_logs_only_this_buckets_write_data_events(deploy):
    run = deploy({"bucket_name": "username-sfn-tutorial", "key_prefix": "uploads/", "trail_name": "S3Event"})
    trail = run.one("Trail").inputs
    assert trail["name"] == "S3Event"
    assert trail["isMultiRegionTrail"] is False and trail["includeGlobalServiceEvents"] is False
    assert trail["enableLogFileValidation"] is True and trail["enableLogging"] is True
    assert "eventSelectors" not in trail
    (selector,) = trail["advancedEventSelectors"]
    assert selector["fieldSelectors"] == [
        {"field": "eventCategory", "equals": ["Data"]},
        {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        {"field": "readOnly", "equals": ["false"]},
        {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject", "PostObject"]},
        {"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::username-sfn-tutorial/uploads/"]},
    ]
    logs = run.named("uploads-trail-logs")
    log_bucket = logs.outputs["bucket"]
    assert trail["s3BucketName"] == log_bucket != "username-sfn-tutorial"  # no feedback loop
    assert logs.inputs["forceDestroy"] is False
    policy = run.named("uploads-trail-logs-policy").json("policy")
    trail_arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/S3Event"
    assert [s["Sid"] for s in policy["Statement"]] == ["DenyInsecureTransport", "CloudTrailAclCheck",
                                                       "CloudTrailWrite"]
    assert policy["Statement"][2]["Resource"] == f"arn:aws:s3:::{log_bucket}/AWSLogs/{ACCOUNT}/*"
    assert all(s["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arn for s in policy["Statement"][1:])


def test_rule_role_target_and_dead_letter_queue(deploy):
    run = deploy({"bucket_name": "username-sfn-tutorial", "rule_name": "S3StepFunctions"})
    rule_arn = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/S3StepFunctions"
    rule = run.one("EventRule").inputs
    assert rule["name"] == "S3StepFunctions"
    assert json.loads(rule["eventPattern"])["detail"]["requestParameters"] == {
        "bucketName": ["username-sfn-tutorial"]}
    trust = run.one(":Role").json("assumeRolePolicy")
    assert trust["Statement"][0]["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT,
                                                                  "aws:SourceArn": rule_arn}
    assert run.one("RolePolicy").json("policy")["Statement"] == [
        {"Effect": "Allow", "Action": "states:StartExecution", "Resource": STATE_MACHINE_ARN}]
    target = run.one("EventTarget").inputs
    assert target["rule"] == "S3StepFunctions"
    assert target["arn"] == STATE_MACHINE_ARN
    role_name = run.one(":Role").outputs["name"]
    assert target["roleArn"] == run.outputs["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
    assert target["retryPolicy"] == {"maximumRetryAttempts": 185, "maximumEventAgeInSeconds": 86400}
    assert target["deadLetterConfig"] == {"arn": run.outputs["dead_letter_queue_arn"]}
    assert "inputTransformer" not in target
    queue = run.one(":Queue").inputs
    assert queue == {"sqsManagedSseEnabled": True, "messageRetentionSeconds": 1209600}
    queue_policy = run.one("QueuePolicy").json("policy")
    assert queue_policy["Statement"][0]["Condition"] == {"ArnEquals": {"aws:SourceArn": rule_arn}}
    assert queue_policy["Statement"][0]["Resource"] == run.outputs["dead_letter_queue_arn"]


def test_retry_settings_and_no_dead_letter_queue(deploy):
    run = deploy({"max_retry_attempts": 0, "max_event_age_seconds": 60, "dead_letter_queue": False})
    target = run.one("EventTarget").inputs
    assert target["retryPolicy"] == {"maximumRetryAttempts": 0, "maximumEventAgeInSeconds": 60}
    assert "deadLetterConfig" not in target and not run.of_type("Queue") and not run.of_type("QueuePolicy")
    assert run.outputs["dead_letter_queue_arn"] is None


@pytest.mark.parametrize("delivery,bucket_path", [("cloudtrail", "$.detail.requestParameters.bucketName"),
                                                  ("eventbridge", "$.detail.bucket.name")])
def test_object_input_format_uses_an_input_transformer(deploy, delivery, bucket_path):
    run = deploy({"delivery": delivery, "input_format": "object"})
    transformer = run.one("EventTarget").inputs["inputTransformer"]
    assert transformer["inputPaths"]["bucket"] == bucket_path
    template = transformer["inputTemplate"]
    for name in transformer["inputPaths"]:  # outside quotes each placeholder stands for one JSON value
        template = template.replace(f"<{name}>", "1")
    assert json.loads(template).keys() == {"bucket", "key", "size", "eventName", "eventTime", "region"}


def test_existing_role_is_used_and_none_is_created(deploy):
    role = f"arn:aws:iam::{ACCOUNT}:role/existing"
    run = deploy({"role_arn": role})
    assert not run.of_type(":Role") and not run.of_type("RolePolicy")
    assert run.one("EventTarget").inputs["roleArn"] == role == run.outputs["role_arn"]


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_existing_bucket_is_never_touched(deploy, delivery):
    run = deploy({"existing_bucket_name": "their-bucket", "delivery": delivery})
    upload_resources = [r for r in run.resources if r.name.startswith("uploads-bucket")]
    assert upload_resources == []
    assert not run.of_type("BucketNotification")
    assert run.outputs["bucket_name"] == "their-bucket" and run.outputs["bucket_arn"] == "arn:aws:s3:::their-bucket"
    if delivery == "cloudtrail":
        selectors = run.one("Trail").inputs["advancedEventSelectors"][0]["fieldSelectors"]
        assert selectors[-1] == {"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::their-bucket/"]}


def test_create_trail_false_uses_the_users_trail(deploy):
    run = deploy({"create_trail": False})
    assert not run.of_type("Trail") and len(run.of_type(":Bucket")) == 1
    assert run.outputs["trail_arn"] is None and run.outputs["log_bucket_name"] is None
    assert json.loads(run.outputs["event_pattern"])["detail-type"] == ["AWS API Call via CloudTrail"]


def test_event_names_subset(deploy):
    run = deploy({"event_names": ["PutObject", "CompleteMultipartUpload"]})
    assert json.loads(run.outputs["event_pattern"])["detail"]["eventName"] == ["PutObject",
                                                                               "CompleteMultipartUpload"]
    selectors = run.one("Trail").inputs["advancedEventSelectors"][0]["fieldSelectors"]
    assert {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload"]} in selectors


def test_key_suffix_narrows_the_rule(deploy):
    run = deploy({"key_prefix": "uploads/", "key_suffix": ".png"})
    assert json.loads(run.outputs["event_pattern"])["detail"]["requestParameters"]["key"] == [
        {"wildcard": "uploads/*.png"}]


def test_region_pins_every_regional_resource(deploy):
    arn = f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:Helloworld"
    run = deploy({"region": "eu-west-1", "state_machine_arn": arn})
    regional = [r for r in run.resources if r.type.startswith(("aws:s3", "aws:cloudtrail", "aws:cloudwatch",
                                                               "aws:sqs"))]
    assert regional and all(r.inputs.get("region") == "eu-west-1" for r in regional)
    assert all("region" not in r.inputs for r in run.of_type(":Role") + run.of_type("RolePolicy"))
    assert run.outputs["rule_arn"] == f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/uploads-dev-rule"


def test_force_destroy_and_tags(deploy):
    run = deploy({"force_destroy": True, "tags": {"team": "data"}})
    assert all(b.inputs["forceDestroy"] is True for b in run.of_type(":Bucket"))
    taggable = run.of_type(":Bucket") + run.of_type("Trail") + run.of_type("EventRule") + \
        run.of_type(":Role") + run.of_type(":Queue")
    assert len(taggable) == 6 and all(r.inputs["tags"] == {"team": "data"} for r in taggable)


def test_state_machine_arn_output_is_checked_at_deploy_time():
    """An ARN only known at deploy time (an Output) is checked there, as clearly as at construction."""
    wrong = pulumi.Output.from_input(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f")
    with pytest.raises(Exception, match=r"state_machine_arn.*service 'lambda', not 'states'"):
        run_program(lambda: S3TriggeredStateMachine("uploads", {"state_machine_arn": wrong}))


def test_preview_knows_the_pattern_of_an_auto_named_bucket(deploy):
    """In preview the provider auto-names the bucket, so the pattern is known before anything exists."""
    run = deploy({"delivery": "eventbridge"}, preview=True)
    rule = run.one("EventRule").inputs
    auto_named = run.named("uploads-bucket").outputs["bucket"]
    assert auto_named.startswith("uploads-bucket-")
    assert json.loads(rule["eventPattern"])["detail"]["bucket"]["name"] == [auto_named]


def test_reusable_from_another_program_with_a_plain_dict():
    from s3_triggered_state_machine import S3TriggeredStateMachine as Imported

    run = run_program(lambda: Imported("reused", dict(state_machine_arn=STATE_MACHINE_ARN, delivery="eventbridge")))
    assert run.resources[0].type == TYPE_TOKEN and run.one("EventRule").name == "reused-rule"


def test_account_partition_and_region_are_looked_up_once_per_program():
    """Synchronous invokes drain the SDK's queue; three per instance made large stacks quadratic."""
    def program():
        for i in range(3):
            S3TriggeredStateMachine(f"c{i}", {"state_machine_arn": STATE_MACHINE_ARN})

    run = run_program(program)
    assert len(run.of_type("EventRule")) == 3
    assert sorted(run.invokes) == sorted(["aws:index/getCallerIdentity:getCallerIdentity",
                                          "aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion"])


def test_an_explicit_provider_gets_its_own_lookup():
    import pulumi_aws as aws

    def program():
        S3TriggeredStateMachine("a", {"state_machine_arn": STATE_MACHINE_ARN})
        west = aws.Provider("west", region="us-east-2")
        S3TriggeredStateMachine("b", {"state_machine_arn": STATE_MACHINE_ARN}, pulumi.ResourceOptions(provider=west))

    run = run_program(program)
    assert run.invokes.count("aws:index/getRegion:getRegion") == 2


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_bucket_settings_are_applied_one_at_a_time(deploy, delivery):
    """S3 answers OperationAborted to concurrent configuration calls on one bucket: each setting waits for the one
    before it (the recorded registrations' dependencies), so no two ever run at once."""
    run = deploy({"delivery": delivery})
    buckets = ["uploads-bucket"] + (["uploads-trail-logs"] if delivery == "cloudtrail" else [])
    for bucket in buckets:
        steps = ["ownership", "public-access-block", "encryption", "versioning", "lifecycle"]
        if bucket == "uploads-bucket" and delivery == "eventbridge":
            steps.append("notification")
        chain = [bucket] + [f"{bucket}-{step}" for step in steps] + [f"{bucket}-policy"]
        configuring = {r.name for r in run.resources if r.name.startswith(bucket + "-")
                       and r.type.startswith("aws:s3/") and r.type != "aws:s3/bucket:Bucket"}
        assert configuring == set(chain[1:]), "every configuration resource of the bucket is in the chain"
        for previous, step in zip(chain, chain[1:]):
            registered = run.named(step)
            assert previous in registered.dependencies, f"{step} must depend on {previous}"
            assert registered.parent == "uploads"
        # and so, transitively, each waits for all before it: a total order, never two at once
        for i, step in enumerate(chain[2:], start=2):
            assert not set(chain[i + 1:]) & run.named(step).dependencies, f"{step} must not wait for a later step"
    if delivery == "cloudtrail":
        assert "uploads-trail-logs-policy" in run.named("uploads-trail").dependencies


@pytest.mark.parametrize("args,permissions", [
    ({}, {"uploads-role-start-execution", "uploads-dlq-policy"}),
    ({"dead_letter_queue": False}, {"uploads-role-start-execution"}),
    ({"role_arn": "arn:aws:iam::123456789012:role/given"}, {"uploads-dlq-policy"}),
])
def test_the_target_waits_for_the_permissions_it_relies_on(deploy, args, permissions):
    """Issue 18, point 4. EventBridge User Guide, "Event retry policy and using dead-letter queues": "for errors that
    result from missing permissions to a target ... Rather than retrying, EventBridge sends these events directly to
    the DLQ, if you have one." A target registered before the role's StartExecution policy loses its first events to
    the queue, and before the queue's policy loses them altogether: the target depends on both."""
    run = deploy(args)
    assert permissions <= run.one("eventTarget:EventTarget").dependencies


# -- an existing bucket in another region (issue 18, point 3; issue 22, point 5) -------------------------------
OTHER_REGION_BUCKETS = '{"theirs-in-ireland": "eu-west-1", "theirs-in-ohio": "us-east-2", "gone-bucket": null}'


@pytest.fixture
def bucket_regions(monkeypatch):
    """The offline stand-in answers aws.s3.getBucket from this declaration (standin_aws/offline.py)."""
    monkeypatch.setenv("S3TSM_OFFLINE_BUCKET_REGIONS", OTHER_REGION_BUCKETS)


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_a_known_existing_bucket_in_another_region_is_refused_before_anything_registers(bucket_regions, delivery):
    """A single-region trail's selectors log data events only in its own region, and CloudTrail-delivered events
    and S3's EventBridge notifications reach only rules in the bucket's region: deploy would succeed and nothing
    would ever fire. The bucket's region is looked up (aws.s3.getBucket's `bucketRegion`) and a mismatch refused."""
    from s3_triggered_state_machine import ArgumentError, S3TriggeredStateMachine
    from tests.component.conftest import Run

    run = Run()
    with pytest.raises(ArgumentError) as raised:
        run_program(lambda: S3TriggeredStateMachine("uploads", {
            "state_machine_arn": STATE_MACHINE_ARN, "existing_bucket_name": "theirs-in-ireland",
            "delivery": delivery}), run=run)
    assert run.resources == []
    message = str(raised.value)
    assert "`existing_bucket_name` = 'theirs-in-ireland'" in message
    assert "region 'eu-west-1', but the trigger is in 'us-east-2'" in message
    assert "aws:s3/getBucket:getBucket" in run.invokes


def test_a_known_existing_bucket_in_the_trigger_region_is_used(bucket_regions, deploy):
    run = deploy({"existing_bucket_name": "theirs-in-ohio"})
    assert run.outputs["bucket_name"] == "theirs-in-ohio"


def _with_output_bucket(name: str):
    """The component with `existing_bucket_name` an Output (known only at deploy time in a real preview)."""
    from s3_triggered_state_machine import S3TriggeredStateMachine

    def build():
        return S3TriggeredStateMachine("uploads", {"state_machine_arn": STATE_MACHINE_ARN,
                                                   "existing_bucket_name": pulumi.Output.from_input(name)})
    return build


def test_an_output_bucket_name_is_accepted_and_reaches_the_pattern(bucket_regions):
    run = run_program(_with_output_bucket("theirs-in-ohio"))
    assert run.outputs["bucket_name"] == "theirs-in-ohio"
    assert json.loads(run.outputs["event_pattern"])["detail"]["requestParameters"]["bucketName"] == ["theirs-in-ohio"]
    assert "aws:s3/getBucket:getBucket" in run.invokes


@pytest.mark.parametrize("name,phrase", [
    ("theirs-in-ireland", "region 'eu-west-1', but the trigger is in 'us-east-2'"),
    ("Their_Bucket", "lowercase"),
    ("gone-bucket", "NoSuchBucket"),
])
def test_an_output_bucket_name_is_checked_at_deploy_time(bucket_regions, name, phrase):
    with pytest.raises(Exception) as raised:
        run_program(_with_output_bucket(name))
    assert phrase in str(raised.value), str(raised.value)
