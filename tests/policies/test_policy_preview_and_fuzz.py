"""Preview unknowns (documented behaviour) and property-based robustness: zero crashes."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import ResourceValidationPolicy

from policies.s3_trigger import all_policies
from policies.s3_trigger.values import UNKNOWN_SENTINELS
from policy_testkit import (T_BUCKET, T_RULE, T_TRAIL, U, Stack, assert_violation, reference_stack, resource_args,
                            run, run_resource, run_stack, urn)

INTERNAL_ERROR = "failed while checking"
UNDECIDED = "s3-trigger-undecided-in-preview"


# ---- preview behaviour ----------------------------------------------------------------------------

def test_unknown_pattern_built_from_a_bucket_is_decided_where_it_can_be_and_said_where_not():
    # bucket.id in a pattern is a common idiom: every step the pattern does not decide is judged (here all pass),
    # and the advisory names what is left to the update. No mandatory policy refuses it.
    s = reference_stack(preview=True)
    s.get("rule")["props"]["eventPattern"] = U
    for p in all_policies():
        if not isinstance(p, ResourceValidationPolicy) and p.name != UNDECIDED:
            assert not run(p, s.args()).violations, p.name
    r = run_stack(UNDECIDED, s)
    assert_violation(r, "EventRule 'rule': its eventPattern is unknown during preview (computed from Bucket 'uploads')")


def test_unknown_pattern_from_outside_the_stack_is_an_advisory_with_a_clear_message():
    s = reference_stack(preview=True)
    s.get("rule")["props"]["eventPattern"] = U
    s.get("rule")["propdeps"], s.get("rule")["deps"] = {}, []
    assert not run_stack("s3-trigger-object-created-events", s).violations
    r = run_stack(UNDECIDED, s)
    assert_violation(r, "cannot verify during preview: EventRule 'rule': its eventPattern is unknown")
    assert_violation(r, "it depends on no resource of this stack")
    assert_violation(r, "`pulumi up --policy-pack` judges it")


def test_unknown_pattern_not_linked_to_a_bucket_is_not_an_s3_rule():
    s = Stack()
    s.add(T_RULE, "rule", {"eventPattern": U})
    assert not run_stack("s3-trigger-object-created-events", s).violations


def test_resource_policies_defer_unknowns_to_the_update_with_a_reason():
    r = run_resource("s3-trigger-copy-object", T_RULE, {"eventPattern": U})
    assert not r.violations and "unknown during preview" in r.not_applicable


def test_whole_stack_of_unknowns_never_raises_unknown_value_error():
    s = reference_stack(preview=True)
    for i in s.items:
        i["props"] = {k: U for k in i["props"]}
    for p in all_policies():
        if isinstance(p, ResourceValidationPolicy):
            for i in s.items:
                r = run(p, resource_args(i["type"], i["props"], name=i["name"]))
                assert not any(INTERNAL_ERROR in m for m in r.messages)
        else:
            r = run(p, s.args())  # UnknownValueError would propagate out of run()
            assert not any(INTERNAL_ERROR in m for m in r.messages), r.messages


# ---- hypothesis ---------------------------------------------------------------------------------

TYPES = [T_BUCKET, T_TRAIL, T_RULE, "aws:cloudwatch/eventTarget:EventTarget", "aws:iam/role:Role",
         "aws:iam/rolePolicy:RolePolicy", "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy",
         "aws:sfn/stateMachine:StateMachine", "aws:s3/bucketNotification:BucketNotification",
         "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "pulumi:providers:aws"]
KEYS = ["eventPattern", "advancedEventSelectors", "eventSelectors", "enableLogging", "s3BucketName",
        "isMultiRegionTrail", "bucket", "arn", "id", "name", "rule", "roleArn", "deadLetterConfig", "retryPolicy",
        "assumeRolePolicy", "policy", "role", "queueUrl", "eventbridge", "region", "managedPolicyArns",
        "inlinePolicies", "fieldSelectors", "dataResources", "values", "field", "equals", "startsWiths",
        "readWriteType", "includeManagementEvents", "Statement", "Effect", "Action", "Resource", "Principal",
        "source", "detail-type", "detail", "requestParameters", "bucketName", "eventName", "reason",
        "s3KeyPrefix", "maximumRetryAttempts", "maximumEventAgeInSeconds", "type"]
STRINGS = st.sampled_from(sorted(UNKNOWN_SENTINELS) + [
    "aws.s3", "AWS API Call via CloudTrail", "Object Created", "PutObject", "CompleteMultipartUpload",
    "arn:aws:s3", "arn:aws:s3:::b/", "arn:aws:states:us-east-2:1:stateMachine:x", "events.amazonaws.com",
    "*", "Allow", "AWS::S3::Object", "Data", "false", "b", "", "arn:", "{", "[]", "null",
    json.dumps({"source": ["aws.s3"], "detail": {"eventName": "x"}}),
    json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
]) | st.text(max_size=20)

SCALARS = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | STRINGS
JSONISH = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=4)
                       | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), kids, max_size=5),
                       max_leaves=30)
PROPS = st.dictionaries(st.sampled_from(KEYS), JSONISH | JSONISH.map(lambda v: json.dumps(v, default=str)),
                        max_size=8)


@st.composite
def stacks(draw):
    s = Stack()
    n = draw(st.integers(0, 8))
    urns = []
    for i in range(n):
        rtype = draw(st.sampled_from(TYPES))
        props = draw(PROPS)
        deps = draw(st.lists(st.sampled_from(urns), max_size=3)) if urns else []
        pdeps = {draw(st.sampled_from(KEYS)): deps} if deps else {}
        urns.append(s.add(rtype, f"r{i}", props, deps=deps, propdeps=pdeps,
                          region=draw(st.sampled_from([None, "us-east-2", "eu-west-1"]))))
    return s


def _json_safe(props):
    try:
        json.dumps(props, allow_nan=True)
        return True
    except (ValueError, TypeError):
        return False


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(stacks(), st.dictionaries(st.sampled_from(["bucketsLoggedElsewhere", "multipartParts"]), JSONISH, max_size=2))
def test_every_stack_policy_survives_generated_stacks(stack, config):
    for p in all_policies():
        if isinstance(p, ResourceValidationPolicy):
            continue
        r = run(p, stack.args(config))
        assert not any(INTERNAL_ERROR in m for m in r.messages), r.messages


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(TYPES), PROPS)
def test_every_resource_policy_survives_generated_props(rtype, props):
    for p in all_policies():
        if not isinstance(p, ResourceValidationPolicy):
            continue
        r = run(p, resource_args(rtype, props))
        assert not any(INTERNAL_ERROR in m for m in r.messages), r.messages


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(PROPS)
def test_generated_stacks_around_the_reference_stack(props):
    """Malformed props spliced into a realistic stack: verdicts, never crashes."""
    s = reference_stack(preview=bool(len(props) % 2))
    for i in s.items:
        i["props"] = {**i["props"], **props}
    for p in all_policies():
        if isinstance(p, ResourceValidationPolicy):
            for i in s.items:
                assert not any(INTERNAL_ERROR in m for m in run(p, resource_args(i["type"], i["props"])).messages)
        else:
            assert not any(INTERNAL_ERROR in m for m in run(p, s.args()).messages)


def test_deeply_nested_and_huge_values():
    deep = {}
    cur = deep
    for _ in range(3000):
        cur["detail"] = {}
        cur = cur["detail"]
    s = reference_stack()
    s.get("rule")["props"]["eventPattern"] = '{"a":' * 5000 + "1" + "}" * 5000
    for p in all_policies():
        if not isinstance(p, ResourceValidationPolicy):
            r = run(p, s.args())
            assert not any(INTERNAL_ERROR in m for m in r.messages)
    r = run_resource("s3-trigger-copy-object", T_RULE, {"eventPattern": "x" * 2_000_000})
    assert r.not_applicable


def test_huge_stack_is_fast(benchmark_budget=20.0):
    import time
    s = reference_stack()
    for i in range(300):
        s.add(T_BUCKET, f"b{i}", {"bucket": f"bucket-{i}"})
        s.add(T_RULE, f"rule{i}", {"name": f"rule{i}", "eventPattern": json.dumps({
            "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
                       "requestParameters": {"bucketName": [f"bucket-{i}"]}}})},
              propdeps={"eventPattern": [urn(T_BUCKET, f"b{i}")]})
        s.add(T_TRAIL, f"trail{i}", {"s3BucketName": "logs", "advancedEventSelectors": []})
    start = time.monotonic()
    for p in all_policies():
        if not isinstance(p, ResourceValidationPolicy):
            run(p, s.args())
    assert time.monotonic() - start < benchmark_budget
