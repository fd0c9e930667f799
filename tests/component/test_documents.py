"""The pure documents: event patterns (checked with moto's EventBridge matcher), selectors and policies.

Substitute used: none needed, these are pure functions of plain values.
"""

import json

import pytest

from s3_triggered_state_machine.bucket import bucket_name_problem, cloudtrail_log_bucket_policy, tls_only_bucket_policy
from s3_triggered_state_machine.events import DEFAULT_EVENT_NAMES, eventbridge_reasons
from s3_triggered_state_machine.role import events_trust_policy, start_execution_policy
from s3_triggered_state_machine.rule import event_pattern, key_filter
from s3_triggered_state_machine.state_machine import helloworld_definition
from s3_triggered_state_machine.target import (UndeliverableInput, apply_input_transformer, dead_letter_queue_policy,
                                                input_transformer, quoted_placeholders, retry_policy)
from s3_triggered_state_machine.trail import advanced_event_selectors
from tests.matcher import matches
from tests.s3_events import (CREATING, NOT_CREATING, TUTORIAL_BUCKET, TUTORIAL_EVENT, cloudtrail_event,
                             object_created_event, object_deleted_event)

CT = event_pattern("cloudtrail", TUTORIAL_BUCKET)
EB = event_pattern("eventbridge", TUTORIAL_BUCKET)


def test_default_event_names_are_every_object_creating_operation():
    assert DEFAULT_EVENT_NAMES == ("PutObject", "CompleteMultipartUpload", "CopyObject", "PostObject")
    assert eventbridge_reasons(DEFAULT_EVENT_NAMES) == ["PutObject", "CompleteMultipartUpload", "CopyObject",
                                                        "POST Object"]


def test_cloudtrail_pattern_is_exactly_this():
    assert CT == {
        "source": ["aws.s3"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["s3.amazonaws.com"],
            "eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject", "PostObject"],
            "requestParameters": {"bucketName": [TUTORIAL_BUCKET]},
        },
    }


def test_tutorial_example_event_verbatim_matches():
    assert TUTORIAL_EVENT["detail"]["requestParameters"]["bucketName"] == TUTORIAL_BUCKET
    assert matches(CT, TUTORIAL_EVENT)


@pytest.mark.parametrize("name", CREATING)
def test_cloudtrail_pattern_matches_object_creation(name):
    assert matches(CT, cloudtrail_event(event_name=name))


@pytest.mark.parametrize("name", NOT_CREATING)
def test_cloudtrail_pattern_ignores_reads_deletes_and_parts(name):
    assert not matches(CT, cloudtrail_event(event_name=name))


@pytest.mark.parametrize("bucket", ["username-sfn-tutorial-2", "username-sfn-tutorial-storage", "other",
                                    "USERNAME-SFN-TUTORIAL"])
def test_cloudtrail_pattern_ignores_other_buckets(bucket):
    assert not matches(CT, cloudtrail_event(bucket=bucket))


def test_wrong_detail_type_spelling_never_matches():
    wrong = dict(CT, **{"detail-type": ["AWS API Call Via CloudTrail"]})
    assert not matches(wrong, TUTORIAL_EVENT)


def test_putobject_only_pattern_misses_multipart_uploads():
    """The tutorial's console setup: PutObject only. This is the pitfall the default closes."""
    console = event_pattern("cloudtrail", TUTORIAL_BUCKET, ("PutObject",))
    assert matches(console, TUTORIAL_EVENT)
    assert not matches(console, cloudtrail_event(event_name="CompleteMultipartUpload"))


