"""The local stand-in for CloudTrail's own checks (standin_aws.localstack.trail_problems and
trail_logs_bucket_problems, which the stand-in provider's LocalStack backend runs on every trail, since LocalStack
does not emulate CloudTrail): pure functions, no emulator and no engine needed. Each rule AWS documents for PutEventSelectors and
CreateTrail has a case that breaks it; the component's own selectors and log-bucket policy pass."""
from __future__ import annotations

import copy

import pytest

from s3_triggered_state_machine.bucket import cloudtrail_log_bucket_policy
from s3_triggered_state_machine.events import DEFAULT_EVENT_NAMES
from s3_triggered_state_machine.trail import advanced_event_selectors
from standin_aws.localstack import trail_logs_bucket_problems, trail_problems

ACCOUNT = "123456789012"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-2:{ACCOUNT}:trail/S3Event"


def _camel(value):
    """The component builds selectors with the SDK's snake_case keys; the wire (and CloudTrail) use camelCase."""
    if isinstance(value, dict):
        return {"".join(p if i == 0 else p.title() for i, p in enumerate(k.split("_"))): _camel(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def component_trail(**over) -> dict:
    selectors = _camel(advanced_event_selectors("arn:aws:s3:::username-sfn-tutorial", DEFAULT_EVENT_NAMES, "uploads/"))
    inputs = {"name": "S3Event", "s3BucketName": "username-sfn-tutorial-storage", "advancedEventSelectors": selectors}
    inputs.update(over)
    return inputs


def with_field(field: str, **ops) -> dict:
    """The component's trail with one field selector replaced (or added)."""
    inputs = component_trail()
    fields = inputs["advancedEventSelectors"][0]["fieldSelectors"]
    fields[:] = [f for f in fields if f["field"] != field] + [{"field": field, **ops}]
    return inputs


def without_field(field: str) -> dict:
    inputs = component_trail()
    fields = inputs["advancedEventSelectors"][0]["fieldSelectors"]
    fields[:] = [f for f in fields if f["field"] != field]
    return inputs


def test_the_components_trail_passes():
    assert trail_problems(component_trail()) == []


BASIC = [{"readWriteType": "WriteOnly", "includeManagementEvents": False,
          "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::username-sfn-tutorial/"]}]}]


@pytest.mark.parametrize("inputs, phrase", [
    (component_trail(eventSelectors=BASIC), "never both"),
    (with_field("eventCategory", startsWiths=["Da"]), "only the Equals operator is valid for eventCategory"),
    (with_field("eventCategory", equals=["data"]), "eventCategory must equal one of"),
    (without_field("eventCategory"), "eventCategory is required"),
    (with_field("resources.type", notEquals=["AWS::S3::Bucket"]), "only the Equals operator is valid for resources.type"),
    (without_field("resources.type"), "data events need resources.type"),
    (with_field("resources.type", equals=["AWS::S3::Object", "AWS::Lambda::Function"]), "one resources.type value"),
    (with_field("readOnly", equals=["no"]), "readOnly equals 'true' or 'false'"),
    (with_field("readOnly", notEquals=["true"]), "only the Equals operator is valid for readOnly"),
    # "if you use Equals or NotEquals, the value must exactly match the ARN of a valid resource" (StartsWith takes
    # any prefix: see test_resources_arn_starts_with_takes_any_prefix).
    (with_field("resources.ARN", equals=["arn:aws:s3:::username-sfn-tutorial"]), "'arn:PARTITION:s3:::BUCKET/KEY'"),
    (with_field("resources.ARN", notEquals=["username-sfn-tutorial/"]), "'arn:PARTITION:s3:::BUCKET/KEY'"),
    (with_field("eventNames", equals=["PutObject"]), "unknown field"),
    (with_field("eventName"), "needs at least one operator"),
    (with_field("eventName", equals=[""]), "1-2048 characters"),
    (component_trail(advancedEventSelectors=[{"name": "empty", "fieldSelectors": []}]), "must not be empty"),
    (component_trail(name="S3..Event"), "trail name"),
    (component_trail(name="ab"), "trail name"),
    (component_trail(name="-S3Event"), "trail name"),
    (component_trail(s3BucketName=""), "s3BucketName is required"),
    (with_field("eventName", equals=[f"Op{i}" for i in range(501)]), "at most 500"),
])
def test_each_documented_rule_has_a_failing_case(inputs, phrase):
    problems = trail_problems(inputs)
    assert any(phrase in p for p in problems), problems


