"""The operations command's pure core and its retry logic, without AWS.

Substitute used: none (pure functions); a fake Step Functions client for the throttling retries.
"""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from s3_triggered_state_machine.rule import event_pattern
from s3_triggered_state_machine.target import execution_input, input_transformer
from s3_triggered_state_machine.operations.documents import (BACKFILL_MARKER_KEY, TokenBucket, backfill_event, backfill_execution_name,
                                  facts_from_pattern, from_outputs, key_matches, redrive_execution_name,
                                  settings_problem)
from s3_triggered_state_machine.operations.starter import ALREADY, FAILED, STARTED, OperationError, Starter

TUTORIAL_EVENT = json.loads((Path(__file__).resolve().parents[1] / "data" / "tutorial_event.json").read_text())
ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
KEYS = st.text(min_size=1, max_size=200).filter(lambda k: "\x00" not in k)


@given(bucket=st.from_regex(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", fullmatch=True), key=KEYS,
       version=st.one_of(st.none(), st.text(min_size=1, max_size=40)))
def test_backfill_names_are_valid_deterministic_and_distinct(bucket, key, version):
    name = backfill_execution_name(bucket, key, version)
    assert re.fullmatch(r"[0-9A-Za-z_-]{1,80}", name)
    assert name == backfill_execution_name(bucket, key, version)
    assert name != backfill_execution_name(bucket, key + "x", version)
    assert name != backfill_execution_name(bucket, key, (version or "") + "v")


def test_names_do_not_collide_across_field_boundaries():
    assert backfill_execution_name("a", "b/c", None) != backfill_execution_name("a/b", "c", None)
    assert redrive_execution_name({"id": "e1"}, "m") == redrive_execution_name({"id": "e1"}, "other")
    assert redrive_execution_name({}, "m1") != redrive_execution_name({}, "m2")
    assert re.fullmatch(r"[0-9A-Za-z_-]{1,80}", redrive_execution_name({"id": "x" * 500}, "m"))


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
@pytest.mark.parametrize("prefix,suffix", [("", ""), ("in/", ""), ("", ".png"), ("in/", ".png"), ("a*b\\", "*.c")])
def test_the_key_filter_is_read_back_from_the_components_own_pattern(delivery, prefix, suffix):
    facts = facts_from_pattern(event_pattern(delivery, "bkt", key_prefix=prefix, key_suffix=suffix))
    assert facts == (delivery, "bkt", prefix, suffix)


@pytest.mark.parametrize("key,ok", [("in/a.png", True), ("in/.png", True), ("in.png", False), ("in/a.jpg", False),
                                    ("x/in/a.png", False)])
def test_key_matches_like_the_rules_wildcard(key, ok):
    assert key_matches(key, "in/", ".png") is ok
    assert key_matches("ab", "ab", "b") is False  # prefix and suffix may not overlap ("ab*b")


def test_the_object_input_is_the_transformers_document_in_both_modes():
    assert execution_input("object", "cloudtrail", TUTORIAL_EVENT) == {
        "bucket": "username-sfn-tutorial", "key": "test.png", "size": None, "eventName": "PutObject",
        "eventTime": "2018-09-12T00:25:10Z", "region": "us-east-2"}
    assert execution_input("event", "cloudtrail", TUTORIAL_EVENT) is TUTORIAL_EVENT
    assert set(input_transformer("eventbridge")["input_paths"]) == {"bucket", "key", "size", "eventName",
                                                                    "eventTime", "region"}


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
@given(key=KEYS)
def test_backfilled_documents_carry_the_key_exactly_and_the_marker(delivery, key):
    """Any key (quotes, backslashes, control characters, unicode) arrives exactly because the transformer's template
    has no placeholder inside quotes, and `execution_input` emulates EventBridge as documented (a value outside quotes
    goes in as JSON; inside quotes it would be spliced unescaped: tests/component/test_documents.py). It no longer
    passes by JSON-escaping quoted placeholders, which AWS does not do."""
    event = backfill_event(delivery, bucket="b", key=key, size=3, etag='"e"', version_id="v1",
                           last_modified="2025-01-01T00:00:00Z", region="us-east-2", account="123456789012")
    assert event["detail"][BACKFILL_MARKER_KEY] == {"synthesized": True, "tool": "s3-triggered-state-machine backfill",
                                                     "versionId": "v1"}
    document = execution_input("object", delivery, event)
    assert document == {"bucket": "b", "key": key, "size": 3 if delivery == "eventbridge" else None,
                        "eventName": "Backfill", "eventTime": "2025-01-01T00:00:00Z", "region": "us-east-2"}
    assert event == backfill_event(delivery, bucket="b", key=key, size=3, etag='"e"', version_id="v1",
                                   last_modified="2025-01-01T00:00:00Z", region="us-east-2", account="123456789012")


def test_settings_from_the_tutorial_stacks_outputs():
    outputs = {"bucketName": "b", "stateMachineArn": ARN, "ruleName": "r", "deadLetterQueueArn": "arn:aws:sqs:x:1:q",
               "eventPattern": json.dumps(event_pattern("eventbridge", "b", key_prefix="in/", key_suffix=".txt"))}
    assert from_outputs(outputs) == {"bucket": "b", "state_machine_arn": ARN, "rule_name": "r",
                                     "queue_arn": "arn:aws:sqs:x:1:q", "delivery": "eventbridge", "key_prefix": "in/",
                                     "key_suffix": ".txt"}
    assert "missing input_format (--input-format)" in settings_problem(from_outputs(outputs),
                                                                       ("bucket", "input_format"))
    assert "not a state machine ARN" in settings_problem({"state_machine_arn": "arn:aws:sqs:x:1:q"}, ())


def test_the_token_bucket_paces_calls():
    bucket = TokenBucket(rate=10, burst=2, now=0.0)
    assert [bucket.wait(0.0), bucket.wait(0.0)] == [0.0, 0.0]
    assert bucket.wait(0.0) == pytest.approx(0.1)
    assert bucket.wait(0.1) == pytest.approx(0.1)
    assert bucket.wait(10.0) == 0.0


class FakeError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": code.lower()}}


class FakeSfn:
    def __init__(self, *results):
        self.results, self.calls = list(results), []

    def start_execution(self, **kwargs):
        self.calls.append(kwargs)
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def test_throttling_is_retried_and_reused_names_are_not_failures():
    sleeps = []
    sfn = FakeSfn(FakeError("ThrottlingException"), FakeError("ThrottlingException"), {"executionArn": "e1"},
                  FakeError("ExecutionAlreadyExists"), FakeError("InvalidExecutionInput"))
    starter = Starter(sfn, rate=1000, burst=1000, clock=lambda: 0.0, sleep=sleeps.append)
    assert starter.start(ARN, "n", {"a": "ü"}).status == STARTED
    assert starter.retries == 2 and sleeps == [0.2, 0.4]
    assert json.loads(sfn.calls[0]["input"]) == {"a": "ü"}
    assert starter.start(ARN, "n", {}).status == ALREADY
    outcome = starter.start(ARN, "n", {})
    assert outcome.status == FAILED and "InvalidExecutionInput" in outcome.reason


@pytest.mark.parametrize("code,phrase", [("StateMachineDoesNotExist", "is missing"),
                                         ("AccessDeniedException", "states:StartExecution is needed")])
def test_errors_that_stop_the_run_say_what_is_wrong(code, phrase):
    starter = Starter(FakeSfn(FakeError(code)), clock=lambda: 0.0, sleep=lambda s: None)
    with pytest.raises(OperationError, match=phrase):
        starter.start(ARN, "n", {})
