"""The pack's EventBridge matcher (policies/s3_trigger/patterns.py) against moto's, on generated pattern/event pairs
and on the pattern language's cases from aws/event-ruler's README. The pack must not import moto; the tests do."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policies.s3_trigger.patterns import event_matches

moto_models = pytest.importorskip("moto.events.models")


def moto_matches(pattern: dict, event: dict) -> bool:
    return moto_models.EventPattern.load(json.dumps(pattern)).matches_event(event)


STRINGS = ["a", "ab", "abc", "B", "b.png", "x/y.csv", "10.0.0.7", ""]
NUMBERS = [0, 1, 5, 7.5, 100]
SCALARS = st.one_of(st.sampled_from(STRINGS), st.sampled_from(NUMBERS), st.booleans(), st.none())
STR = st.sampled_from([s for s in STRINGS if s])

FILTER = st.one_of(
    st.builds(lambda s: {"prefix": s}, STR),
    st.builds(lambda s: {"suffix": s}, STR),
    st.builds(lambda s: {"prefix": {"equals-ignore-case": s}}, STR),
    st.builds(lambda s: {"suffix": {"equals-ignore-case": s}}, STR),
    st.builds(lambda s: {"equals-ignore-case": s}, STR),
    st.builds(lambda s: {"wildcard": s}, st.sampled_from(["a*", "*c", "a*c", "*", "x/*.csv", "*.png"])),
    st.builds(lambda s: {"anything-but": s}, st.one_of(STR, st.sampled_from(NUMBERS))),
    st.builds(lambda s: {"anything-but": s}, st.lists(STR, min_size=1, max_size=3)),
    st.builds(lambda s: {"anything-but": {"prefix": s}}, STR),
    st.builds(lambda s: {"anything-but": {"suffix": s}}, STR),
    st.builds(lambda s: {"exists": s}, st.booleans()),
    st.builds(lambda lo, hi: {"numeric": [">=", lo, "<", hi]}, st.sampled_from(NUMBERS), st.sampled_from(NUMBERS)),
    st.builds(lambda n: {"numeric": ["=", n]}, st.sampled_from(NUMBERS)),
    st.builds(lambda c: {"cidr": c}, st.sampled_from(["10.0.0.0/24", "10.0.1.0/24"])),
)
LEAF = st.lists(st.one_of(SCALARS, FILTER), min_size=1, max_size=3)
FIELDS = ["a", "b"]


def _pattern(depth: int):
    node = st.dictionaries(st.sampled_from(FIELDS), LEAF, min_size=1, max_size=2)
    if depth:
        inner = _pattern(depth - 1)
        node = st.one_of(node, st.builds(lambda d, sub: {**d, "c": sub}, node, inner),
                         st.builds(lambda d, alts: {**d, "$or": alts}, node, st.lists(inner, min_size=2, max_size=3)))
    return node


VALUE = st.one_of(SCALARS, st.lists(SCALARS, min_size=1, max_size=3))


def _event(depth: int):
    node = st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=2)
    if depth:
        node = st.one_of(node, st.builds(lambda d, sub: {**d, "c": sub}, node, _event(depth - 1)))
    return node


def _scalars(node, out):
    if isinstance(node, dict):
        for v in node.values():
            _scalars(v, out)
    elif isinstance(node, list):
        for v in node:
            _scalars(v, out)
    else:
        out.append(node)
    return out


def _bools_meet_numbers(pattern, event) -> bool:
    """moto compares with Python's ==, so True == 1 and False == 0 there; EventBridge keeps them apart."""
    p, e = _scalars(pattern, []), _scalars(event, [])
    has_bool = any(isinstance(v, bool) for v in p + e)
    has_num = any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p + e)
    return has_bool and has_num


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(pattern=_pattern(2), event=_event(2))
def test_matcher_agrees_with_moto(pattern, event):
    assume(not _bools_meet_numbers(pattern, event))
    assert event_matches(pattern, event) == moto_matches(pattern, event), (pattern, event)


