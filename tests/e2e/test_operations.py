"""Operating the trigger on LocalStack: its alarms, `redrive` and `backfill` (the operations command, operations/).

Substitute for AWS: the real Pulumi CLI + the stand-in aws provider's LocalStack backend + LocalStack 4.8.1 deploy
tests/e2e/programs/operations (the component on a bucket that already holds objects, EventBridge mode, input_format
"event", key prefix "in/" and suffix ".txt", alarms with a 60-second period, the shortest for one-minute metrics). LocalStack 4.8.1 cannot deliver
through an input transformer to Step Functions (it names the execution after the transformed input's `id`:
KeyError 'id', see test_input_object.py), so the "object" documents of backfill and redrive are started on a second
state machine and compared with `components.target.execution_input`, the function that builds the transformer. The operations command runs
in-process (`s3_triggered_state_machine.operations.cli.main`, the console script's function) with `--endpoint-url`, and once as
`python -m s3_triggered_state_machine.operations` in a subprocess.

Techniques that only an emulator allows, labelled where used:
- EMULATOR-ONLY: the alarm is driven by `PutMetricData` into the `AWS/Events` namespace (AWS reserves `AWS/`
  namespaces for its services), because LocalStack publishes no EventBridge metrics.
- EMULATOR-ONLY: an `aws.s3` event is injected with `PutEvents` (AWS refuses `aws.*` sources) so that the trigger's
  own input transformer and `redrive` see the very same event.
- The dead-letter messages are put into the queue by the test (LocalStack does not dead-letter failed deliveries:
  test_dead_letter_queue.py), shaped as EventBridge writes them: the event as body and the RULE_ARN, TARGET_ARN,
  ERROR_CODE, ERROR_MESSAGE attributes (plus the retry details).
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError

from s3_triggered_state_machine.alarms import Thresholds, alarm_definitions, default_thresholds
from s3_triggered_state_machine.target import execution_input
from proof.stack import ThrowawayStack
from s3_triggered_state_machine.operations.cli import main
from s3_triggered_state_machine.operations.documents import BACKFILL_MARKER_KEY, backfill_execution_name
from standin_aws.localstack import query_protocol_session

from .helpers import REGION, REPO, Executions

pytestmark = [pytest.mark.emulator, pytest.mark.usefixtures("credentials")]

PROGRAM = Path(__file__).resolve().parent / "programs" / "operations"
PREFIX, SUFFIX = "in/", ".txt"
#: Uploaded before the trigger exists: each gets one backfill execution. Spaces, unicode and '+' on purpose.
BEFORE = ["in/hello world.txt", "in/ünïcödé ✓ 北京.txt", "in/a+b=c&d.txt", "in/plain.txt"]
#: Also before, but the rule's key filter does not match them: no execution.
NOT_MATCHING = ["in/photo.png", "other/x.txt", "in.txt"]
#: Uploaded after the deploy: the trigger starts it, and so does a backfill with the default cutoff (its start), the
#: one case the README says may run twice.
AFTER = "in/after deploy.txt"
#: The shortest period an alarm on a standard one-minute metric may have (components/s3_triggered_state_machine/alarms.py).
ALARM_PERIOD = 60


@pytest.fixture(scope="module")
def cloudwatch(endpoint):
    """CloudWatch over the query protocol: this botocore prefers smithy-rpc-v2-cbor for CloudWatch, which LocalStack
    4.8.1 does not read (the conftest's `aws` factory would get 500s)."""
    return query_protocol_session().client("cloudwatch", region_name=REGION, endpoint_url=endpoint)


def run_ops(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = main(list(argv), stdout=out, stderr=err)
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def stack(endpoint, aws, tmp_path_factory):
    s3 = aws("s3")
    bucket = f"ops-e2e-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    for key in BEFORE + NOT_MATCHING:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    time.sleep(1.5)  # S3 and SQS record whole seconds: the deployment must come in a later second than the uploads
    st = ThrowawayStack(PROGRAM, stack="e2e-ops", backend="localstack", endpoint=endpoint,
                        config={"existingBucket": bucket, "inputFormat": "event", "keyPrefix": PREFIX, "keySuffix": SUFFIX,
                                "alarmPeriodSeconds": str(ALARM_PERIOD)})
    st.create()
    try:
        st.up()
        outputs = st.outputs()
        path = tmp_path_factory.mktemp("ops") / "outputs.json"
        path.write_text(json.dumps(outputs))
        yield {"outputs": outputs, "file": str(path), "bucket": bucket}
    finally:
        st.destroy(check=False)
        st.remove()
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        s3.delete_bucket(Bucket=bucket)


def backfill_executions(aws, stack) -> dict[str, dict]:
    sfn = aws("stepfunctions")
    found = {}
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=stack["outputs"]["stateMachineArn"]):
        for e in page["executions"]:
            if e["name"].startswith("backfill-"):
                found[e["name"]] = json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
    return found


# ------------------------------------------------------------------------------------------------------- alarms
def test_the_alarms_exist_with_their_definitions(stack, aws, cloudwatch):
    out = stack["outputs"]
    names = out["alarmNames"]
    assert set(names) == set(default_thresholds())
    queue_name = out["deadLetterQueueArn"].rsplit(":", 1)[1]
    expected = alarm_definitions(out["ruleName"], out["stateMachineArn"], queue_name,
                                 Thresholds(default_thresholds(), ALARM_PERIOD, 1), (out["alarmTopicArn"],),
                                 trigger="ops")
    got = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=list(names.values()))
           ["MetricAlarms"]}
    assert set(got) == set(names.values())
    for key, name in names.items():
        alarm, want = got[name], expected[key]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == \
            (want["namespace"], want["metric_name"], want["statistic"]), key
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == want["dimensions"], key
        assert (alarm["Threshold"], alarm["Period"], alarm["EvaluationPeriods"]) == (1.0, ALARM_PERIOD, 1), key
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", key
        assert alarm["TreatMissingData"] == "notBreaching", key
        assert alarm["AlarmActions"] == [out["alarmTopicArn"]] and alarm["OKActions"] == [out["alarmTopicArn"]], key
    topics = [t["TopicArn"] for t in aws("sns").list_topics()["Topics"]]
    assert out["alarmTopicArn"] in topics