def test_eventbridge_pattern_is_exactly_this():
    assert EB == {"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"bucket": {"name": [TUTORIAL_BUCKET]}}}


@pytest.mark.parametrize("reason", ["PutObject", "CompleteMultipartUpload", "CopyObject", "POST Object"])
def test_eventbridge_pattern_matches_every_creation(reason):
    assert matches(EB, object_created_event(reason=reason))


def test_eventbridge_pattern_ignores_other_buckets_and_deletes():
    assert not matches(EB, object_created_event(bucket="username-sfn-tutorial-2"))
    assert not matches(EB, object_deleted_event())


def test_eventbridge_subset_filters_on_reason():
    pattern = event_pattern("eventbridge", TUTORIAL_BUCKET, ("PutObject", "CompleteMultipartUpload"))
    assert pattern["detail"]["reason"] == ["PutObject", "CompleteMultipartUpload"]
    assert matches(pattern, object_created_event(reason="CompleteMultipartUpload"))
    assert not matches(pattern, object_created_event(reason="CopyObject"))


@pytest.mark.parametrize("delivery,make", [
    ("cloudtrail", lambda key: cloudtrail_event(key=key)),
    ("eventbridge", lambda key: object_created_event(key=key)),
])
def test_prefix_and_suffix_must_both_hold(delivery, make):
    pattern = event_pattern(delivery, TUTORIAL_BUCKET, key_prefix="uploads/", key_suffix=".png")
    assert matches(pattern, make("uploads/cat.png"))
    assert matches(pattern, make("uploads/a/b.png"))
    assert not matches(pattern, make("uploads/cat.jpg"))   # prefix only
    assert not matches(pattern, make("other/cat.png"))     # suffix only
    assert not matches(pattern, make("test.png"))


@pytest.mark.parametrize("delivery,make", [
    ("cloudtrail", lambda key: cloudtrail_event(key=key)),
    ("eventbridge", lambda key: object_created_event(key=key)),
])
def test_prefix_alone_and_suffix_alone(delivery, make):
    prefix = event_pattern(delivery, TUTORIAL_BUCKET, key_prefix="uploads/")
    suffix = event_pattern(delivery, TUTORIAL_BUCKET, key_suffix=".png")
    assert matches(prefix, make("uploads/x.jpg")) and not matches(prefix, make("x/uploads/y"))
    assert matches(suffix, make("a/b.png")) and not matches(suffix, make("a/b.png.txt"))


def test_key_filter_operators():
    assert key_filter() is None
    assert key_filter("a/") == [{"prefix": "a/"}]
    assert key_filter("", ".png") == [{"suffix": ".png"}]
    assert key_filter("a/", ".png") == [{"wildcard": "a/*.png"}]
    assert key_filter("a\\b/", ".png") == [{"wildcard": "a\\\\b/*.png"}]


def test_every_pattern_leaf_is_an_array():
    def leaves(node):
        for value in node.values():
            if isinstance(value, dict):
                yield from leaves(value)
            else:
                yield value
    for delivery in ("cloudtrail", "eventbridge"):
        pattern = event_pattern(delivery, "b", ("PutObject",), "p/", ".s")
        assert all(isinstance(leaf, list) and leaf for leaf in leaves(pattern))


def test_unknown_delivery_is_an_error():
    with pytest.raises(ValueError, match="unknown delivery"):
        event_pattern("sns", "b")


def test_advanced_selectors_log_only_write_data_events_for_this_bucket():
    selectors = advanced_event_selectors("arn:aws:s3:::b", DEFAULT_EVENT_NAMES, "uploads/")
    assert selectors == [{
        "name": "Object-created data events that start the state machine",
        "field_selectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "readOnly", "equals": ["false"]},
            {"field": "eventName", "equals": list(DEFAULT_EVENT_NAMES)},
            {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::b/uploads/"]},
        ],
    }]
    assert advanced_event_selectors("arn:aws:s3:::b", ["PutObject"])[0]["field_selectors"][-1] == {
        "field": "resources.ARN", "starts_withs": ["arn:aws:s3:::b/"]}


def test_trust_policy_is_events_only_with_confused_deputy_conditions():
    doc = events_trust_policy("123456789012", "arn:aws:events:us-east-2:123456789012:rule/r")
    (statement,) = doc["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {
        "aws:SourceAccount": "123456789012", "aws:SourceArn": "arn:aws:events:us-east-2:123456789012:rule/r"}}


def test_start_execution_policy_is_one_action_on_one_machine():
    arn = "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
    assert start_execution_policy(arn) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "states:StartExecution", "Resource": arn}]}


def test_tls_only_bucket_policy():
    (deny,) = tls_only_bucket_policy("arn:aws:s3:::b")["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Resource"] == ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_cloudtrail_log_bucket_policy_is_scoped_to_the_trail():
    trail = "arn:aws:cloudtrail:us-east-2:123456789012:trail/S3Event"
    deny, acl, write = cloudtrail_log_bucket_policy("arn:aws:s3:::logs", "123456789012", trail)["Statement"]
    assert deny["Effect"] == "Deny"
    assert acl == {"Sid": "CloudTrailAclCheck", "Effect": "Allow",
                   "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
                   "Resource": "arn:aws:s3:::logs", "Condition": {"StringEquals": {"aws:SourceArn": trail}}}
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == "arn:aws:s3:::logs/AWSLogs/123456789012/*"
    assert write["Condition"] == {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                                   "aws:SourceArn": trail}}


