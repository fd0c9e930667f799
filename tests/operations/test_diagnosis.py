"""`verify`'s pure core: which execution input names the canary, and the diagnosis of a time-out, link by link.

Substitute used: none (pure functions over plain values shaped as the AWS APIs return them). The same diagnoses are
shown on LocalStack with each link broken on purpose in tests/e2e/test_verify.py; CloudTrail is not emulated there,
so the trail's diagnoses are shown here only.
"""

import json

import pytest

from s3_triggered_state_machine.operations.diagnosis import (BROKEN, OK, UNKNOWN, Facts, broken, delivery_path,
                                                             diagnose, trail_covers)
from s3_triggered_state_machine.operations.verify import canary_key, check_prefix
from s3_triggered_state_machine.target import execution_input
from s3_triggered_state_machine.trail import advanced_event_selectors
from tests.s3_events import cloudtrail_event, object_created_event

ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
BUCKET, KEY = "uploads-bucket", "in/s3tsm-canary-put-abc.txt"
TARGET = {"Id": "t", "Arn": ARN, "RoleArn": "arn:aws:iam::123456789012:role/r"}


def api(selectors: list) -> list:
    """The component's selectors (pulumi-aws argument names) as CloudTrail's GetEventSelectors returns them."""
    names = {"equals": "Equals", "starts_withs": "StartsWith", "not_equals": "NotEquals"}
    return [{"Name": s["name"], "FieldSelectors": [{"Field": f["field"], **{names[k]: v for k, v in f.items()
                                                                           if k in names}}
                                                  for f in s["field_selectors"]]} for s in selectors]


def selectors(bucket: str, names: tuple, prefix: str) -> list:
    return api(advanced_event_selectors(f"arn:aws:s3:::{bucket}", names, prefix))


def healthy(delivery="eventbridge", **changes) -> Facts:
    facts = Facts(delivery=delivery, bucket=BUCKET, key=KEY, state_machine_arn=ARN, rule_name="r",
                  rule={"Name": "r", "State": "ENABLED", "EventPattern": "{}"}, pattern_matches=True,
                  targets=[TARGET], role_exists=True, notification={"EventBridgeConfiguration": {}},
                  trails=[{"name": "t", "is_logging": True, "basic": [],
                           "advanced": selectors(BUCKET, ("PutObject",), "in/")}],
                  dead_letters=[], queue_url="https://q", failed_invocations=0.0,
                  state_machine={"status": "ACTIVE"})
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts


# ----------------------------------------------------------------------------------------- the delivery path
@pytest.mark.parametrize("delivery", ["eventbridge", "cloudtrail"])
@pytest.mark.parametrize("input_format", ["event", "object"])
def test_every_input_the_trigger_delivers_names_the_canary(delivery, input_format):
    event = (object_created_event(BUCKET, KEY) if delivery == "eventbridge" else cloudtrail_event(BUCKET, KEY))
    path = delivery_path(execution_input(input_format, delivery, event), BUCKET, KEY)
    assert path is not None
    assert ("CloudTrail" in path) is (delivery == "cloudtrail")
    assert ("object document" in path) is (input_format == "object")


def test_another_object_or_bucket_is_not_the_canary():
    assert delivery_path(object_created_event(BUCKET, "in/other.txt"), BUCKET, KEY) is None
    assert delivery_path(object_created_event("other-bucket", KEY), BUCKET, KEY) is None
    assert delivery_path("not an object", BUCKET, KEY) is None


def test_a_percent_encoded_key_names_the_canary():
    """LocalStack 4.8.1 percent-encodes keys in S3 EventBridge events (README)."""
    spaced = "in/s3tsm canary.txt"
    assert delivery_path(object_created_event(BUCKET, "in/s3tsm%20canary.txt"), BUCKET, spaced)


def test_canary_keys_are_under_the_prefix_and_match_the_rule():
    key = canary_key("in/canary/", ".txt", "CompleteMultipartUpload", "t0k")
    assert key == "in/canary/s3tsm-canary-multipart-t0k.txt"
    assert check_prefix("in/canary/", "in/", ".txt") is None
    assert "only keys starting with 'in/'" in check_prefix("canary/", "in/", ".txt")


# ------------------------------------------------------------------------------------------------ the diagnosis
def test_a_healthy_chain_has_no_broken_link():
    for delivery in ("eventbridge", "cloudtrail"):
        findings = diagnose(healthy(delivery))
        assert broken(findings) == [], [f.line() for f in findings]
        assert {f.link for f in findings if f.status == OK} >= {"rule", "rule -> target", "dead-letter queue",
                                                                 "state machine"}