# Pairs worth pinning by name (aws/event-ruler README semantics). moto agrees on each.
CASES = [
    ({"a": ["x"]}, {"a": ["y", "x"]}, True),                       # array intersection
    ({"a": [{"anything-but": "x"}]}, {}, False),                   # anything-but needs the field
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": "y"}, False),
    ({"a": [{"anything-but": {"prefix": "in/"}}]}, {"a": "out/k"}, True),
    ({"a": [{"anything-but": {"suffix": ".tmp"}}]}, {"a": "k.tmp"}, False),
    ({"a": [{"exists": False}]}, {}, True),
    ({"a": [{"exists": True}]}, {"a": {"b": 1}}, False),            # exists applies to leaves only
    ({"a": [{"exists": False}]}, {"a": {"b": 1}}, True),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 5}, True),
    ({"a": [{"numeric": [">", 0]}]}, {"a": "5"}, False),            # numeric needs a number
    ({"a": [1]}, {"a": "1"}, False),                                # types differ
    ({"a": [None]}, {"a": None}, True),
    ({"a": [None]}, {}, False),
    ({"a": [{"prefix": {"equals-ignore-case": "IN/"}}]}, {"a": "in/x"}, True),
    ({"a": [{"wildcard": "in/*.csv"}]}, {"a": "in/a/b.csv"}, True),
    ({"a": [{"cidr": "10.0.0.0/24"}]}, {"a": "10.0.0.9"}, True),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"b": "2"}, True),
    ({"c": {"$or": [{"a": ["1"]}, {"b": ["2"]}]}}, {"c": {"a": "3"}}, False),
]


@pytest.mark.parametrize("pattern,event,expected", CASES)
def test_named_cases(pattern, event, expected):
    assert event_matches(pattern, event) is expected
    assert moto_matches(pattern, event) is expected


def test_nested_pattern_against_an_array_of_objects():
    # EventBridge flattens arrays of objects (CloudTrail's detail.resources[].ARN is matched this way); moto 5.2 does
    # not, so this one is pinned against AWS's documented behaviour only.
    pattern = {"detail": {"resources": {"ARN": [{"prefix": "arn:aws:s3:::b/"}]}}}
    event = {"detail": {"resources": [{"ARN": "arn:aws:s3:::b/k"}, {"ARN": "arn:aws:s3:::b"}]}}
    assert event_matches(pattern, event)


# The delivery core's events (policies/s3_trigger/delivery.py) against patterns of the corpus's kinds: the pack's
# verdict on each (pattern, operation, delivery path) is moto's.
from policies.s3_trigger.delivery import OPERATIONS, cloudtrail_event, notification_event  # noqa: E402

B = "corpus-uploads"
PATTERNS = [
    {"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
     "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"], "requestParameters": {"bucketName": [B]}}},
    {"source": ["aws.s3"], "detail": {"eventName": [{"prefix": "P"}, "CompleteMultipartUpload"],
                                      "requestParameters": {"bucketName": [B]}}},
    {"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"], "resources": [f"arn:aws:s3:::{B}"]},
    {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [B]}}},
    {"source": ["aws.s3"], "detail": {"bucket": {"name": [B]}, "reason": ["PutObject", "POST Object", "CopyObject",
                                                                        "CompleteMultipartUpload"]}},
    {"source": ["aws.s3"], "detail-type": ["Object Created"], "resources": [f"arn:aws:s3:::{B}"]},
    {"source": ["aws.s3"], "detail": {"bucket": {"name": [B]}}},
    {"source": [{"equals-ignore-case": "AWS.S3"}], "detail-type": [{"equals-ignore-case": "object created"}]},
    {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"eventName": ["PutObject"]}},
    {"source": ["aws.s3"], "detail": {"object": {"size": [{"numeric": [">", 0]}], "key": [{"exists": True}]}}},
    {"source": ["aws.s3"], "detail": {"reason": [{"anything-but": ["PutObject", "CopyObject"]}]}},
    {"$or": [{"detail": {"eventName": ["PutObject"]}}, {"detail-type": ["Object Created"]}], "source": ["aws.s3"]},
    {"source": ["aws.s3"], "detail": {"requestParameters": {"key": [{"suffix": ".bin"}]}, "readOnly": [False]}},
]


@pytest.mark.parametrize("i", range(len(PATTERNS)))
def test_delivery_events_match_as_moto_says(i):
    pattern = PATTERNS[i]
    for op in OPERATIONS:
        for event in (cloudtrail_event(B, "in/sample.bin", op, "us-east-2", "123456789012"),
                      notification_event(B, "in/sample.bin", op, "us-east-2", "123456789012")):
            if event is not None:
                assert event_matches(pattern, event) == moto_matches(pattern, event), (pattern, op.name)
