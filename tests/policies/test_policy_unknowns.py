"""Issue 17: the pack decides in preview what the engine's graph decides, reports every independent fault, judges one
resource's inputs before the resource exists, and says out loud what it cannot decide.

Substitute: pulumi_policy's own validation args built in-process (policy_testkit: props wrapped in the same
unknown-checking proxy the pack gets from the engine, unknowns as the engine's sentinels); pure functions otherwise.
"""

import json

from policy_testkit import (ACCOUNT, BUCKET, REGION, SM_ARN, T_BUCKET, T_NOTIFICATION, T_QUEUE_POLICY, T_ROLE,
                            T_ROLE_POLICY, T_RULE, T_TARGET, T_TRAIL, U, assert_clean, assert_violation,
                            object_created_pattern, reference_stack, run_both, run_resource, run_stack, start_policy,
                            urn)

OCE = "s3-trigger-object-created-events"
TLB = "s3-trigger-trail-logs-bucket"
EBE = "s3-trigger-eventbridge-enabled"
LP = "s3-trigger-least-privilege-role"
SR = "s3-trigger-same-region"
UNDECIDED = "s3-trigger-undecided-in-preview"
ORDER = "s3-trigger-target-after-permissions"
MANDATORY = (SR, OCE, TLB, EBE, LP, "s3-trigger-no-trail-feedback-loop", "s3-trigger-kms-key-policy")


def mandatory(stack) -> dict[str, list[str]]:
    """Every mandatory policy that fires on the stack (both halves), with its messages."""
    out = {}
    for name in MANDATORY:
        r = run_both(name, stack)
        if r.violations:
            out[name] = r.messages
    return out


def pattern_from_bucket_id(stack) -> None:
    """The rule's pattern computed from bucket.id / bucket.arn (CDK's onCloudTrailWriteObject, Terraform's
    `bucket = aws_s3_bucket.x.id`): unknown as a whole in preview, its property dependency names the bucket."""
    stack.get("rule")["props"]["eventPattern"] = U


# ---- unknown patterns: decided from the dependencies -------------------------------------------------------------

def test_rule_on_a_bucket_no_trail_logs_and_that_sends_no_notifications_is_stopped_in_preview():
    s = reference_stack(preview=True)
    pattern_from_bucket_id(s)
    s.items = [i for i in s.items if i["type"] != T_TRAIL]
    got = mandatory(s)
    assert set(got) == {TLB}, got
    assert "whatever the pattern says, no event of it exists" in got[TLB][0]


def test_rule_on_a_bucket_whose_notification_is_off_is_stopped_under_eventbridge_enabled():
    s = reference_stack(preview=True, delivery="eventbridge")
    pattern_from_bucket_id(s)
    s.get("notification")["props"]["eventbridge"] = False
    got = mandatory(s)
    assert set(got) == {EBE}, got


def test_one_path_exists_so_the_unknown_pattern_decides_and_the_advisory_says_so():
    for delivery in ("cloudtrail", "eventbridge"):
        s = reference_stack(preview=True, delivery=delivery)
        pattern_from_bucket_id(s)
        assert not mandatory(s), delivery
        r = run_stack(UNDECIDED, s)
        assert_violation(r, "its eventPattern is unknown during preview (computed from Bucket 'uploads')")


def test_unknown_pattern_still_judges_the_steps_it_does_not_decide():
    """Disabled rule and a role without permission: neither depends on the pattern."""
    s = reference_stack(preview=True)
    pattern_from_bucket_id(s)
    s.get("rule")["props"]["state"] = "DISABLED"
    s.items = [i for i in s.items if i["type"] != T_ROLE_POLICY]
    got = mandatory(s)
    assert set(got) == {OCE, LP}, got
    assert any("disabled" in m for m in got[OCE])
    assert any("no policy in the stack gives" in m for m in got[LP])


# ---- every independent fault, each under its own policy ---------------------------------------------------------

def test_no_notification_and_a_role_without_permission_are_both_reported():
    for preview in (False, True):
        s = reference_stack(preview=preview, delivery="eventbridge")
        s.items = [i for i in s.items if i["type"] not in (T_NOTIFICATION, T_ROLE_POLICY)]
        got = mandatory(s)
        assert set(got) == {EBE, LP}, (preview, got)


def test_untrusted_role_without_permission_has_two_faults():
    s = reference_stack()
    s.get("role")["props"]["assumeRolePolicy"] = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    s.items = [i for i in s.items if i["type"] != T_ROLE_POLICY]
    r = run_stack(LP, s)
    assert_violation(r, "EventBridge cannot assume")
    assert_violation(r, "no policy in the stack gives")