def test_resources_arn_starts_with_takes_any_prefix():
    """AdvancedFieldSelector: "You can use any operator with resources.ARN, but if you use Equals or NotEquals, the
    value must exactly match the ARN of a valid resource": a StartsWith prefix shared by several buckets' names (the
    corpus's ct-good-wildcard-bucket) is accepted; the stand-in had refused it."""
    assert trail_problems(with_field("resources.ARN", startsWiths=["arn:aws:s3:::corpus-wild-"])) == []
    assert trail_problems(with_field("resources.ARN", equals=["arn:aws:s3:::username-sfn-tutorial/key.png"])) == []


def test_a_field_given_twice_in_one_selector_is_refused():
    inputs = component_trail()
    fields = inputs["advancedEventSelectors"][0]["fieldSelectors"]
    fields.append(copy.deepcopy(fields[0]))
    assert any("appears 2 times" in p for p in trail_problems(inputs))


def test_management_selectors_filter_only_on_category_source_and_readonly():
    inputs = component_trail(advancedEventSelectors=[{"fieldSelectors": [
        {"field": "eventCategory", "equals": ["Management"]}, {"field": "eventName", "equals": ["PutObject"]}]}])
    assert any("management-event selectors" in p for p in trail_problems(inputs))


@pytest.mark.parametrize("selectors, phrase", [
    ([{"readWriteType": "WriteOnly", "includeManagementEvents": False, "dataResources": []}], "must not be empty"),
    ([{"readWriteType": "Write", "dataResources": BASIC[0]["dataResources"]}], "readWriteType"),
    ([{"dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::username-sfn-tutorial"]}]}],
     "trailing slash"),
    ([{"dataResources": [{"type": "AWS::SNS::Topic", "values": ["arn:aws:sns:us-east-2:1:t"]}]}], "basic selectors log only"),
    (BASIC * 6, "up to 5"),
])
def test_basic_selector_rules(selectors, phrase):
    inputs = component_trail(advancedEventSelectors=[], eventSelectors=selectors)
    problems = trail_problems(inputs)
    assert any(phrase in p for p in problems), problems


def test_valid_basic_selectors_pass():
    assert trail_problems(component_trail(advancedEventSelectors=[], eventSelectors=BASIC)) == []


def test_the_components_log_bucket_policy_lets_cloudtrail_write_for_this_trail():
    policy = cloudtrail_log_bucket_policy("arn:aws:s3:::logs-bucket", ACCOUNT, TRAIL_ARN)
    assert trail_logs_bucket_problems(policy, "logs-bucket", ACCOUNT, TRAIL_ARN) == []


@pytest.mark.parametrize("policy_for, problem", [
    (lambda: None, "has no bucket policy"),
    (lambda: cloudtrail_log_bucket_policy("arn:aws:s3:::logs-bucket", ACCOUNT, TRAIL_ARN + "-other"), "GetBucketAcl"),
    (lambda: cloudtrail_log_bucket_policy("arn:aws:s3:::logs-bucket", "999999999999", TRAIL_ARN), "s3:PutObject"),
    (lambda: cloudtrail_log_bucket_policy("arn:aws:s3:::another-bucket", ACCOUNT, TRAIL_ARN), "GetBucketAcl"),
])
def test_a_log_bucket_policy_cloudtrail_cannot_use_is_refused(policy_for, problem):
    problems = trail_logs_bucket_problems(policy_for(), "logs-bucket", ACCOUNT, TRAIL_ARN)
    assert any(problem in p for p in problems), problems


def test_a_key_prefix_moves_where_cloudtrail_writes():
    policy = cloudtrail_log_bucket_policy("arn:aws:s3:::logs-bucket", ACCOUNT, TRAIL_ARN)
    problems = trail_logs_bucket_problems(policy, "logs-bucket", ACCOUNT, TRAIL_ARN, key_prefix="trails")
    assert any("s3:PutObject" in p for p in problems)
