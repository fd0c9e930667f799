"""One passing and at least one failing case per policy, asserting the policy name and a phrase."""

import json

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from policies.s3_trigger import POLICY_NAMES, all_policies
from policy_testkit import (BUCKET, LOGS, QUEUE_ARN, REGION, SM_ARN, T_BUCKET, T_NOTIFICATION, T_ROLE,
                            T_ROLE_POLICY, T_RULE, T_TARGET, T_TRAIL, TUTORIAL_CONSOLE_PATTERN, U, Stack,
                            advanced_selectors, assert_clean, assert_violation, basic_log_everything,
                            cloudtrail_pattern, object_created_pattern, policy, reference_stack,
                            run_both, run_resource, run_stack, start_policy, trust_policy, urn)

MANDATORY = {"s3-trigger-same-region", "s3-trigger-object-created-events", "s3-trigger-trail-logs-bucket",
             "s3-trigger-eventbridge-enabled", "s3-trigger-no-trail-feedback-loop",
             "s3-trigger-least-privilege-role", "s3-trigger-kms-key-policy"}
ADVISORY = {"s3-trigger-copy-object", "s3-trigger-dead-letter-queue", "s3-trigger-trail-cost",
            "s3-trigger-trail-quota", "s3-trigger-target-after-permissions", "s3-trigger-undecided-in-preview"}
UNDECIDED = "s3-trigger-undecided-in-preview"


def test_names_and_levels_are_the_interface():
    pols = {p.name: p for p in all_policies()}
    assert set(pols) == MANDATORY | ADVISORY == set(POLICY_NAMES)
    for name in MANDATORY:
        assert pols[name].enforcement_level == EnforcementLevel.MANDATORY, name
    for name in ADVISORY:
        assert pols[name].enforcement_level == EnforcementLevel.ADVISORY, name
    stack = {"s3-trigger-same-region", "s3-trigger-trail-logs-bucket"}
    for name in stack:
        assert isinstance(pols[name], StackValidationPolicy)
    assert isinstance(pols["s3-trigger-copy-object"], ResourceValidationPolicy)
    # What one rule's inputs decide is judged before the engine creates the rule (pulumi up runs resource policies
    # before each resource's step); delivery across resources after, on the stack.
    assert isinstance(pols["s3-trigger-object-created-events"], ResourceValidationPolicy)
    assert isinstance(pols["s3-trigger-object-created-events"], StackValidationPolicy)
    assert isinstance(pols["s3-trigger-no-trail-feedback-loop"], ResourceValidationPolicy)
    assert pols["s3-trigger-trail-logs-bucket"].config_schema.properties["bucketsLoggedElsewhere"]["default"] == []
    assert pols["s3-trigger-trail-cost"].config_schema.properties["multipartParts"]["default"] == 100


@pytest.mark.parametrize("preview", [False, True])
@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
@pytest.mark.parametrize("name", [n for n in POLICY_NAMES])
def test_reference_stack_passes_every_policy(name, preview, delivery):
    s = reference_stack(preview, delivery=delivery)
    p = policy(name)
    if name == UNDECIDED and preview:
        # The role's permission is computed from the state machine's ARN: unknown in preview, and said so.
        r = run_stack(name, s)
        assert r.messages and all("RolePolicy 'role-policy'" in m and "StateMachine 'Helloworld'" in m
                                  and "`pulumi up --policy-pack` judges it" in m for m in r.messages), r.text()
    elif isinstance(p, StackValidationPolicy):
        assert_clean(run_stack(name, s))
    else:
        for i in s.items:
            assert_clean(run_resource(name, i["type"], i["props"], name=i["name"]))


# ---- s3-trigger-object-created-events -------------------------------------------------------------

def _with_pattern(pattern, preview=False):
    s = reference_stack(preview)
    s.get("rule")["props"]["eventPattern"] = pattern
    return s


