"""Pure-function tests: the pattern reader and the trail selector evaluator."""

import json
import pathlib

import pytest

from policies.s3_trigger.patterns import (event_matches, leaf_matches, leaf_samples, pattern_problems,
                                          read_event_pattern)
from policies.s3_trigger.regions import arn_region, resolve_region, stack_region
from policies.s3_trigger.selectors import (explain_trail_event, multipart_billed_events, multipart_event_names,
                                           put_object_billed_events, trail_logs_event,
                                           trail_logs_management_events)
from policies.s3_trigger.values import UNKNOWN_STRING, plain
from policy_testkit import (BUCKET, TUTORIAL_CONSOLE_PATTERN, advanced_selectors, basic_log_everything,
                            cloudtrail_pattern, object_created_pattern)

REFERENCE = pathlib.Path("/work/shared/reference/aws-tutorial-s3-events-to-step-functions.txt")


def tutorial_event() -> dict:
    text = REFERENCE.read_text()
    start = text.index("{", text.index("Example of Execution Input"))
    return json.loads(text[start:])


# ---- patterns -----------------------------------------------------------------------------------

def test_tutorial_event_matches_console_and_upload_patterns():
    event = tutorial_event()
    assert event["detail"]["eventName"] == "PutObject"
    assert event_matches(json.loads(TUTORIAL_CONSOLE_PATTERN), event)
    assert event_matches(json.loads(cloudtrail_pattern()), event)
    assert not event_matches(json.loads(cloudtrail_pattern(bucket="other")), event)
    assert not event_matches(json.loads(object_created_pattern()), event)
    assert event_matches(json.loads(cloudtrail_pattern(key_prefix="test")), event)
    assert not event_matches(json.loads(cloudtrail_pattern(key_prefix="uploads/")), event)
    wrong_case = json.loads(TUTORIAL_CONSOLE_PATTERN)
    wrong_case["detail-type"] = ["AWS API Call Via CloudTrail"]
    assert not event_matches(wrong_case, event)


def test_console_pattern_reading():
    rp = read_event_pattern(TUTORIAL_CONSOLE_PATTERN)
    assert rp.state == "ok" and rp.is_s3 and rp.cloudtrail and rp.cloudtrail_based and not rp.object_created
    assert rp.event_names() == ["PutObject"]
    assert rp.bucket_names() == [BUCKET]
    assert rp.matches_bucket(BUCKET) and not rp.matches_bucket("other")
    assert not rp.problems and not rp.spelling_problems()


def test_object_created_reading():
    rp = read_event_pattern(json.loads(object_created_pattern(reasons=["PutObject", "CompleteMultipartUpload"])))
    assert rp.object_created and rp.notification_based and not rp.cloudtrail
    assert rp.reasons() == ["PutObject", "CompleteMultipartUpload"]
    assert rp.bucket_names("object-created") == [BUCKET]


@pytest.mark.parametrize("leaf, value, expected", [
    (["a"], "a", True), (["a"], "A", False), ([{"prefix": "up"}], "uploads/x", True),
    ([{"suffix": ".png"}], "x.png", True), ([{"suffix": ".png"}], "x.jpg", False),
    ([{"wildcard": "uploads/*.png"}], "uploads/a/b.png", True), ([{"wildcard": "uploads/*.png"}], "x.png", False),
    ([{"wildcard": "a\\*b"}], "a*b", True), ([{"wildcard": "a\\*b"}], "axxb", False),
    ([{"anything-but": ["GetObject"]}], "PutObject", True), ([{"anything-but": "x"}], "x", False),
    ([{"anything-but": {"prefix": "Get"}}], "GetObject", False),
    ([{"equals-ignore-case": "putobject"}], "PutObject", True),
    ([{"prefix": {"equals-ignore-case": "PUT"}}], "PutObject", True),
    ([{"numeric": [">", 0, "<=", 5]}], 5, True), ([{"numeric": [">", 0]}], 0, False),
    ("a", "a", False),  # a non-array leaf never matches
])
def test_leaf_matches(leaf, value, expected):
    assert leaf_matches(leaf, value) is expected


