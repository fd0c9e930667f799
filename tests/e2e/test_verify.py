"""`s3-triggered-state-machine verify` on LocalStack in EventBridge mode: a healthy deployment passes (put and
multipart), and each link broken on purpose is named by the time-out's diagnosis.

Substitute for AWS: the real Pulumi CLI + the stand-in aws provider's LocalStack backend + LocalStack 4.8.1 deploy the
tutorial stack once for the module (EventBridge mode: LocalStack delivers that path for real); each break is made
and repaired with boto3, so one deployment serves every case. The command runs in-process (`cli.main`, the console
script's function) with `--endpoint-url`.

What LocalStack cannot show, and where it is shown instead: CloudTrail is not emulated (the trail's diagnoses are
pure-function tests in tests/operations/test_diagnosis.py); LocalStack does not dead-letter or publish EventBridge
metrics, so the dead-letter and FailedInvocations diagnoses are pure-function tests there too, and here the metric is
reported as unreadable or zero, never guessed.
"""
from __future__ import annotations

import io
import json

import pytest

from s3_triggered_state_machine.operations.cli import main

from .helpers import deploy_tutorial, teardown

pytestmark = [pytest.mark.emulator, pytest.mark.usefixtures("credentials")]

PREFIX = "canary/"
BROKEN_TIMEOUT = "4"  # seconds: LocalStack delivers in about 0.3 s, so a broken link shows at once


@pytest.fixture(scope="module")
def stack(endpoint, tmp_path_factory):
    deployed = deploy_tutorial(endpoint, "e2e-verify", delivery="eventbridge", forceDestroy="true")
    path = tmp_path_factory.mktemp("verify") / "outputs.json"
    path.write_text(json.dumps(deployed.outputs))
    yield deployed, str(path)
    teardown(deployed)


def verify(stack, endpoint, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = main(["verify", "--stack-outputs", stack[1], "--endpoint-url", endpoint, "--prefix", PREFIX, *extra],
              stdout=out, stderr=err)
    return rc, out.getvalue() + err.getvalue()


def canaries_left(aws, bucket: str) -> list:
    versions = aws("s3").list_object_versions(Bucket=bucket, Prefix=PREFIX)
    return versions.get("Versions", []) + versions.get("DeleteMarkers", [])


def test_a_healthy_trigger_passes_and_leaves_nothing_behind(stack, endpoint, aws):
    out, err = io.StringIO(), io.StringIO()
    rc = main(["verify", "-", "--endpoint-url", endpoint, "--prefix", PREFIX, "--multipart"],  # the form
              stdin=io.StringIO(json.dumps(stack[0].outputs)), stdout=out, stderr=err)
    text = out.getvalue() + err.getvalue()
    assert rc == 0, text
    assert text.count("delivered: ") == 2 and "summary: OK: 2 of 2" in text, text
    assert "S3 EventBridge notification \"Object Created\" (reason 'PutObject')" in text
    assert "latency: " in text
    assert canaries_left(aws, stack[0].bucket) == [], "the canary objects (and their versions) are deleted"


def _broken(stack, endpoint, aws) -> str:
    rc, text = verify(stack, endpoint, "--timeout", BROKEN_TIMEOUT, "--poll", "0.5")
    assert rc == 1, text
    assert "TIME-OUT" in text and "summary: FAILED" in text, text
    assert canaries_left(aws, stack[0].bucket) == []
    return text


def test_a_disabled_rule_is_named(stack, endpoint, aws):
    """LocalStack 4.8.1 still routes events through a disabled rule (services/events/provider.py sets the state;
    nothing reads it when routing), so the upload is delivered there and no time-out happens: the diagnosis is run
    on what LocalStack reports for the disabled rule, and the emulator's behaviour is pinned, so that a LocalStack
    that honours the state turns this into the full case."""
    from s3_triggered_state_machine.operations.cli import Clients
    from s3_triggered_state_machine.operations.diagnosis import broken, diagnose
    from s3_triggered_state_machine.operations.verify import _now, gather_facts

    deployed = stack[0]
    events, rule = aws("events"), deployed.rule_name
    events.disable_rule(Name=rule)
    try:
        rc, text = verify(stack, endpoint, "--timeout", BROKEN_TIMEOUT, "--poll", "0.5")
        facts = gather_facts(Clients(deployed.region, endpoint), delivery="eventbridge", bucket=deployed.bucket,
                             key=f"{PREFIX}s3tsm-canary-put-x", event_name="PutObject",
                             state_machine_arn=deployed.state_machine_arn, rule_name=rule, queue_url=None,
                             trail_name=None, since=_now(), region=deployed.region)
    finally:
        events.enable_rule(Name=rule)
    assert rc == 0, "LocalStack 4.8.1 delivers through a disabled rule; if this fails, it no longer does: " + text
    assert [f.line() for f in broken(diagnose(facts))] == [
        f"  [BROKEN] rule: the rule {rule} is DISABLED: a disabled rule matches nothing (enable it)"]


def test_a_bucket_that_stopped_notifying_eventbridge_is_named(stack, endpoint, aws):
    s3, bucket = aws("s3"), stack[0].bucket
    saved = {k: v for k, v in s3.get_bucket_notification_configuration(Bucket=bucket).items()
             if k != "ResponseMetadata"}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    try:
        text = _broken(stack, endpoint, aws)
    finally:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=saved)
    assert f"[BROKEN] bucket -> EventBridge: the bucket {bucket} does not send events to EventBridge" in text, text
    assert "[ok] dead-letter queue: empty" in text, text