def test_tutorial_console_setup_put_object_only_fails():
    r = run_stack("s3-trigger-object-created-events", _with_pattern(TUTORIAL_CONSOLE_PATTERN))
    assert_violation(r, "CompleteMultipartUpload on bucket 'username-sfn-tutorial' never starts")
    assert_violation(r, 'detail.eventName is "CompleteMultipartUpload" in the event')
    assert r.violations[0][1] == urn(T_RULE, "rule")


@pytest.mark.parametrize("pattern, phrase", [
    ({"source": ["aws.s3"], "detail-type": ["AWS API Call Via CloudTrail"],
      "detail": {"eventName": ["PutObject", "CompleteMultipartUpload"]}}, "never matches"),
    ({"source": ["aws.S3"], "detail-type": ["AWS API Call via CloudTrail"],
      "detail": {"eventName": ["PutObject", "CompleteMultipartUpload"]}}, "source 'aws.S3' never matches"),
    ({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
      "detail": {"eventSource": ["S3.amazonaws.com"], "eventName": ["PutObject", "CompleteMultipartUpload"]}},
     "detail.eventSource"),
    ({"source": "aws.s3", "detail-type": ["AWS API Call via CloudTrail"],
      "detail": {"eventName": ["PutObject", "CompleteMultipartUpload"]}}, "not an array"),
    ({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
      "detail": {"eventName": ["GetObject"], "requestParameters": {"bucketName": [BUCKET]}}},
     "PutObject on bucket 'username-sfn-tutorial' never starts"),
    ({"source": ["aws.s3"], "detail-type": ["Object Created"],
      "detail": {"bucket": {"name": [BUCKET]}, "reason": ["PutObject"]}}, "detail.reason is \"CompleteMultipartUpload\" in the event"),
])
def test_object_created_events_failures(pattern, phrase):
    assert_violation(run_both("s3-trigger-object-created-events", _with_pattern(json.dumps(pattern))), phrase)


def test_rule_on_every_s3_call_starts_executions_for_parts_and_reads_that_a_trail_logs():
    s = _with_pattern(json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
                                  "detail": {"requestParameters": {"bucketName": [BUCKET]}}}))
    assert_clean(run_stack("s3-trigger-object-created-events", s))  # the trail logs only the 3 uploads: nothing else exists
    t = s.get("trail")["props"]
    del t["advancedEventSelectors"]
    t["eventSelectors"] = basic_log_everything()
    r = run_stack("s3-trigger-object-created-events", s)
    assert_violation(r, "UploadPart")
    assert_violation(r, "DeleteObject")
    assert_violation(r, "no new object")


def test_notification_rule_on_deletes_starts_executions_for_them():
    s = reference_stack(delivery="eventbridge")
    s.get("rule")["props"]["eventPattern"] = json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created", "Object Deleted"], "detail": {"bucket": {"name": [BUCKET]}}})
    r = run_stack("s3-trigger-object-created-events", s)
    assert_violation(r, "Object Deleted (DeleteObject)")
    assert_violation(r, "on bucket 'username-sfn-tutorial' start StateMachine 'Helloworld', but they create no new object")


def test_object_created_events_invalid_json_of_s3_rule():
    r = run_both("s3-trigger-object-created-events", _with_pattern('{"source": ["aws.s3"'))
    assert_violation(r, "not valid JSON")


def test_object_created_events_ignores_non_s3_rules():
    s = Stack()
    s.add(T_RULE, "ec2", {"eventPattern": json.dumps({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]})})
    s.add(T_RULE, "schedule", {"scheduleExpression": "rate(5 minutes)"})
    assert_clean(run_stack("s3-trigger-object-created-events", s))


def test_object_created_reason_list_with_multipart_passes():
    p = object_created_pattern(reasons=["PutObject", "POST Object", "CopyObject", "CompleteMultipartUpload"])
    assert_clean(run_stack("s3-trigger-object-created-events", _with_pattern(p)))


# ---- s3-trigger-copy-object ------------------------------------------------------------------------