def test_the_failed_invocations_alarm_goes_to_alarm_and_notifies_the_topic(stack, aws, cloudwatch):
    """EMULATOR-ONLY: the data point is published into AWS/Events by the test (AWS reserves that namespace)."""
    out = stack["outputs"]
    cw, sns, sqs = cloudwatch, aws("sns"), aws("sqs")
    inbox = sqs.create_queue(QueueName=f"alarm-inbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=out["alarmTopicArn"], Protocol="sqs", Endpoint=inbox_arn,
                  Attributes={"RawMessageDelivery": "true"})
    name = out["alarmNames"]["failed_invocations"]
    deadline = time.monotonic() + 2.5 * ALARM_PERIOD
    state = None
    while time.monotonic() < deadline:
        try:
            cw.put_metric_data(Namespace="AWS/Events", MetricData=[{
                "MetricName": "FailedInvocations", "Dimensions": [{"Name": "RuleName", "Value": out["ruleName"]}],
                "Value": 1.0, "Unit": "Count"}])
        except ClientError as error:
            # Seen here twice in a long session (before and after this release's changes): LocalStack 4.8.1's
            # CloudWatch keeps metrics in a sqlite file and sometimes answers InternalError "unable to open database
            # file". That is the emulator's store failing, not the alarm; anything else is a failure.
            if "unable to open database file" not in str(error):
                raise
            pytest.skip(f"LocalStack 4.8.1's CloudWatch metric store failed: {error}")
        state = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
        if state == "ALARM":
            break
        time.sleep(2)
    if state != "ALARM":
        pytest.skip(f"LocalStack 4.8.1 did not evaluate the alarm within {2.5 * ALARM_PERIOD} s (state {state})")
    notes = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not notes:
        notes = sqs.receive_message(QueueUrl=inbox, WaitTimeSeconds=1).get("Messages", [])
    assert notes, "the alarm went to ALARM but its action did not notify the topic"
    note = json.loads(notes[0]["Body"])
    assert note["AlarmName"] == name and note["NewStateValue"] == "ALARM"
    # The other alarms saw no data: missing data is not breaching.
    others = cw.describe_alarms(AlarmNames=[n for k, n in out["alarmNames"].items() if k != "failed_invocations"])
    assert all(a["StateValue"] != "ALARM" for a in others["MetricAlarms"])