def test_a_rule_without_its_target_is_named(stack, endpoint, aws):
    events, rule = aws("events"), stack[0].rule_name
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    events.remove_targets(Rule=rule, Ids=[target["Id"]])
    try:
        text = _broken(stack, endpoint, aws)
    finally:
        events.put_targets(Rule=rule, Targets=[target])
    assert f"[BROKEN] rule -> target: the rule {rule} has no target" in text, text


def test_a_pattern_for_another_bucket_is_named(stack, endpoint, aws):
    events, rule = aws("events"), stack[0].rule_name
    described = events.describe_rule(Name=rule)
    pattern = json.loads(described["EventPattern"])
    pattern["detail"]["bucket"]["name"] = ["some-other-bucket"]
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern), State="ENABLED")
    try:
        text = _broken(stack, endpoint, aws)
    finally:
        events.put_rule(Name=rule, EventPattern=described["EventPattern"], State="ENABLED")
    assert "[BROKEN] rule pattern: the rule's pattern does not match a PutObject" in text, text


def test_a_target_naming_a_missing_state_machine_is_named(stack, endpoint, aws):
    events, rule, machine = aws("events"), stack[0].rule_name, stack[0].state_machine_arn
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    elsewhere = machine + "-gone"
    events.put_targets(Rule=rule, Targets=[dict(target, Arn=elsewhere)])
    try:
        text = _broken(stack, endpoint, aws)
    finally:
        events.put_targets(Rule=rule, Targets=[target])
    assert f"[BROKEN] rule -> target: the rule has no target that starts {machine} (its targets: {elsewhere})" \
        in text, text


def test_a_prefix_the_trigger_does_not_match_is_refused_before_uploading(stack, endpoint, aws, tmp_path):
    outputs = dict(stack[0].outputs)
    pattern = json.loads(outputs["eventPattern"])
    pattern["detail"]["object"] = {"key": [{"prefix": "incoming/"}]}
    outputs["eventPattern"] = json.dumps(pattern)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    out, err = io.StringIO(), io.StringIO()
    rc = main(["verify", "--stack-outputs", str(path), "--endpoint-url", endpoint, "--prefix", "canary/"],
              stdout=out, stderr=err)
    assert rc == 2 and "only keys starting with 'incoming/'" in err.getvalue(), err.getvalue()
    assert canaries_left(aws, stack[0].bucket) == []