@pytest.mark.parametrize("changes,link,phrase", [
    ({"notification": {}}, "bucket -> EventBridge", "does not send events to EventBridge"),
    ({"rule": {}}, "rule", "the rule r does not exist"),
    ({"rule": {"Name": "r", "State": "DISABLED"}}, "rule", "is DISABLED"),
    ({"pattern_matches": False}, "rule pattern", "does not match a PutObject"),
    ({"targets": []}, "rule -> target", "has no target"),
    ({"targets": [dict(TARGET, Arn=ARN + "-other")]}, "rule -> target", "no target that starts"),
    ({"role_exists": False}, "target role", "does not exist"),
    ({"failed_invocations": 3.0}, "target -> state machine", "FailedInvocations is 3"),
    ({"state_machine": {}}, "state machine", "does not exist"),
    ({"dead_letters": [{"body": json.dumps(object_created_event(BUCKET, KEY)),
                        "attributes": {"ERROR_CODE": "NO_PERMISSIONS", "ERROR_MESSAGE": "not authorized"}}]},
     "target -> state machine", "NO_PERMISSIONS: not authorized"),
])
def test_each_broken_link_is_named_in_plain_words(changes, link, phrase):
    found = broken(diagnose(healthy(**changes)))
    assert [f.link for f in found] == [link], [f.line() for f in found]
    assert phrase in found[0].text


@pytest.mark.parametrize("change,phrase", [
    (lambda t: t.update(is_logging=False), "is not logging"),
    (lambda t: t.update(advanced=selectors("other", ("PutObject",), "")), "no trail logs PutObject data events"),
    (lambda t: t.update(advanced=selectors(BUCKET, ("CopyObject",), "")), "no trail logs PutObject data events"),
    (lambda t: t.update(advanced=selectors(BUCKET, ("PutObject",), "out/")), "no trail logs PutObject data events"),
])
def test_cloudtrail_links_are_named(change, phrase):
    facts = healthy("cloudtrail")
    change(facts.trails[0])
    found = broken(diagnose(facts))
    assert [f.link for f in found] == ["bucket -> trail -> EventBridge"] and phrase in found[0].text
    assert "no trail exists" in broken(diagnose(healthy("cloudtrail", trails=[])))[0].text


def test_basic_selectors_are_understood_too():
    basic = {"name": "t", "is_logging": True, "advanced": [],
             "basic": [{"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object",
                                                                          "Values": [f"arn:aws:s3:::{BUCKET}/"]}]}]}
    assert trail_covers(basic, f"arn:aws:s3:::{BUCKET}/{KEY}", "PutObject")
    basic["basic"][0]["ReadWriteType"] = "ReadOnly"
    assert not trail_covers(basic, f"arn:aws:s3:::{BUCKET}/{KEY}", "PutObject")


def test_what_could_not_be_read_is_said_not_guessed():
    facts = healthy(notification=None, rule=None, state_machine=None, failed_invocations=None,
                    unreadable={"the rule": "AccessDeniedException: no events:DescribeRule"})
    findings = diagnose(facts)
    assert broken(findings) == []
    assert any(f.status == UNKNOWN and "AccessDeniedException: no events:DescribeRule" in f.text for f in findings)
    assert BROKEN not in {f.status for f in findings}


def test_verify_refuses_what_it_cannot_check_before_uploading():
    """An Express workflow's executions are not listed (ListExecutions: Standard only), and a prefix outside the
    rule's key filter would start nothing: both are refused before anything is uploaded."""
    from s3_triggered_state_machine.operations.starter import OperationError
    from s3_triggered_state_machine.operations.verify import run_verify

    class Sfn:
        def describe_state_machine(self, stateMachineArn):
            return {"type": "EXPRESS"}

    class S3:
        def put_object(self, **kwargs):
            raise AssertionError("nothing may be uploaded")

    clients = {"stepfunctions": Sfn(), "s3": S3()}.__getitem__
    with pytest.raises(OperationError, match="EXPRESS state machine"):
        run_verify(clients=clients, bucket=BUCKET, state_machine_arn=ARN, delivery="eventbridge", prefix="in/")
    with pytest.raises(OperationError, match="only keys starting with 'in/'"):
        run_verify(clients=clients, bucket=BUCKET, state_machine_arn=ARN, delivery="eventbridge", prefix="x/",
                   key_prefix="in/")