def test_copy_object_missing_is_advisory_violation():
    r = run_resource("s3-trigger-copy-object", T_RULE,
                     {"eventPattern": cloudtrail_pattern(names=["PutObject", "CompleteMultipartUpload"])})
    assert_violation(r, "not CloudTrail eventName CopyObject")
    r = run_resource("s3-trigger-copy-object", T_RULE,
                     {"eventPattern": object_created_pattern(reasons=["PutObject", "CompleteMultipartUpload"])})
    assert_violation(r, "leaves out CopyObject")


def test_copy_object_present_passes_and_non_s3_is_not_applicable():
    assert_clean(run_resource("s3-trigger-copy-object", T_RULE, {"eventPattern": cloudtrail_pattern()}))
    assert_clean(run_resource("s3-trigger-copy-object", T_RULE, {"eventPattern": object_created_pattern()}))
    r = run_resource("s3-trigger-copy-object", T_RULE, {"eventPattern": json.dumps({"source": ["aws.ec2"]})})
    assert r.not_applicable == "not an S3 rule"


# ---- s3-trigger-same-region ------------------------------------------------------------------------

def test_trail_in_another_region_fails():
    s = reference_stack()
    s.get("trail")["region"] = "us-west-2"
    assert_violation(run_stack("s3-trigger-same-region", s), "Trail 'trail' is a single-region trail in us-west-2")


def test_multi_region_trail_elsewhere_passes():
    s = reference_stack()
    s.get("trail")["region"] = "us-west-2"
    s.get("trail")["props"]["isMultiRegionTrail"] = True
    assert_clean(run_stack("s3-trigger-same-region", s))


def test_state_machine_arn_in_another_region_fails():
    s = reference_stack()
    s.get("target")["props"]["arn"] = "arn:aws:states:eu-west-1:123456789012:stateMachine:Other"
    s.get("target")["propdeps"]["arn"] = []
    r = run_stack("s3-trigger-same-region", s)
    assert_violation(r, "stateMachine:Other is in eu-west-1, the rule in us-east-2")


def test_region_property_overrides_provider_region():
    s = reference_stack()
    s.get("uploads")["props"]["region"] = "eu-central-1"
    assert_violation(run_stack("s3-trigger-same-region", s), "bucket's events are delivered in eu-central-1")


def test_dlq_in_another_region_fails_in_preview_via_property_dependencies():
    s = reference_stack(preview=True)
    s.get("dlq")["region"] = "ap-south-1"
    assert_violation(run_stack("s3-trigger-same-region", s), "the dead-letter queue Queue 'dlq' is in ap-south-1")


def test_state_machine_in_another_region_fails_in_preview_via_property_dependencies():
    s = reference_stack(preview=True)
    s.get("Helloworld")["props"]["region"] = "eu-west-1"
    assert_violation(run_stack("s3-trigger-same-region", s), "the target StateMachine 'Helloworld' is in eu-west-1")


def test_unknown_unlinked_target_arn_is_undecided_not_refused():
    s = reference_stack(preview=True)
    s.get("target")["propdeps"]["arn"] = []
    s.get("target")["deps"] = []
    assert_clean(run_stack("s3-trigger-same-region", s))
    r = run_stack(UNDECIDED, s)
    assert_violation(r, "the arn of EventTarget 'target' is unknown during preview and depends on no resource")
    assert_violation(r, "`pulumi up --policy-pack` judges it")


# ---- s3-trigger-trail-logs-bucket ------------------------------------------------------------------

def test_no_trail_fails():
    s = reference_stack()
    s.items = [i for i in s.items if i["type"] != T_TRAIL]
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s), "there is no trail in this stack")


def test_trail_without_data_events_for_the_bucket_fails():
    s = reference_stack()
    s.get("trail")["props"]["advancedEventSelectors"] = advanced_selectors(bucket="some-other-bucket")
    r = run_stack("s3-trigger-trail-logs-bucket", s)
    assert_violation(r, "no trail in this stack logs write data events")
    assert_violation(r, "resources.ARN")