# ----------------------------------------------------------------------------------------------------- backfill
def test_backfill_dry_run_starts_nothing(stack, aws, endpoint):
    rc, out, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint, "--dry-run")
    assert rc == 0, out + err
    assert out.count("would start backfill-") == len(BEFORE), out
    assert "dry run: 4 execution(s) would be started; nothing was started" in out
    assert backfill_executions(aws, stack) == {}


def test_backfill_starts_one_execution_per_object_present_and_a_rerun_none(stack, aws, endpoint):
    """The default cutoff is the backfill's start: nothing present is skipped. The object uploaded after the deploy
    runs twice (the trigger's execution and the backfill's), as the README says it may."""
    bucket, out = stack["bucket"], stack["outputs"]
    s3, sfn = aws("s3"), aws("stepfunctions")
    after = AFTER
    s3.put_object(Bucket=bucket, Key=after, Body=after.encode())
    executions = Executions(sfn, out["stateMachineArn"])
    # LocalStack 4.8.1 percent-encodes keys in S3 EventBridge events ("in/after%20deploy.txt").
    trigger = executions.wait(lambda i: i.get("detail", {}).get("object", {}).get("key") in (after, quote(after)))
    assert len(trigger) == 1

    rc, text, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint)
    assert rc == 0, text + err
    assert f"summary: {len(BEFORE) + 1} started, 0 already started" in text, text
    assert "0 at or after the cutoff" in text, text
    started = backfill_executions(aws, stack)
    versions = {v["Key"]: v for v in s3.list_object_versions(Bucket=bucket)["Versions"] if v["IsLatest"]}
    expected_names = {backfill_execution_name(bucket, k, versions[k]["VersionId"]): k for k in BEFORE + [after]}
    assert set(started) == set(expected_names)
    for name, key in expected_names.items():
        event = started[name]
        assert event["detail"]["object"]["key"] == key  # exactly as stored: spaces, unicode, '+'
        assert event["detail"]["object"]["version-id"] == versions[key]["VersionId"]
        assert event["detail"]["reason"] == "Backfill"
        assert event["detail"][BACKFILL_MARKER_KEY]["synthesized"] is True
        assert s3.get_object(Bucket=bucket, Key=event["detail"]["object"]["key"])["Body"].read() == key.encode()
    # The same shape as the event the trigger delivered (plus the marker).
    sample = next(iter(started.values()))
    assert {k for k in sample if k != "detail"} == {k for k in trigger[0] if k != "detail"}
    assert set(trigger[0]["detail"]) <= set(sample["detail"]) | {"sequencer", "source-ip-address"}

    rc, text, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint)
    assert rc == 0, text + err
    assert f"summary: 0 started, {len(BEFORE) + 1} already started" in text, text
    assert set(backfill_executions(aws, stack)) == set(expected_names)
    # --before the deployment narrows the window back: the object the trigger delivered is not started again.
    deployed = min(v["LastModified"] for v in versions.values() if v["Key"] == after).isoformat()
    rc, text, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint, "--dry-run",
                            "--before", deployed)
    assert rc == 0 and "1 at or after the cutoff" in text and f"{len(BEFORE)} execution(s) would be" in text, text


