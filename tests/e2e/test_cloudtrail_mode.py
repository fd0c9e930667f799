"""CloudTrail mode (the tutorial's design) on LocalStack, with the tutorial's own names (S3Event, S3StepFunctions,
Helloworld) set as stack config.

Substitute for AWS: the real Pulumi CLI + the stand-in aws provider's LocalStack backend + LocalStack 4.8.1, where the
trail is validated by the stand-in and reported to the engine as NOT created (a warning in `pulumi up`'s output).

EMULATOR-ONLY TECHNIQUE: LocalStack does not emulate CloudTrail, so no trail delivers S3 data events here. These
tests inject the events CloudTrail would deliver (the tutorial's "Example of Execution Input", with the deployed
bucket and a key) with EventBridge PutEvents. Real AWS refuses `aws.*` sources in PutEvents; on AWS the events come
from the trail. What this proves: the deployed rule and target turn such events into executions, and ignore the
others. What it does not prove: that the trail delivers them (checked locally: standin_aws.localstack.trail_problems,
see test_trail_validation.py).
"""
from __future__ import annotations

import json

import pytest

from tests.matcher import matches
from tests.s3_events import TUTORIAL_EVENT, cloudtrail_event

from botocore.exceptions import ClientError

from .helpers import (MATRIX_IDS, TRAIL_NOT_EMULATED, Executions, cloudtrail_input_for, deploy_tutorial, matrix_row,
                      put_cloudtrail_event, teardown, unique_key)

pytestmark = pytest.mark.emulator

STARTING = ("PutObject", "CompleteMultipartUpload", "CopyObject")
NOT_STARTING = ("GetObject", "DeleteObject", "UploadPart")


@pytest.fixture(scope="module")
def stack(endpoint):
    deployed = deploy_tutorial(endpoint, "e2e-cloudtrail", delivery="cloudtrail", forceDestroy="true",
                               trailName="S3Event", ruleName="S3StepFunctions", stateMachineName="Helloworld")
    yield deployed
    teardown(deployed)


@pytest.fixture(scope="module")
def injected(stack, aws):
    """Inject one CloudTrail event per case (emulator-only), plus a real upload, and collect the executions."""
    events = aws("events")
    cases: dict[str, tuple[str, str, str]] = {}  # case -> (bucket, key, eventName)
    for name in STARTING + NOT_STARTING:
        cases[name] = (stack.bucket, unique_key("test.png"), name)
    cases["other-bucket"] = (f"{stack.bucket}-2", unique_key("test.png"), "PutObject")
    for bucket, key, name in cases.values():
        put_cloudtrail_event(events, cloudtrail_event(bucket, key, name, region=stack.region))
    # A real upload: with no CloudTrail in the emulator, nothing delivers an event for it.
    real_key = unique_key("real-upload.png")
    aws("s3").put_object(Bucket=stack.bucket, Key=real_key, Body=b"x")
    predicates = {case: cloudtrail_input_for(*args) for case, args in cases.items()}
    predicates["real-upload"] = lambda i: real_key in json.dumps(i)
    return Executions(aws("stepfunctions"), stack.state_machine_arn).wait_all(predicates, expect_some=set(STARTING))


def test_the_trail_is_validated_and_reported_not_emulated(stack, aws):
    # The engine's own output carries the stand-in provider's warning for the trail, naming it.
    warnings = [line for line in stack.up.output.splitlines() if TRAIL_NOT_EMULATED in line]
    assert warnings and all("stand-in aws provider, tutorial-trail:" in w and "NOT created" in w for w in warnings)
    assert stack.outputs["trailName"] == "S3Event"
    trail = stack.resource("aws:cloudtrail/trail:Trail", "tutorial-trail")
    assert trail["id"] == trail["outputs"]["arn"] == f"arn:aws:cloudtrail:{stack.region}:000000000000:trail/S3Event"
    selectors = trail["outputs"]["advancedEventSelectors"][0]["fieldSelectors"]
    assert {"field": "resources.ARN", "startsWiths": [f"arn:aws:s3:::{stack.bucket}/"]} in selectors
    # Nothing was created in LocalStack: it has no CloudTrail.
    with pytest.raises(ClientError):
        aws("cloudtrail").describe_trails()
    # The log bucket, its policy (which CloudTrail would need) and the rule exist for real.
    logs = stack.resource("aws:s3/bucket:Bucket", "tutorial-trail-logs")["id"]
    policy = json.loads(aws("s3").get_bucket_policy(Bucket=logs)["Policy"])
    assert any(s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"} for s in policy["Statement"])
    assert stack.rule_name == "S3StepFunctions"
    assert aws("events").describe_rule(Name=stack.rule_name)["State"] == "ENABLED"
    assert stack.state_machine_arn.endswith(":stateMachine:Helloworld")


@pytest.mark.parametrize("event_name", STARTING)
def test_an_object_creating_cloudtrail_event_starts_exactly_one_execution(injected, stack, event_name):
    found = injected[event_name]
    assert len(found) == 1, found
    (execution_input,) = found
    # The input is the event as CloudTrail delivers it, as in the tutorial's "Example of Execution Input".
    assert execution_input["detail-type"] == TUTORIAL_EVENT["detail-type"]
    assert execution_input["detail"]["eventName"] == event_name
    assert set(TUTORIAL_EVENT["detail"]) <= set(execution_input["detail"])


@pytest.mark.parametrize("case", NOT_STARTING + ("other-bucket",))
def test_other_cloudtrail_events_start_nothing(injected, case):
    assert injected[case] == []


def test_a_real_upload_starts_nothing_because_cloudtrail_is_not_emulated(injected):
    """Stated, not hidden: in CloudTrail mode on this emulator a real upload starts no execution."""
    assert injected["real-upload"] == []


@pytest.mark.parametrize("row_id", MATRIX_IDS)
def test_pattern_matrix(stack, aws, row_id):
    """The same events as in EventBridge mode, against this mode's deployed pattern."""
    pattern = aws("events").describe_rule(Name=stack.rule_name)["EventPattern"]
    event, _, expected = matrix_row(stack.bucket, row_id)
    emulator = aws("events").test_event_pattern(EventPattern=pattern, Event=json.dumps(event))["Result"]
    assert emulator is expected
    assert matches(pattern, event) is expected