def test_management_only_trail_fails():
    s = reference_stack()
    del s.get("trail")["props"]["advancedEventSelectors"]
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s), "management events only")


def test_advanced_selector_filtering_out_complete_multipart_upload_fails():
    s = reference_stack()
    s.get("trail")["props"]["advancedEventSelectors"] = advanced_selectors(names=["PutObject", "CopyObject"])
    r = run_stack("s3-trigger-trail-logs-bucket", s)
    assert_violation(r, "CompleteMultipartUpload on bucket 'username-sfn-tutorial' never starts")
    assert_violation(r, 'filters it out (eventName equals ["PutObject", "CopyObject"])')


def test_logging_off_fails():
    s = reference_stack()
    s.get("trail")["props"]["enableLogging"] = False
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s), "logging is off")


def test_trail_prefix_narrower_than_rule_fails_and_matching_prefix_passes():
    s = reference_stack()
    s.get("trail")["props"]["advancedEventSelectors"] = advanced_selectors(prefix="uploads/")
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s), "no trail in this stack logs")
    s.get("rule")["props"]["eventPattern"] = cloudtrail_pattern(key_prefix="uploads/")
    assert_clean(run_stack("s3-trigger-trail-logs-bucket", s))


def test_basic_writeonly_selector_on_bucket_passes():
    s = reference_stack()
    t = s.get("trail")["props"]
    del t["advancedEventSelectors"]
    t["eventSelectors"] = [{"readWriteType": "WriteOnly", "includeManagementEvents": False,
                            "dataResources": [{"type": "AWS::S3::Object", "values": [f"arn:aws:s3:::{BUCKET}/"]}]}]
    assert_clean(run_stack("s3-trigger-trail-logs-bucket", s))
    t["eventSelectors"][0]["readWriteType"] = "ReadOnly"
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s), "log only reads")


def test_buckets_logged_elsewhere_config():
    s = reference_stack()
    s.items = [i for i in s.items if i["type"] != T_TRAIL]
    assert_clean(run_stack("s3-trigger-trail-logs-bucket", s, {"bucketsLoggedElsewhere": [BUCKET]}))
    assert_clean(run_stack("s3-trigger-trail-logs-bucket", s, {"bucketsLoggedElsewhere": ["username-*"]}))
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s, {"bucketsLoggedElsewhere": ["nope"]}), "no trail")


