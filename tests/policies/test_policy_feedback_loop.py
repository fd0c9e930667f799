"""s3-trigger-no-trail-feedback-loop in preview: a trail whose s3BucketName is unknown (``bucket.id``) is tied to
its bucket through the property dependencies AnalyzeStack carries; Analyze (resource inputs) still decides everything
it can, before the trail is created, and nothing is reported twice."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from pulumi.runtime import proto
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import EnforcementLevel, _PolicyAnalyzerServicer

from policies.s3_trigger import all_policies
from policy_testkit import (BUCKET, LOGS, T_BUCKET, T_TRAIL, U, Stack, advanced_selectors, basic_log_everything,
                            policy, reference_stack, run_resource, run_stack)
from test_policy_preview_and_fuzz import INTERNAL_ERROR, stacks

NAME = "s3-trigger-no-trail-feedback-loop"


def trail_stack(*, s3_bucket_name=U, selectors_bucket=BUCKET, s3_deps=("uploads",), other_deps=(),
                selectors=None) -> Stack:
    """Two buckets (uploads, logs) and a trail whose selectors log ``selectors_bucket``; in preview."""
    s = Stack()
    urns = {"uploads": s.add(T_BUCKET, "uploads", {"bucket": BUCKET, "arn": U, "id": U}),
            "logs": s.add(T_BUCKET, "logs", {"bucket": LOGS, "arn": U, "id": U})}
    propdeps = {"advancedEventSelectors": [urns["uploads"]]}
    if s3_deps is not None:
        propdeps["s3BucketName"] = [urns[d] for d in s3_deps]
    props = {"name": "t", "s3BucketName": s3_bucket_name, "enableLogging": True, "isMultiRegionTrail": False,
             "advancedEventSelectors": advanced_selectors(bucket=selectors_bucket) if selectors is None else selectors,
             "arn": U}
    s.add(T_TRAIL, "trail", props, propdeps=propdeps,
          deps=sorted(set(urns[d] for d in (s3_deps or ())) | {urns[d] for d in other_deps} | {urns["uploads"]}))
    return s


def test_the_policy_runs_on_resources_and_on_the_stack():
    p = policy(NAME)
    assert isinstance(p, ResourceValidationPolicy) and isinstance(p, StackValidationPolicy)
    assert p.enforcement_level == EnforcementLevel.MANDATORY


def test_log_bucket_by_unknown_id_of_the_logged_bucket_fails_in_preview():
    r = run_stack(NAME, trail_stack())
    assert len(r.violations) == 1
    message, urn = r.violations[0]
    assert "property dependencies show that it comes from Bucket 'uploads'" in message and "forever" in message
    assert urn.endswith("::trail")
    # Analyze alone (inputs, no dependencies) cannot tell, and says so: deferred, not passed.
    res = run_resource(NAME, T_TRAIL, trail_stack().get("trail")["props"])
    assert not res.violations and "unknown during preview" in res.not_applicable


def test_log_bucket_by_unknown_id_of_another_bucket_passes():
    assert not run_stack(NAME, trail_stack(s3_deps=("logs",))).violations


def test_known_log_bucket_is_left_to_the_resource_check():
    # update (or a preview with bucket.bucket): Analyze reports it before the trail is created; AnalyzeStack is silent
    s = trail_stack(s3_bucket_name=BUCKET)
    assert not run_stack(NAME, s).violations
    assert "forever" in run_resource(NAME, T_TRAIL, s.get("trail")["props"]).text()


def test_every_bucket_selector_is_reported_once_by_the_resource_check():
    s = trail_stack(selectors=[], s3_deps=("logs",))
    s.get("trail")["props"].pop("advancedEventSelectors")
    s.get("trail")["props"]["eventSelectors"] = basic_log_everything()
    assert not run_stack(NAME, s).violations
    assert "every S3 bucket" in run_resource(NAME, T_TRAIL, s.get("trail")["props"]).text()


def test_no_property_dependency_no_link():
    # Only the trail's other dependencies point at the logged bucket (its selectors come from it): not a link.
    assert not run_stack(NAME, trail_stack(s3_deps=None, other_deps=("uploads",))).violations
    assert not run_stack(NAME, trail_stack(s3_deps=())).violations


def test_unknown_selectors_stay_deferred():
    s = trail_stack(selectors=U)
    assert not run_stack(NAME, s).violations
    assert run_resource(NAME, T_TRAIL, s.get("trail")["props"]).not_applicable


def test_computed_from_several_buckets():
    # both logged: whichever it is, the trail feeds itself
    both = trail_stack(s3_deps=("uploads", "logs"), selectors=advanced_selectors(bucket=BUCKET)
                       + advanced_selectors(bucket=LOGS))
    r = run_stack(NAME, both)
    assert len(r.violations) == 1 and "forever" in r.text() and "Bucket 'logs'" in r.text()
    # one logged, one not: mandatory, so it fails closed
    r = run_stack(NAME, trail_stack(s3_deps=("uploads", "logs")))
    assert not r.violations, r.text()  # undecided: an advisory, never a refusal
    r = run_stack("s3-trigger-undecided-in-preview", trail_stack(s3_deps=("uploads", "logs")))
    assert len(r.violations) == 1 and "cannot verify during preview" in r.text() and "bucket.bucket" in r.text()


def test_reference_stacks_pass_both_halves():
    for preview in (False, True):
        s = reference_stack(preview)
        assert not run_stack(NAME, s).violations
        assert not run_resource(NAME, T_TRAIL, s.get("trail")["props"]).violations


def _servicer():
    return _PolicyAnalyzerServicer("s3-triggered-state-machine", "0.1.0", all_policies(), EnforcementLevel.ADVISORY)


def test_the_engine_protocol_calls_it_in_analyze_and_in_analyze_stack():
    svc = _servicer()
    info = svc.GetAnalyzerInfo(None, None)
    entries = [p for p in info.policies if p.name == NAME]
    assert len(entries) == 1 and entries[0].enforcementLevel == proto.MANDATORY

    s = trail_stack()
    trail = s.get("trail")
    areq = proto.AnalyzeRequest(type=T_TRAIL, urn=trail["urn"], name="trail")
    areq.properties.update(json.loads(json.dumps(trail["props"])))
    aresp = svc.Analyze(areq, None)
    assert [n.policy_name for n in aresp.not_applicable if n.policy_name == NAME] == [NAME]
    assert not [d for d in aresp.diagnostics if d.policyName == NAME]

    sreq = proto.AnalyzeStackRequest()
    for i in s.items:
        r = sreq.resources.add(type=i["type"], urn=i["urn"], name=i["name"])
        r.properties.update(json.loads(json.dumps(i["props"])))
        r.dependencies.extend(i["deps"])
        for key, urns in i["propdeps"].items():
            r.propertyDependencies[key].urns.extend(urns)
    sresp = svc.AnalyzeStack(sreq, None)
    diags = [d for d in sresp.diagnostics if d.policyName == NAME]
    assert len(diags) == 1 and diags[0].enforcementLevel == proto.MANDATORY and diags[0].urn == trail["urn"]
    assert not [n for n in sresp.not_applicable if n.policy_name == NAME]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(stacks())
def test_stack_half_survives_generated_stacks(stack):
    r = run_stack(NAME, stack)
    assert not any(INTERNAL_ERROR in m for m in r.messages), r.messages
