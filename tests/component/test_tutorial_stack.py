"""The tutorial stack (`__main__.py`) in its default configuration and with each config key.

Substitute used: the program runner (harness/runner.py), which runs the real program under Pulumi's mocks with the
config layered from Pulumi.yaml as the CLI layers it.
"""

import json
from pathlib import Path

import pytest

from harness.runner import UNKNOWN, run_program

ROOT = Path(__file__).resolve().parents[2]


def by_type(run, suffix):
    return [r for r in run.resources if r.type.endswith(suffix)]


@pytest.fixture(scope="module")
def default_run():
    return run_program(ROOT, preview=False)


def test_defaults_deploy_the_tutorial(default_run):
    run = default_run
    assert run.config["aws:region"] == "us-east-2"
    machine, = by_type(run, "sfn/stateMachine:StateMachine")
    assert machine.name == "Helloworld" and machine.inputs["name"] == "Helloworld"
    assert json.loads(machine.inputs["definition"])["States"]["Hello"]["Type"] == "Pass"
    trail, = by_type(run, "cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "S3Event"
    rule, = by_type(run, "eventRule:EventRule")
    assert rule.inputs["name"] == "S3StepFunctions"
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    assert "CompleteMultipartUpload" in pattern["detail"]["eventName"]
    assert all(r.provider_region == "us-east-2" for r in run.resources if r.custom and r.type.startswith("aws:")
               and not r.type.startswith("aws:iam"))
    assert run.outputs["stateMachineArn"] == "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
    assert run.outputs["ruleName"] == "S3StepFunctions" and run.outputs["trailName"] == "S3Event"
    assert run.outputs["bucketName"] == pattern["detail"]["requestParameters"]["bucketName"][0]


def test_target_role_starts_only_helloworld(default_run):
    policy, = by_type(default_run, "iam/rolePolicy:RolePolicy")
    assert json.loads(policy.inputs["policy"])["Statement"] == [{
        "Effect": "Allow", "Action": "states:StartExecution",
        "Resource": "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"}]


def test_config_keys_reach_the_component():
    run = run_program(ROOT, preview=False, config={
        "bucketName": "username-sfn-tutorial", "delivery": "eventbridge", "keyPrefix": "uploads/",
        "keySuffix": ".png", "inputFormat": "object", "forceDestroy": "true",
        "stateMachineArn": "arn:aws:states:us-east-2:123456789012:stateMachine:Mine"})
    assert not by_type(run, "sfn/stateMachine:StateMachine") and not by_type(run, "trail:Trail")
    bucket, = by_type(run, "s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == "username-sfn-tutorial" and bucket.inputs["forceDestroy"] is True
    assert by_type(run, "BucketNotification")[0].inputs["eventbridge"] is True
    rule, = by_type(run, "eventRule:EventRule")
    assert json.loads(rule.inputs["eventPattern"])["detail"]["object"] == {"key": [{"wildcard": "uploads/*.png"}]}
    target, = by_type(run, "eventTarget:EventTarget")
    assert target.inputs["arn"] == "arn:aws:states:us-east-2:123456789012:stateMachine:Mine"
    assert "inputTransformer" in target.inputs
    assert run.outputs.get("trailName") is None  # no trail in EventBridge mode


def test_preview_keeps_arns_unknown_but_the_pattern_known():
    run = run_program(ROOT, preview=True, config={"delivery": "eventbridge"})
    rule, = by_type(run, "eventRule:EventRule")
    bucket, = by_type(run, "s3/bucket:Bucket")
    assert bucket.outputs["arn"] == UNKNOWN
    assert json.loads(rule.inputs["eventPattern"])["detail"]["bucket"]["name"] == [bucket.outputs["bucket"]]