def second_state_machine(aws, stack) -> str:
    sfn = aws("stepfunctions")
    role = stack["outputs"]["stateMachineArn"].rsplit(":", 3)[0].replace(":states:", ":iam:") + ":role/x"
    return sfn.create_state_machine(name=f"ObjectInput-{uuid.uuid4().hex[:6]}", roleArn=role, definition=json.dumps(
        {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": True}}}))["stateMachineArn"]


def test_backfill_with_input_format_object_delivers_exactly_the_transformers_document(stack, aws, endpoint):
    bucket, sfn = stack["bucket"], aws("stepfunctions")
    machine = second_state_machine(aws, stack)
    rc, text, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint,
                            "--state-machine-arn", machine, "--input-format", "object")
    assert rc == 0 and f"{len(BEFORE) + 1} started" in text, text + err
    inputs = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
              for e in sfn.list_executions(stateMachineArn=machine)["executions"]]
    assert sorted(i["key"] for i in inputs) == sorted(BEFORE + [AFTER])
    for document in inputs:
        assert document == {"bucket": bucket, "key": document["key"], "size": len(document["key"].encode()),
                            "eventName": "Backfill", "eventTime": document["eventTime"], "region": REGION}


def test_backfill_resumes_after_a_limit_and_writes_a_summary(stack, aws, endpoint, tmp_path):
    summary = tmp_path / "summary.json"
    rc, text, _ = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint, "--limit", "2",
                          "--all-objects", "--dry-run", "--summary", str(summary))
    assert rc == 0 and "limit of 2 reached" in text and "resume with --start-after" in text, text
    state = json.loads(summary.read_text())
    assert state["would_start"] == 2 and state["stopped_at_limit"] is True
    rc, text, _ = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint, "--all-objects",
                          "--dry-run", "--start-after", state["last_key"])
    assert rc == 0
    # With --all-objects the object uploaded after the deploy counts too: 5 matching objects, 2 before the marker.
    assert "dry run: 3 execution(s) would be started" in text, text


def test_backfill_says_plainly_what_is_wrong(stack, endpoint):
    out = stack["outputs"]
    rc, _, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint,
                         "--bucket", f"no-such-bucket-{uuid.uuid4().hex[:8]}")
    assert rc == 2 and "no such bucket" in err, err
    missing = out["stateMachineArn"].rsplit(":", 1)[0] + ":NoSuchMachine"
    rc, _, err = run_ops("backfill", "--stack-outputs", stack["file"], "--endpoint-url", endpoint,
                         "--state-machine-arn", missing)
    assert rc == 2 and "is missing" in err and "NoSuchMachine" in err, err
    rc, _, err = run_ops("backfill", "--endpoint-url", endpoint, "--bucket", stack["bucket"])
    assert rc == 2 and "missing state_machine_arn (--state-machine-arn)" in err, err


def test_the_console_entry_point_runs_as_a_module(stack, endpoint):
    proc = subprocess.run([sys.executable, "-m", "s3_triggered_state_machine.operations", "backfill", "--stack-outputs", "-", "--endpoint-url",
                           endpoint, "--dry-run"], input=json.dumps(stack["outputs"]), capture_output=True, text=True,
                          cwd=REPO, timeout=120, env={"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test",
                                                      "AWS_SECRET_ACCESS_KEY": "test", "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nothing was started" in proc.stdout


# ------------------------------------------------------------------------------------------------------ redrive
def dead_letter(sqs, queue_url: str, body: str, rule_arn: str, target_arn: str, code: str, message: str) -> None:
    """A message as EventBridge writes it to a target's dead-letter queue."""
    attrs = {"RULE_ARN": rule_arn, "TARGET_ARN": target_arn, "ERROR_CODE": code, "ERROR_MESSAGE": message,
             "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts", "RETRY_ATTEMPTS": "185"}
    sqs.send_message(QueueUrl=queue_url, MessageBody=body,
                     MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()})


def queue_depth(sqs, url: str) -> int:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                                   "ApproximateNumberOfMessagesNotVisible"])
    return sum(int(v) for v in attrs["Attributes"].values())