def test_a_rule_on_a_custom_bus_is_one_fault_not_two():
    """The role's trust names the rule's ARN on the default bus: judged as it will be once the rule is moved there."""
    s = reference_stack()
    s.get("rule")["props"]["eventBusName"] = "uploads-bus"
    s.get("rule")["props"]["arn"] = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/uploads-bus/s3-sfn-rule"
    got = mandatory(s)
    assert set(got) == {OCE}, got


# ---- a literal ARN of the in-stack machine, a permission from machine.arn ----------------------------------------

def test_literal_target_arn_with_a_permission_from_the_machine_output_is_not_refused_in_preview():
    s = reference_stack(preview=True)
    t = s.get("target")
    t["props"]["arn"] = SM_ARN
    t["propdeps"]["arn"] = []
    t["deps"] = [d for d in t["deps"] if "stateMachine" not in d]
    assert not mandatory(s)
    assert_violation(run_stack(UNDECIDED, s), "computed from StateMachine 'Helloworld', the target")
    s.get("role-policy")["props"]["policy"] = start_policy(resource="*")
    assert_violation(run_stack(LP, s), "a wildcard")


# ---- resource half: one rule's inputs, before the engine creates it ----------------------------------------------

def test_misspelt_event_names_and_reasons_are_refused_before_the_rule_exists():
    ct = {"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
          "detail": {"eventName": ["PutObject", "CompleteMultiPartUpload", "CopyObject"]}}
    r = run_resource(OCE, T_RULE, {"eventPattern": json.dumps(ct)})
    assert_violation(r, "'CompleteMultiPartUpload' never matches")
    eb = {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"reason": ["PutObject", "PostObject"]}}
    assert_violation(run_resource(OCE, T_RULE, {"eventPattern": json.dumps(eb)}), "'PostObject' never matches")
    assert_violation(run_resource(OCE, T_RULE, {"eventPattern": object_created_pattern(bucket="Uploads_Bucket")}),
                     "no bucket can be called")
    assert_clean(run_resource(OCE, T_RULE, {"eventPattern": object_created_pattern(
        reasons=["PutObject", "POST Object", "CopyObject", "CompleteMultipartUpload"])}))


def test_resource_half_defers_an_unknown_pattern_with_a_reason():
    r = run_resource(OCE, T_RULE, {"eventPattern": U})
    assert not r.violations and "before it creates the rule" in r.not_applicable


# ---- last writer wins ---------------------------------------------------------------------------------------------

def test_two_notifications_on_one_bucket_are_a_finding_even_in_preview():
    s = reference_stack(preview=True, delivery="eventbridge")
    s.add(T_NOTIFICATION, "lambda-notification", {"bucket": U, "eventbridge": False},
          propdeps={"bucket": [urn(T_BUCKET, "uploads")]})
    r = run_stack(EBE, s)
    assert_violation(r, "has 2 BucketNotification resources")
    assert_violation(r, "disagree on eventbridge")
    assert r.violations[-1][1] == urn(T_NOTIFICATION, "lambda-notification")


def test_notifications_on_two_buckets_are_fine():
    s = reference_stack(delivery="eventbridge")
    s.add(T_BUCKET, "other", {"bucket": "other-bucket"})
    s.add(T_NOTIFICATION, "other-notification", {"bucket": "other-bucket", "eventbridge": True})
    assert_clean(run_stack(EBE, s))


# ---- the target goes live after its permissions --------------------------------------------------------------------

def test_target_that_does_not_wait_for_its_permissions_is_flagged():
    s = reference_stack(preview=True)
    assert_clean(run_stack(ORDER, s))
    t = s.get("target")
    t["deps"] = [d for d in t["deps"] if T_ROLE_POLICY not in d and T_QUEUE_POLICY not in d]
    r = run_stack(ORDER, s)
    assert_violation(r, "does not depend on RolePolicy 'role-policy', QueuePolicy 'dlq-policy'")
    assert_violation(r, "without retrying")


def test_target_waiting_through_a_component_is_fine():
    """depends_on a component resource waits for its children: the permission under it counts."""
    s = reference_stack()
    comp = s.add("acme:index:Permissions", "perms", {})
    s.get("role-policy")["parent"] = comp
    s.get("target")["deps"] = [d for d in s.get("target")["deps"] if T_ROLE_POLICY not in d] + [comp]
    args = s.args()
    for r in args.resources:
        if r.name == "role-policy":
            r.parent = next(x for x in args.resources if x.name == "perms")
    from policy_testkit import policy, run  # noqa: PLC0415
    assert_clean(run(policy(ORDER), args))


