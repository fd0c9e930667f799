"""`inputFormat=object`: the execution input is the documented small document
`{"bucket", "key", "size", "eventName", "eventTime", "region"}` (size null in CloudTrail mode).

Two things are observed separately, because LocalStack 4.8.1 has a bug here:
* what EventBridge makes of a real S3 event with the deployed input transformer. EMULATOR-ONLY OBSERVATION: the test
  adds a second target, an SQS queue with the deployed target's own InputTransformer, to the deployed rule, and reads
  the transformed input from the queue (removed again afterwards);
* whether the Step Functions target starts an execution with it. LocalStack 4.8.1 names executions after the event's
  `id` (services/events/target.py, StatesTargetSender: `name=event["id"]`), which a transformed input does not have,
  so delivery fails with KeyError 'id'. That case is skipped, with the reason, when the emulator's log shows exactly
  that failure; any other outcome is checked or fails.
"""
from __future__ import annotations

import json
import time

import pytest

from s3_triggered_state_machine.target import input_transformer

from .helpers import (DELIVERY_TIMEOUT, Executions, deploy_tutorial, object_input_for, put_cloudtrail_event, teardown,
                      unique_key)

pytestmark = pytest.mark.emulator

FIELDS = {"bucket", "key", "size", "eventName", "eventTime", "region"}


@pytest.fixture(scope="module")
def eb_stack(endpoint):
    deployed = deploy_tutorial(endpoint, "e2e-object-eb", delivery="eventbridge", inputFormat="object",
                               forceDestroy="true")
    yield deployed
    teardown(deployed)


@pytest.fixture(scope="module")
def ct_stack(endpoint):
    # Another region: the stack's `aws:region` config reaches every regional resource.
    deployed = deploy_tutorial(endpoint, "e2e-object-ct", delivery="cloudtrail", inputFormat="object",
                               forceDestroy="true", **{"aws:region": "us-west-2"})
    yield deployed
    teardown(deployed)


def _probe(aws, stack, act) -> dict:
    """Add an SQS target with the deployed target's InputTransformer, run `act`, return the transformed input."""
    events, sqs = aws("events", stack.region), aws("sqs", stack.region)
    (target,) = events.list_targets_by_rule(Rule=stack.rule_name)["Targets"]
    url = sqs.create_queue(QueueName=f"probe-{unique_key('')[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_targets(Rule=stack.rule_name, Targets=[{"Id": "probe", "Arn": arn,
                                                       "InputTransformer": target["InputTransformer"]}])
    try:
        act()
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while time.monotonic() < deadline:
            msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
            if msgs:
                return json.loads(msgs[0]["Body"])
        pytest.fail("the probe target received nothing")
    finally:
        events.remove_targets(Rule=stack.rule_name, Ids=["probe"])
        sqs.delete_queue(QueueUrl=url)


def test_the_deployed_transformer_is_the_documented_one(eb_stack, ct_stack, aws):
    for stack, delivery in ((eb_stack, "eventbridge"), (ct_stack, "cloudtrail")):
        (target,) = aws("events", stack.region).list_targets_by_rule(Rule=stack.rule_name)["Targets"]
        want = input_transformer(delivery)
        assert target["InputTransformer"] == {"InputPathsMap": want["input_paths"],
                                              "InputTemplate": want["input_template"]}


def test_eventbridge_mode_a_real_upload_becomes_the_small_document(eb_stack, aws):
    key = unique_key("test.png")
    doc = _probe(aws, eb_stack, lambda: aws("s3").put_object(Bucket=eb_stack.bucket, Key=key, Body=b"12345"))
    assert set(doc) == FIELDS
    assert doc["bucket"] == eb_stack.bucket and doc["key"] == key and doc["size"] == 5
    assert doc["eventName"] == "PutObject" and doc["region"] == eb_stack.region
    assert doc["eventTime"].endswith("Z")


def test_cloudtrail_mode_an_injected_event_becomes_the_same_document(ct_stack, aws):
    """EMULATOR-ONLY: the CloudTrail event is injected with PutEvents (see test_cloudtrail_mode.py)."""
    from tests.s3_events import cloudtrail_event

    key = unique_key("test.png")
    event = cloudtrail_event(ct_stack.bucket, key, "CompleteMultipartUpload", region=ct_stack.region)
    doc = _probe(aws, ct_stack, lambda: put_cloudtrail_event(aws("events", ct_stack.region), event))
    assert set(doc) == FIELDS
    assert doc == {"bucket": ct_stack.bucket, "key": key, "size": None, "eventName": "CompleteMultipartUpload",
                   "eventTime": event["detail"]["eventTime"], "region": ct_stack.region}


def test_an_upload_starts_an_execution_with_the_small_document(eb_stack, aws, localstack):
    key = unique_key("test.png")
    target_id = eb_stack.resource("aws:cloudwatch/eventTarget:EventTarget", "tutorial-target")["outputs"]["targetId"]
    known_failure = f"Failed to deliver to target {target_id}: 'id'"
    executions = Executions(aws("stepfunctions"), eb_stack.state_machine_arn)
    aws("s3").put_object(Bucket=eb_stack.bucket, Key=key, Body=b"12345")
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    found: list = []
    while time.monotonic() < deadline:
        found = executions.matching(object_input_for(eb_stack.bucket, key))
        if found or known_failure in localstack.log_path.read_text(errors="replace"):
            break
        time.sleep(0.2)
    if not found:
        if known_failure in localstack.log_path.read_text(errors="replace"):
            pytest.skip("LocalStack 4.8.1 cannot start a Step Functions execution from a transformed input: it names "
                        "the execution after the event's `id` (events/target.py StatesTargetSender, "
                        "name=event['id']), which the transformed input lacks (KeyError 'id'). The transformed input "
                        "itself is checked by the SQS-probe tests in this module.")
        pytest.fail("no execution started, and not for the known LocalStack reason")
    assert len(found) == 1, found
    assert set(found[0]) == FIELDS and found[0]["size"] == 5


#: A key S3 accepts that the old template (`"key": "<key>"`) turned into invalid JSON (the quotes) or another key (the
#: backslash): "EventBridge doesn't escape values extracted by Input Path" inside quotes. (No backslash-n: LocalStack
#: 4.8.1 rewrites the two characters `\n` of its rendered template into a newline, which AWS documents nowhere.)
ODD_KEY = 'in/say "hi" \\back\\slash ü.png'


def test_a_key_with_quotes_and_backslashes_arrives_exactly(ct_stack, aws):
    """EMULATOR-ONLY: the CloudTrail event is injected with PutEvents (see test_cloudtrail_mode.py); its key reaches
    the transformed input exactly through LocalStack's own input transformer (placeholders outside quotes are
    inserted as JSON, as the EventBridge User Guide's "Simple JSON" example shows)."""
    from tests.s3_events import cloudtrail_event

    event = cloudtrail_event(ct_stack.bucket, ODD_KEY, "PutObject", region=ct_stack.region)
    doc = _probe(aws, ct_stack, lambda: put_cloudtrail_event(aws("events", ct_stack.region), event))
    assert doc["key"] == ODD_KEY and doc["bucket"] == ct_stack.bucket