def test_exists_and_arrays():
    assert leaf_matches([{"exists": False}], None, present=False)
    assert not leaf_matches([{"exists": True}], None, present=False)
    assert leaf_matches(["b"], ["a", "b"])
    assert event_matches({"detail": {"x": [{"exists": False}]}}, {"detail": {}})
    assert event_matches({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"b": "2"})


def test_pattern_problems():
    assert pattern_problems({"source": ["aws.s3"]}) == []
    assert any("not an array" in p for p in pattern_problems({"detail": {"eventName": "PutObject"}}))
    assert any("empty array" in p for p in pattern_problems({"source": []}))
    assert any("not a known content filter" in p for p in pattern_problems({"source": [{"startsWith": "a"}]}))
    assert pattern_problems([1]) and pattern_problems({})


def test_samples_for_prefix_and_wildcard_buckets():
    samples = leaf_samples([{"prefix": "logs-"}, "exact", {"wildcard": "a*z"}], "sample", "any", "any")
    assert [s.value for s in samples] == ["logs-sample", "exact", "asamplez"]
    assert leaf_samples(None, "s", "any-bucket", "every bucket")[0].value == "any-bucket"


@pytest.mark.parametrize("raw, state", [
    (None, "missing"), ("", "missing"), (UNKNOWN_STRING, "unknown"), ("{not json", "invalid"),
    ("[1,2]", "invalid"), (42, "invalid"), ('{"source": ["aws.s3"]}', "ok"), ({"source": ["aws.s3"]}, "ok"),
    ('{"detail": {"bucketName": "' + UNKNOWN_STRING + '"}}', "unknown"),
])
def test_read_event_pattern_states(raw, state):
    assert read_event_pattern(raw).state == state


def test_plain_unwraps_proxies_without_raising():
    from pulumi_policy.proxy import unknown_checking_proxy
    p = unknown_checking_proxy({"a": UNKNOWN_STRING, "b": [1, {"c": UNKNOWN_STRING}]})
    assert plain(p) == {"a": UNKNOWN_STRING, "b": [1, {"c": UNKNOWN_STRING}]}


# ---- selectors ----------------------------------------------------------------------------------

BASIC_WRITEONLY = {"eventSelectors": [{"readWriteType": "WriteOnly", "includeManagementEvents": False,
                                       "dataResources": [{"type": "AWS::S3::Object",
                                                          "values": [f"arn:aws:s3:::{BUCKET}/"]}]}]}
ADVANCED = {"advancedEventSelectors": advanced_selectors(
    names=["PutObject", "CompleteMultipartUpload", "CopyObject", "PostObject"])}


@pytest.mark.parametrize("parts", [1, 2, 10, 100, 10000])
def test_multipart_billing_basic_writeonly_is_n_plus_2_advanced_is_1(parts):
    assert multipart_event_names(parts).count("UploadPart") == parts
    assert multipart_billed_events(BASIC_WRITEONLY, BUCKET, "big.bin", parts) == parts + 2
    assert multipart_billed_events(ADVANCED, BUCKET, "big.bin", parts) == 1
    assert put_object_billed_events(ADVANCED, BUCKET, "small.bin") == 1


