"""The dead-letter queue and the retry policy: what LocalStack 4.8.1 can and cannot show.

Shown: the target carries the retry policy and the queue as its dead-letter config; the queue's policy lets only
EventBridge, for this rule (the ARN LocalStack gave it), send to it; a delivery failure reaches the target stage.
Not shown: that the failed event lands in the queue. LocalStack 4.8.1 stores RetryPolicy and DeadLetterConfig but
on a failed delivery only logs TargetDeliveryFailure (services/events/provider.py); it neither retries nor sends to
the DLQ. The test asks, and skips with that reason when no message arrives.

Substitute for AWS: the real Pulumi CLI + the stand-in aws provider's LocalStack backend + LocalStack 4.8.1; a real
upload, delivered by LocalStack (no injection).
"""
from __future__ import annotations

import json
import time

import pytest

from .helpers import deploy_tutorial, teardown, unique_key

pytestmark = pytest.mark.emulator

# "If a target resource no longer exists, no retry attempts will happen ... EventBridge sends these events directly to
# the target DLQ" (EventBridge user guide, dead-letter queues). So a few seconds are plenty.
DLQ_WAIT = 8.0
DLQ_GRACE = 2.0  # once the failed delivery is logged, how much longer to wait for the DLQ message


@pytest.fixture(scope="module")
def stack(endpoint):
    deployed = deploy_tutorial(endpoint, "e2e-dlq", delivery="eventbridge", forceDestroy="true")
    yield deployed
    teardown(deployed)


def test_the_target_and_the_queue_are_wired_as_deployed(stack, aws):
    events, sqs = aws("events"), aws("sqs")
    rule_arn = events.describe_rule(Name=stack.rule_name)["Arn"]
    (target,) = events.list_targets_by_rule(Rule=stack.rule_name)["Targets"]
    assert target["DeadLetterConfig"] == {"Arn": stack.outputs["deadLetterQueueArn"]}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    url = stack.resource("aws:sqs/queue:Queue", "tutorial-dlq")["outputs"]["url"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == stack.outputs["deadLetterQueueArn"]
    assert attrs["MessageRetentionPeriod"] == "1209600"
    (allow,) = [s for s in json.loads(attrs["Policy"])["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": rule_arn}}


def test_an_event_for_a_deleted_state_machine_reaches_the_dead_letter_queue(stack, aws, localstack):
    sfn, sqs = aws("stepfunctions"), aws("sqs")
    sfn.delete_state_machine(stateMachineArn=stack.state_machine_arn)  # out of band: the target now points nowhere
    key = unique_key("orphan.png")
    aws("s3").put_object(Bucket=stack.bucket, Key=key, Body=b"x")
    url = stack.resource("aws:sqs/queue:Queue", "tutorial-dlq")["outputs"]["url"]
    target_id = stack.resource("aws:cloudwatch/eventTarget:EventTarget", "tutorial-target")["outputs"]["targetId"]

    def delivery_failures() -> list[str]:
        return [line for line in localstack.log_path.read_text(errors="replace").splitlines()
                if f"Failed to deliver to target {target_id}" in line]

    deadline = time.monotonic() + DLQ_WAIT
    failed_at = None
    messages: list = []
    while time.monotonic() < deadline and not messages:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if failed_at is None and delivery_failures():
            failed_at = time.monotonic()
        if failed_at is not None and time.monotonic() - failed_at > DLQ_GRACE:
            break
    if messages:
        body = json.loads(messages[0]["Body"])
        assert body["detail"]["object"]["key"] == key
        assert "ERROR_CODE" in messages[0].get("MessageAttributes", {})
        return
    failures = delivery_failures()
    # What can be shown: the event matched the rule, and delivery to the deleted state machine failed.
    assert any("StateMachineDoesNotExist" in line for line in failures), failures
    pytest.skip(f"LocalStack 4.8.1 does not implement target dead-letter queues or retries: the failed delivery was "
                f"logged (TargetDeliveryFailure, StateMachineDoesNotExist) but nothing reached the DLQ "
                f"within {DLQ_GRACE:.0f}s of it. On AWS this non-retriable error sends the event straight to the "
                f"DLQ with RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE attributes; verify it on a real account.")
