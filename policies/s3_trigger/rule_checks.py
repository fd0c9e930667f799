"""Policies on the rule's event pattern: s3-trigger-object-created-events, s3-trigger-copy-object."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .framework import CANNOT_VERIFY, Finding, NotApplicable, ResourceInput, resource_policy, stack_policy
from .graph import RULE, StackGraph
from .patterns import (READ_OR_DELETE_EVENT_NAMES, RulePattern, read_event_pattern)
from .values import as_str

OBJECT_CREATED_EVENTS = "s3-trigger-object-created-events"
COPY_OBJECT = "s3-trigger-copy-object"

_MULTIPART_HINT = ("uploads above the client's multipart threshold (8 MB in the AWS CLI) are logged "
                   "as CompleteMultipartUpload, so large files never start the workflow; match "
                   '["PutObject", "CompleteMultipartUpload", "CopyObject"]')


def pattern_findings(rp: RulePattern, targets_state_machine: bool) -> list[str]:
    """Problems of an S3 rule's pattern (pure; used by s3-trigger-object-created-events)."""
    out: list[str] = []
    out.extend(rp.problems)
    out.extend(rp.spelling_problems())
    if rp.intended_cloudtrail and rp.cloudtrail_based:
        names = rp.event_names()
        if rp.matches_event_name("PutObject") and not rp.matches_event_name("CompleteMultipartUpload"):
            out.append("the rule matches CloudTrail eventName PutObject but not CompleteMultipartUpload: "
                       + _MULTIPART_HINT)
        if targets_state_machine:
            bad = [n for n in names if n in READ_OR_DELETE_EVENT_NAMES]
            if bad:
                shown = ", ".join(bad[:6]) + (", ..." if len(bad) > 6 else "")
                what = ("every S3 API call on the bucket" if rp.event_name_leaf is None
                        else "S3 object reads or deletes")
                out.append(f"the rule matches {what} ({shown}) and targets a state machine: each "
                           "read or delete would start an execution; match only "
                           '["PutObject", "CompleteMultipartUpload", "CopyObject"]')
    if rp.object_created and rp.notification_based:
        if rp.reason_leaf is not None and rp.matches_reason("PutObject") and not rp.matches_reason(
                "CompleteMultipartUpload"):
            out.append('the "Object Created" rule matches detail.reason PutObject but not '
                       "CompleteMultipartUpload: multipart uploads (large files) never start the workflow; "
                       "drop the reason filter or list PutObject, POST Object, CopyObject and "
                       "CompleteMultipartUpload")
    if targets_state_machine and rp.notification_based:
        other = [d for d in rp.notification_detail_types if d != "Object Created"]
        if other:
            out.append(f"the rule matches S3 notifications {', '.join(other[:4])}"
                       f"{', ...' if len(other) > 4 else ''} and targets a state machine: deletes, "
                       'restores and tag changes would start executions; match detail-type ["Object Created"]')
    return out


def _looks_s3(raw: Any) -> bool:
    return isinstance(raw, str) and ("s3" in raw.lower())


def check_object_created_events(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for rule in graph.of_type(RULE):
        rp = graph.pattern(rule)
        if rp.state == "missing":
            continue
        if rp.state == "unknown":
            buckets = graph.pattern_buckets(rule)
            if buckets:
                yield Finding(
                    f"{rule.label()}: {CANNOT_VERIFY}: its eventPattern is unknown (it is computed from "
                    f"outputs of {', '.join(b.label() for b in buckets[:3])}), so the event names, "
                    "bucket and delivery (CloudTrail or EventBridge notification) cannot be checked. "
                    "Build the pattern from values known in preview, e.g. the bucket's name input "
                    "(bucket.bucket) rather than bucket.id or bucket.arn.", rule.urn)
            continue
        if rp.state == "invalid":
            raw = rule.props.get("eventPattern")
            if _looks_s3(raw) or graph.pattern_buckets(rule):
                yield Finding(f"{rule.label()}: its eventPattern is unusable: {rp.error}", rule.urn)
            continue
        if not rp.is_s3:
            continue
        targets_sm = bool(graph.state_machine_targets(rule))
        for problem in pattern_findings(rp, targets_sm):
            yield Finding(f"{rule.label()}: {problem}", rule.urn)


def check_copy_object(res: ResourceInput) -> Iterable[Finding]:
    rp = read_event_pattern(res.props.get("eventPattern"))
    if rp.state == "unknown":
        raise NotApplicable("eventPattern is unknown during preview; the engine runs this policy again "
                            "with the resolved pattern before it creates the rule")
    if rp.state == "missing":
        raise NotApplicable("the rule has no eventPattern")
    if rp.state == "invalid":
        raise NotApplicable(f"eventPattern is unusable ({rp.error}); see {OBJECT_CREATED_EVENTS}")
    if not rp.is_s3:
        raise NotApplicable("not an S3 rule")
    out = []
    if rp.cloudtrail_based:
        uploads = rp.matches_event_name("PutObject") or rp.matches_event_name("CompleteMultipartUpload")
        if uploads and not rp.matches_event_name("CopyObject"):
            out.append(Finding("the rule matches object uploads but not CloudTrail eventName CopyObject: "
                               "objects copied into the bucket server-side (aws s3 cp s3://a/x s3://b/x, "
                               "replication tools) never start the workflow; add \"CopyObject\""))
    if rp.notification_based and rp.object_created:
        if rp.reason_leaf is not None and not rp.matches_reason("CopyObject") and (
                rp.matches_reason("PutObject") or rp.matches_reason("CompleteMultipartUpload")):
            out.append(Finding('the "Object Created" rule filters detail.reason and leaves out CopyObject: '
                               "server-side copies into the bucket never start the workflow"))
    if not out and not (rp.cloudtrail_based or rp.notification_based):
        raise NotApplicable("the rule does not match object uploads")
    return out


def object_created_events_policy():
    return stack_policy(
        OBJECT_CREATED_EVENTS,
        "S3 rules must match every upload (PutObject and CompleteMultipartUpload), spell detail-type, "
        "source and eventSource exactly, use arrays at every leaf, and not start state machines on "
        "object reads or deletes.",
        EnforcementLevel.MANDATORY, check_object_created_events)


def copy_object_policy():
    return resource_policy(
        COPY_OBJECT,
        "S3 upload rules should also match server-side copies (CopyObject).",
        EnforcementLevel.ADVISORY, (RULE,), check_copy_object)


def rule_name(rule_props: Mapping[str, Any]) -> str | None:
    return as_str(rule_props.get("name"))