def test_rule_on_any_bucket_serves_the_buckets_whose_events_reach_it():
    s = reference_stack()
    s.get("rule")["props"]["eventPattern"] = json.dumps({
        "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}})
    assert_clean(run_stack("s3-trigger-trail-logs-bucket", s))  # the trail's bucket: every upload arrives
    s.items = [i for i in s.items if i["type"] != T_TRAIL]
    assert_violation(run_stack("s3-trigger-trail-logs-bucket", s), "there is no trail in this stack")


# ---- s3-trigger-eventbridge-enabled ----------------------------------------------------------------

def test_object_created_rule_without_notification_fails():
    s = reference_stack(delivery="eventbridge")
    s.items = [i for i in s.items if i["type"] != T_NOTIFICATION]
    assert_violation(run_stack("s3-trigger-eventbridge-enabled", s), "has no BucketNotification")


def test_notification_without_eventbridge_fails():
    s = reference_stack(delivery="eventbridge")
    s.get("notification")["props"]["eventbridge"] = False
    assert_violation(run_stack("s3-trigger-eventbridge-enabled", s), "without eventbridge=true")


def test_object_created_rule_on_unmanaged_bucket_passes():
    s = reference_stack(delivery="eventbridge")
    s.items = [i for i in s.items if i["type"] != T_NOTIFICATION]
    s.get("rule")["props"]["eventPattern"] = object_created_pattern(bucket="not-in-this-stack")
    s.get("rule")["propdeps"] = {}
    s.get("rule")["deps"] = []
    assert_clean(run_stack("s3-trigger-eventbridge-enabled", s))


# ---- s3-trigger-no-trail-feedback-loop -------------------------------------------------------------

def test_trail_logging_its_own_log_bucket_fails():
    props = {"s3BucketName": LOGS, "advancedEventSelectors": advanced_selectors(bucket=LOGS)}
    assert_violation(run_resource("s3-trigger-no-trail-feedback-loop", T_TRAIL, props), "forever")


def test_trail_logging_all_buckets_with_unknown_log_bucket_fails():
    props = {"s3BucketName": U, "eventSelectors": basic_log_everything()}
    assert_violation(run_resource("s3-trigger-no-trail-feedback-loop", T_TRAIL, props), "every S3 bucket")


def test_trail_logging_another_bucket_passes_and_unknown_is_deferred():
    props = {"s3BucketName": LOGS, "advancedEventSelectors": advanced_selectors()}
    assert_clean(run_resource("s3-trigger-no-trail-feedback-loop", T_TRAIL, props))
    props["s3BucketName"] = U
    r = run_resource("s3-trigger-no-trail-feedback-loop", T_TRAIL, props)
    assert not r.violations and "unknown during preview" in r.not_applicable


# ---- s3-trigger-least-privilege-role ---------------------------------------------------------------

@pytest.mark.parametrize("policy_doc, phrase", [
    (start_policy(action="states:*"), "allows states:*"),
    (start_policy(action=["states:StartExecution", "states:StopExecution"]), "allows states:StopExecution"),
    (start_policy(resource="*"), "a wildcard"),
    (start_policy(resource="arn:aws:states:us-east-2:123456789012:stateMachine:*"), "a wildcard"),
    (start_policy(resource="arn:aws:states:us-east-2:123456789012:stateMachine:Other"), "not the target"),
])
def test_role_policy_broader_than_start_execution_fails(policy_doc, phrase):
    s = reference_stack()
    s.get("role-policy")["props"]["policy"] = policy_doc
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), phrase)


def test_role_assumable_by_others_fails():
    s = reference_stack()
    s.get("role")["props"]["assumeRolePolicy"] = trust_policy({"AWS": "arn:aws:iam::999999999999:root"})
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), "can be assumed by AWS: ")
    s.get("role")["props"]["assumeRolePolicy"] = json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), "lambda.amazonaws.com")


def test_managed_policy_attachment_fails():
    s = reference_stack()
    role = urn(T_ROLE, "role")
    s.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin",
          {"role": "s3-sfn-role", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
          propdeps={"role": [role]})
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), "AdministratorAccess")


def test_preview_unknown_resource_passes_only_when_it_comes_from_the_target_state_machine():
    s = reference_stack(preview=True)
    assert_clean(run_stack("s3-trigger-least-privilege-role", s))
    assert_violation(run_stack(UNDECIDED, s), "computed from StateMachine 'Helloworld', the target")
    other = s.add("aws:sfn/stateMachine:StateMachine", "Other", {"name": "Other", "arn": U})
    s.get("role-policy")["propdeps"]["policy"] = [other]
    # Computed from another machine: it names that machine, which the target's role may not be allowed (decided).
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), "computed from StateMachine 'Other', not only")
    s.get("role-policy")["propdeps"]["policy"] = []
    assert_violation(run_stack(UNDECIDED, s), "do not show that it comes from")


def test_preview_known_document_with_unknown_resource():
    s = reference_stack(preview=True)
    s.get("role-policy")["props"]["policy"] = start_policy(resource=U)
    assert_clean(run_stack("s3-trigger-least-privilege-role", s))
    s.get("role-policy")["props"]["policy"] = start_policy(resource="*")
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), "a wildcard")


def test_target_without_role_fails():
    s = reference_stack()
    del s.get("target")["props"]["roleArn"]
    s.get("target")["propdeps"].pop("roleArn")
    assert_violation(run_stack("s3-trigger-least-privilege-role", s), "has no roleArn")


