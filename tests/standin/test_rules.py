"""The stand-in aws provider's rules (standin_aws/rules.py), as pure functions: auto-names, refusals, diffs.

Substitute used: none needed, these are pure functions; what they stand in for is pulumi-aws's Check/Diff and AWS's
naming rules (the formats are quoted where they come from). The same rules answer the real engine in tests/engine
and tests/e2e, and Pulumi's mocks in tests/component.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from standin_aws import rules
from standin_aws.rules import UNKNOWN, check, diff, outputs

BUCKET = "aws:s3/bucket:Bucket"
RULE = "aws:cloudwatch/eventRule:EventRule"
ROLE = "aws:iam/role:Role"
QUEUE = "aws:sqs/queue:Queue"
URN = "urn:pulumi:dev::p::{t}::{n}"
TARGET_ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:M"


def checked(type_, name, news=None, olds=None, seed=b"seed", preview=False):
    return check(type_, name, URN.format(t=type_, n=name), olds or {}, news or {}, seed, preview)


def test_auto_name_is_the_logical_name_a_dash_and_seven_random_characters_lowercased_for_buckets():
    result = checked(BUCKET, "Uploads")
    assert result.failures == []
    assert re.fullmatch(r"uploads-[0-9a-f]{7}", result.inputs["bucket"])
    assert re.fullmatch(r"Uploads-[0-9a-f]{7}", checked(ROLE, "Uploads").inputs["name"])  # not lowercased


def test_the_seed_decides_the_suffix_and_an_earlier_name_is_kept():
    a, b = checked(BUCKET, "u", seed=b"1").inputs["bucket"], checked(BUCKET, "u", seed=b"2").inputs["bucket"]
    assert a != b and checked(BUCKET, "u", seed=b"1").inputs["bucket"] == a   # same seed, same name
    kept = checked(BUCKET, "u", olds={"bucket": a}, seed=b"other").inputs["bucket"]
    assert kept == a                                                          # a second up does not rename


def test_a_prefix_name_is_unknown_until_create_and_its_length_is_checked():
    result = checked(RULE, "r", {"namePrefix": "uploads-"}, preview=True)
    assert "name" not in result.inputs and result.failures == []
    _, out = outputs(RULE, "r", result.inputs, "us-east-2", rules.ACCOUNT_ID, preview=True)
    assert out["name"] == UNKNOWN
    _, out = outputs(RULE, "r", result.inputs, "us-east-2", rules.ACCOUNT_ID, preview=False)
    assert out["name"].startswith("uploads-") and len(out["name"]) == len("uploads-") + rules.PREFIX_RANDOM
    assert checked(RULE, "r", {"namePrefix": "x" * 39}).failures[0][0] == "namePrefix"   # 64 - 26 = 38


@pytest.mark.parametrize("type_,name,field,needle", [
    (BUCKET, "photo_uploads", "bucket", "lowercase letters, digits"),
    (BUCKET, "b" * 56, "bucket", "is 64 characters long; bucket is at most 63"),
    (QUEUE, "uploads.v2-dlq", "name", "queue names use only letters"),
    (ROLE, "r" * 57, "name", "is at most 64"),
    ("aws:cloudwatch/eventTarget:EventTarget", "t" * 57, "targetId", "is at most 64"),
])
def test_auto_names_aws_refuses_are_refused(type_, name, field, needle):
    failures = checked(type_, name, {"rule": "r", "arn": TARGET_ARN}).failures
    assert [f for f, _ in failures] == [field]
    assert needle in failures[0][1]


@pytest.mark.parametrize("type_,news,field", [
    (RULE, {"name": "r", "eventPattern": "{not json"}, "eventPattern"),
    ("aws:cloudwatch/eventTarget:EventTarget", {"targetId": "t", "retryPolicy": {"maximumRetryAttempts": 186}},
     "retryPolicy"),
    (QUEUE, {"name": "q", "messageRetentionSeconds": 1209601}, "messageRetentionSeconds"),
    (BUCKET, {"bucket": "xn--bucket"}, "bucket"),
    (BUCKET, {"bucket": "192.168.1.1"}, "bucket"),
])
def test_values_aws_refuses_are_refused(type_, news, field):
    assert [f for f, _ in checked(type_, "x", news).failures] == [field]


def test_diff_updates_in_place_what_aws_updates_in_place_and_replaces_what_forces_a_new_resource():
    old = {"name": "r", "eventPattern": '{"source": ["aws.s3"]}'}
    changed, replaces = diff(RULE, old, {**old, "region": "us-east-2"}, old,
                             "us-east-2")
    assert (changed, replaces) == ([], [])
    changed, replaces = diff(RULE, old, {}, {**old, "eventPattern": '{"source": ["aws.s3"], "x": ["y"]}'},
                             "us-east-2")
    assert changed == ["eventPattern"] and replaces == []                       # keyPrefix changes the pattern
    changed, replaces = diff(BUCKET, {"bucket": "a-1234567"}, {"region": "us-east-2"}, {"bucket": "b-1234567"},
                             "us-east-2")
    assert replaces == ["bucket"]                                               # a bucket cannot be renamed
    changed, replaces = diff(BUCKET, {"bucket": "a"}, {"region": "us-east-2"}, {"bucket": "a"}, "eu-west-1")
    assert replaces == ["region"]                                               # nor moved
    assert diff(RULE, old, {}, {**old, "eventPattern": UNKNOWN}, "us-east-2")[0] == ["eventPattern"]
    # JSON documents compare by value, as the provider compares policies and patterns.
    assert diff(RULE, old, {}, {**old, "eventPattern": '{ "source" : [ "aws.s3" ] }'}, "us-east-2")[0] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=60))
def test_every_name_the_component_accepts_is_accepted_by_the_stand_in(name):
    """Differential, component against stand-in: a component name that components/s3_triggered_state_machine/args.py accepts yields child
    auto-names the stand-in (so: pulumi-aws and AWS, as far as the stand-in knows them) accepts."""
    from s3_triggered_state_machine.args import ArgumentError, validate  # noqa: PLC0415

    try:
        validate(name, {"state_machine_arn": "arn:aws:states:us-east-2:123456789012:stateMachine:M"}, "dev")
    except ArgumentError:
        return
    for suffix, type_ in (("bucket", BUCKET), ("trail-logs", BUCKET), ("role", ROLE), ("dlq", QUEUE),
                          ("target", "aws:cloudwatch/eventTarget:EventTarget")):
        failures = checked(type_, f"{name}-{suffix}", {"rule": "r", "arn": TARGET_ARN}).failures
        assert failures == [], (name, suffix, failures)