def test_the_undecided_advisory_is_never_mandatory_and_never_silent():
    s = reference_stack(preview=True)
    s.get("role")["props"]["assumeRolePolicy"] = U
    s.get("role")["propdeps"] = {}
    assert LP not in mandatory(s)
    r = run_stack(UNDECIDED, s)
    assert_violation(r, "the trust policy (assumeRolePolicy) of Role 'role' is unknown and depends on no resource")
    assert all("`pulumi up --policy-pack` judges it" in m for m in r.messages)
    assert_clean(run_stack(UNDECIDED, reference_stack()))  # nothing undecided once every value is known


def test_a_misspelt_action_or_a_self_cancelling_permission_is_refused_before_it_is_created():
    policy_doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "states:StartExecutions", "Resource": SM_ARN}]})
    assert_violation(run_resource(LP, T_ROLE_POLICY, {"role": "r", "policy": policy_doc}), "which is no IAM action")
    cancelled = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "states:StartExecution", "Resource": SM_ARN},
        {"Effect": "Deny", "Action": "states:*", "Resource": "*"}]})
    assert_violation(run_resource(LP, T_ROLE_POLICY, {"role": "r", "policy": cancelled}), "grants nothing")
    assert_clean(run_resource(LP, T_ROLE_POLICY, {"role": "r", "policy": start_policy()}))
    r = run_resource(LP, T_ROLE_POLICY, {"role": "r", "policy": U})
    assert not r.violations and "before it creates the resource" in r.not_applicable


def test_a_trust_policy_eventbridge_can_never_satisfy_is_refused_before_the_role_exists():
    def trust(service, source_arn=None):
        st = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        if source_arn:
            st["Condition"] = {"ArnEquals": {"aws:SourceArn": source_arn}}
        return {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [st]})}

    assert_violation(run_resource(LP, T_ROLE, trust("event.amazonaws.com")), "does not exist")
    assert_violation(run_resource(LP, T_ROLE, trust("events.amazonaws.com", SM_ARN)), "no EventBridge rule ARN")
    for fine in (trust("events.amazonaws.com", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/x"),
                 trust("states.amazonaws.com"), trust("scheduler.amazonaws.com")):
        assert_clean(run_resource(LP, T_ROLE, fine))


def test_a_trail_selector_with_a_misspelt_event_name_is_refused_before_the_trail_exists():
    from policy_testkit import advanced_selectors  # noqa: PLC0415
    bad = advanced_selectors(names=["PutObject", "CompleteMultiPartUpload", "CopyObject"])
    assert_violation(run_resource(TLB, T_TRAIL, {"advancedEventSelectors": bad}), "'CompleteMultiPartUpload'")
    assert_clean(run_resource(TLB, T_TRAIL, {"advancedEventSelectors": advanced_selectors()}))


def test_a_permission_computed_from_the_target_and_another_machine_stays_undecided():
    """Allow the target, Deny another machine, both from outputs: correct; preview cannot read it, so it only says so."""
    s = reference_stack(preview=True)
    other = s.add("aws:sfn/stateMachine:StateMachine", "Other", {"name": "Other", "arn": U})
    s.get("role-policy")["propdeps"]["policy"].append(other)
    assert LP not in mandatory(s)
    assert_violation(run_stack(UNDECIDED, s), "RolePolicy 'role-policy' is unknown")


def test_a_typo_near_two_buckets_means_the_closest_whatever_the_stack_order():
    """corpus-typo-uplaods is a near miss of both corpus-typo-uploads and corpus-typo-logs: the closer one is meant,
    whichever the engine registered first (the stack's order is not the program's)."""
    from policy_testkit import advanced_selectors, cloudtrail_pattern  # noqa: PLC0415
    for logs_first in (False, True):
        s = reference_stack()
        s.get("uploads")["props"].update(bucket="corpus-typo-uploads", id="corpus-typo-uploads")
        s.get("logs")["props"].update(bucket="corpus-typo-logs", id="corpus-typo-logs")
        s.get("trail")["props"].update(s3BucketName="corpus-typo-logs",
                                       advancedEventSelectors=advanced_selectors(bucket="corpus-typo-uploads"))
        s.get("rule")["props"]["eventPattern"] = cloudtrail_pattern(bucket="corpus-typo-uplaods")
        if logs_first:
            s.items.sort(key=lambda i: i["name"] != "logs")
        got = mandatory(s)
        assert set(got) == {OCE}, (logs_first, got)
        assert any("near miss of the managed bucket 'corpus-typo-uploads'" in m for m in got[OCE]), got