# ---- s3-trigger-dead-letter-queue ------------------------------------------------------------------

def test_target_without_dlq_or_retry_policy_is_advisory_violation():
    s = reference_stack()
    t = s.get("target")["props"]
    del t["deadLetterConfig"], t["retryPolicy"]
    r = run_stack("s3-trigger-dead-letter-queue", s)
    assert_violation(r, "no dead-letter queue")
    assert_violation(r, "no retryPolicy")


def test_dlq_without_queue_policy_and_bad_retry_values():
    s = reference_stack()
    s.items = [i for i in s.items if i["name"] != "dlq-policy"]
    s.get("target")["props"]["retryPolicy"] = {"maximumRetryAttempts": 500, "maximumEventAgeInSeconds": 10}
    r = run_stack("s3-trigger-dead-letter-queue", s)
    assert_violation(r, "no queue policy")
    assert_violation(r, "outside 0-185")
    assert_violation(r, "outside 60-86400")


# ---- s3-trigger-trail-cost -------------------------------------------------------------------------

def test_basic_selector_trail_that_logs_everything():
    s = reference_stack()
    t = s.get("trail")["props"]
    del t["advancedEventSelectors"]
    t["eventSelectors"] = basic_log_everything()
    t["s3BucketName"] = LOGS
    for name in ("s3-trigger-same-region", "s3-trigger-object-created-events", "s3-trigger-trail-logs-bucket",
                 "s3-trigger-eventbridge-enabled", "s3-trigger-least-privilege-role"):
        assert_clean(run_stack(name, s))
    r = run_stack("s3-trigger-trail-cost", s)
    assert_violation(r, "logs reads (GetObject, HeadObject)")
    assert_violation(r, "logs every write")
    assert_violation(r, "logs management events")
    assert_violation(r, "A multipart upload of 100 parts bills 102 data events")
    assert policy("s3-trigger-trail-cost").enforcement_level == EnforcementLevel.ADVISORY
    r = run_stack("s3-trigger-trail-cost", s, {"multipartParts": 10.0})  # numbers arrive as floats
    assert_violation(r, "A multipart upload of 10 parts bills 12 data events")
    # The same trail logs its own log bucket: the mandatory feedback-loop policy catches that.
    assert_violation(run_resource("s3-trigger-no-trail-feedback-loop", T_TRAIL, t), "forever")


def test_cost_passes_for_the_advanced_trigger_trail():
    assert_clean(run_stack("s3-trigger-trail-cost", reference_stack()))


# ---- s3-trigger-trail-quota ------------------------------------------------------------------------

def _trails(s, n, region="us-east-2", multi=False, prefix="t"):
    for i in range(n):
        s.add(T_TRAIL, f"{prefix}{i}", {"name": f"{prefix}{i}", "s3BucketName": LOGS, "isMultiRegionTrail": multi},
              region=region)


def test_trail_quota_counts_single_region_trails_per_region_and_multi_region_trails_everywhere():
    s = Stack()
    _trails(s, 5)
    assert_clean(run_stack("s3-trigger-trail-quota", s))
    _trails(s, 5, region="eu-west-1", prefix="eu")
    assert_clean(run_stack("s3-trigger-trail-quota", s))  # five per region
    _trails(s, 1, region="ap-south-1", multi=True, prefix="m")
    r = run_stack("s3-trigger-trail-quota", s)
    assert_violation(r, "6 trails count against us-east-2's quota of 5")
    assert_violation(r, "6 trails count against eu-west-1's quota of 5")
    assert_violation(r, "EventBridge delivery")
    assert policy("s3-trigger-trail-quota").enforcement_level == EnforcementLevel.ADVISORY


def test_trail_quota_six_multi_region_trails():
    s = Stack()
    _trails(s, 6, multi=True)
    assert_violation(run_stack("s3-trigger-trail-quota", s), "every region")