def test_basic_selectors():
    assert trail_logs_event(BASIC_WRITEONLY, BUCKET, "a", "PutObject", False)
    assert not trail_logs_event(BASIC_WRITEONLY, BUCKET, "a", "GetObject", True)
    assert not trail_logs_event(BASIC_WRITEONLY, "other", "a", "PutObject", False)
    every = {"eventSelectors": basic_log_everything()}
    assert trail_logs_event(every, "any-bucket", "k", "GetObject", True)
    assert trail_logs_management_events(every) is True
    assert trail_logs_management_events(BASIC_WRITEONLY) is False
    prefix = {"eventSelectors": [{"dataResources": [{"type": "AWS::S3::Object",
                                                     "values": [f"arn:aws:s3:::{BUCKET}/uploads/"]}]}]}
    assert trail_logs_event(prefix, BUCKET, "uploads/x", "PutObject")
    assert not trail_logs_event(prefix, BUCKET, "other/x", "PutObject")
    lambdas = {"eventSelectors": [{"dataResources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]}]}
    assert not trail_logs_event(lambdas, BUCKET, "k", "PutObject")


def test_advanced_selectors():
    adv = {"advancedEventSelectors": advanced_selectors()}
    assert trail_logs_event(adv, BUCKET, "k", "CompleteMultipartUpload", False)
    assert not trail_logs_event(adv, BUCKET, "k", "UploadPart", False)
    assert not trail_logs_event(adv, BUCKET, "k", "GetObject", True)
    no_cmu = {"advancedEventSelectors": advanced_selectors(names=["PutObject", "CopyObject"])}
    d = explain_trail_event(no_cmu, BUCKET, "k", "CompleteMultipartUpload", False)
    assert d.logged is False and "eventName" in d.reason
    neg = {"advancedEventSelectors": [{"fieldSelectors": [
        {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        {"field": "eventName", "notEquals": ["GetObject"]}]}]}
    assert trail_logs_event(neg, "b", "k", "PutObject") and not trail_logs_event(neg, "b", "k", "GetObject")
    assert trail_logs_management_events(adv) is False
    mgmt = {"advancedEventSelectors": [{"fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]}
    assert trail_logs_management_events(mgmt) is True
    assert not trail_logs_event(mgmt, BUCKET, "k", "PutObject")
    cn = {"advancedEventSelectors": advanced_selectors()}
    cn["advancedEventSelectors"][0]["fieldSelectors"][2]["startsWiths"] = [f"arn:aws-cn:s3:::{BUCKET}/"]
    assert trail_logs_event(cn, BUCKET, "k", "PutObject")
    user = {"advancedEventSelectors": advanced_selectors()}
    user["advancedEventSelectors"][0]["fieldSelectors"].append({"field": "userIdentity.arn", "equals": ["x"]})
    assert not trail_logs_event(user, BUCKET, "k", "PutObject")  # not guaranteed for every upload


def test_trail_defaults_and_unknowns():
    assert not trail_logs_event({}, BUCKET, "k", "PutObject")
    assert trail_logs_management_events({}) is True
    off = dict(ADVANCED, enableLogging=False)
    assert explain_trail_event(off, BUCKET, "k", "PutObject").reason.startswith("logging is off")
    assert explain_trail_event({"advancedEventSelectors": UNKNOWN_STRING}, BUCKET, "k", "PutObject").logged is None
    assert explain_trail_event(dict(ADVANCED, enableLogging=UNKNOWN_STRING), BUCKET, "k", "PutObject").logged is None
    # an unset computed list reported as unknown does not hide the known selectors
    assert trail_logs_event(dict(ADVANCED, eventSelectors=UNKNOWN_STRING), BUCKET, "k", "PutObject")
    assert trail_logs_event({"advanced_event_selectors": advanced_selectors()}, BUCKET, "k", "PutObject")


# ---- regions ------------------------------------------------------------------------------------

def test_regions():
    assert arn_region("arn:aws:states:eu-west-1:1:stateMachine:x") == "eu-west-1"
    assert arn_region("arn:aws:iam::1:role/x") == ""
    assert arn_region(UNKNOWN_STRING) is None and arn_region(5) is None
    assert resolve_region("aws:sqs/queue:Queue", {"region": "ap-south-1"}, {"region": "us-east-1"}).name == "ap-south-1"
    assert resolve_region("aws:sqs/queue:Queue", {}, {"region": "us-east-1"}, "us-east-2").name == "us-east-1"
    assert resolve_region("aws:sqs/queue:Queue", {}, {}, "us-east-2").name == "us-east-2"
    assert resolve_region("aws:sqs/queue:Queue", {"region": UNKNOWN_STRING}).unknown
    assert resolve_region("aws:iam/role:Role", {"region": "x"}).source == "global"
    assert stack_region() == "us-east-2"  # from PULUMI_CONFIG, as the engine passes it
    assert stack_region({"aws:region": "eu-north-1"}) == "eu-north-1"