def test_dead_letter_queue_policy_allows_only_this_rule():
    rule = "arn:aws:events:us-east-2:123456789012:rule/r"
    allow, deny = dead_letter_queue_policy("arn:aws:sqs:us-east-2:123456789012:q", rule)["Statement"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": rule}}
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_retry_policy_shape():
    assert retry_policy(3, 600) == {"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 600}


def _render(transformer: dict, event: dict) -> dict:
    """Apply an input transformer whose placeholders are all outside quotes, as the EventBridge User Guide shows it
    ("Simple JSON": `{"instance" : <instance>}` gives `{"instance" : "i-0123456789"}`): each value as JSON. Written
    independently of `apply_input_transformer`, which the operations command uses."""
    text = transformer["input_template"]
    assert not quoted_placeholders(text)
    for placeholder, path in transformer["input_paths"].items():
        value = event
        for part in path[2:].split("."):
            value = value[part]
        text = text.replace(f"<{placeholder}>", json.dumps(value))
    return json.loads(text)


#: Keys S3 accepts that a quoted placeholder would break or change: a quote (invalid JSON), a backslash sequence
#: (another key: `a\tb` would become a tab), a control character, non-ASCII, and look-alikes of the template itself.
ODD_KEYS = ['say "hi".png', "dir\\tab\\n.png", "new\nline.png", "tab\there.png", "caf\u00e9/\u65e5\u672c.png",
            '<key>", "x": "y.png', "back\\", "emoji \U0001F600.png"]


@pytest.mark.parametrize("delivery", ["eventbridge", "cloudtrail"])
def test_no_placeholder_sits_inside_quotes(delivery):
    """EventBridge User Guide, "Transforming target input", Common Issues: "EventBridge doesn't escape values
    extracted by Input Path, when populating the Input Template for a target." A placeholder inside a JSON string
    (the old `"key": "<key>"`) splices the raw key; outside quotes the value goes in as JSON."""
    assert quoted_placeholders(input_transformer(delivery)["input_template"]) == []
    assert quoted_placeholders('{"a": "<a>", "b": <b>, "c": "x \\"<c>\\" y"}') == ["a", "c"]


@pytest.mark.parametrize("key", ODD_KEYS)
@pytest.mark.parametrize("delivery", ["eventbridge", "cloudtrail"])
def test_any_key_reaches_the_document_exactly_and_as_valid_json(delivery, key):
    event = (object_created_event(key=key, size=42) if delivery == "eventbridge" else cloudtrail_event(key=key))
    assert _render(input_transformer(delivery), event)["key"] == key
    assert apply_input_transformer(input_transformer(delivery), event)["key"] == key


def test_a_quoted_placeholder_is_spliced_unescaped_as_aws_documents():
    """What the old template (`"key": "<key>"`) delivered on AWS, emulated as documented: invalid JSON for a key with
    a quote, another key for one with a backslash. The operations command refuses to guess a repair."""
    old = {"input_paths": {"key": "$.detail.object.key"}, "input_template": '{"key": "<key>"}'}
    with pytest.raises(UndeliverableInput, match="does not escape"):
        apply_input_transformer(old, object_created_event(key='say "hi".png'))
    assert apply_input_transformer(old, object_created_event(key="a\\tb.png")) == {"key": "a\tb.png"}
    assert apply_input_transformer(old, object_created_event(key="plain.png")) == {"key": "plain.png"}


def test_object_input_is_the_same_document_in_both_modes():
    expected_keys = ["bucket", "key", "size", "eventName", "eventTime", "region"]
    eb = _render(input_transformer("eventbridge"), object_created_event(key="a/b.png", size=42))
    ct = _render(input_transformer("cloudtrail"), cloudtrail_event(key="a/b.png"))
    assert list(eb) == expected_keys and list(ct) == expected_keys
    assert eb == {"bucket": TUTORIAL_BUCKET, "key": "a/b.png", "size": 42, "eventName": "PutObject",
                  "eventTime": "2021-11-12T00:00:00Z", "region": "us-east-2"}
    assert ct == {"bucket": TUTORIAL_BUCKET, "key": "a/b.png", "size": None, "eventName": "PutObject",
                  "eventTime": "2018-09-12T00:25:10Z", "region": "us-east-2"}


def test_helloworld_is_a_pass_state():
    definition = helloworld_definition()
    assert definition["States"][definition["StartAt"]] == {"Type": "Pass", "End": True}


@pytest.mark.parametrize("name,problem", [
    ("username-sfn-tutorial", None),
    ("a.b-c", None),
    ("ab", "3 to 63"),
    ("a" * 64, "3 to 63"),
    ("Upper", "lowercase"),
    ("under_score", "lowercase"),
    ("-start", "start and end"),
    ("end-", "start and end"),
    ("a..b", "adjacent dots"),
    ("192.168.5.4", "IP address"),
    ("xn--bucket", "'xn--'"),
    ("sthree-bucket", "'sthree-'"),
    ("bucket-s3alias", "'-s3alias'"),
    ("bucket--ol-s3", "'--ol-s3'"),
])
def test_bucket_name_rules(name, problem):
    found = bucket_name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found