def test_redrive_starts_the_targets_execution_and_keeps_what_fails_again(stack, aws, endpoint):
    from tests.s3_events import object_created_event

    out, sqs, sfn = stack["outputs"], aws("sqs"), aws("stepfunctions")
    url = out["deadLetterQueueUrl"]
    rule_arn = aws("events").describe_rule(Name=out["ruleName"])["Arn"]
    key = f"in/redrive {uuid.uuid4().hex[:6]} ü+1.txt"
    injected = object_created_event(stack["bucket"], key)

    # EMULATOR-ONLY: an aws.s3 event through PutEvents; the trigger delivers it as the target does.
    resp = aws("events").put_events(Entries=[{"Source": "aws.s3", "DetailType": "Object Created",
                                              "Detail": json.dumps(injected["detail"]),
                                              "Resources": injected["resources"]}])
    assert resp["FailedEntryCount"] == 0
    delivered = Executions(sfn, out["stateMachineArn"]).wait(
        lambda i: i.get("detail", {}).get("object", {}).get("key") == key)
    assert len(delivered) == 1
    event = delivered[0]  # what EventBridge would have dead-lettered had the delivery failed

    gone = out["stateMachineArn"].rsplit(":", 1)[0] + ":Deleted"
    dead_letter(sqs, url, json.dumps(event), rule_arn, out["stateMachineArn"], "SDK.ThrottlingException",
                "Rate exceeded")
    dead_letter(sqs, url, json.dumps(object_created_event(stack["bucket"], "in/orphan.txt")), rule_arn, gone,
                "SDK.StateMachineDoesNotExistException", "State Machine Does Not Exist")
    dead_letter(sqs, url, "not json", rule_arn, out["stateMachineArn"], "SDK.ValidationException", "bad")

    rc, text, err = run_ops("redrive", "--stack-outputs", stack["file"], "--endpoint-url", endpoint, "--dry-run")
    assert rc == 1, text + err  # the message that is not JSON cannot be redriven, even in a dry run
    assert text.count("would start redrive-") == 2 and "nothing was started or deleted" in text, text
    assert queue_depth(sqs, url) == 3

    rc, text, err = run_ops("redrive", "--stack-outputs", stack["file"], "--endpoint-url", endpoint)
    assert rc == 1, text + err  # two messages fail again
    assert "1 execution(s) started" in text and "1 message(s) deleted, 2 failed again" in text, text
    assert "is missing" in text and "Deleted" in text and "not JSON" in text, text
    redriven = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
                for e in sfn.list_executions(stateMachineArn=out["stateMachineArn"])["executions"]
                if e["name"].startswith("redrive-")]
    assert redriven == [event]  # the same input the target delivered
    assert queue_depth(sqs, url) == 2

    rc, text, _ = run_ops("redrive", "--stack-outputs", stack["file"], "--endpoint-url", endpoint, "--limit", "5")
    assert rc == 1 and "0 execution(s) started" in text, text
    assert queue_depth(sqs, url) == 2

    # input_format="object": the transformer's document, on a second state machine (see the module docstring).
    machine = second_state_machine(aws, stack)
    dead_letter(sqs, url, json.dumps(event), rule_arn, machine, "SDK.ThrottlingException", "Rate exceeded")
    rc, text, _ = run_ops("redrive", "--stack-outputs", stack["file"], "--endpoint-url", endpoint,
                          "--input-format", "object", "--state-machine-arn", machine)
    # (--state-machine-arn overrides every message's TARGET_ARN: the orphan, still queued, starts there too.)
    documents = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
                 for e in sfn.list_executions(stateMachineArn=machine)["executions"]]
    (document,) = [d for d in documents if d["key"] == key]
    assert document == execution_input("object", "eventbridge", event)
    assert document["key"] == key and document["bucket"] == stack["bucket"]
