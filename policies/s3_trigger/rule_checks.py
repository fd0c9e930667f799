"""Policies on the rule's event pattern: s3-trigger-object-created-events, s3-trigger-copy-object."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import DeliveryModel, bucket_name_problem, pattern_bucket_names
from .framework import Finding, NotApplicable, ResourceInput, resource_and_stack_policy, resource_policy
from .graph import RULE, StackGraph
from .names import COPY_OBJECT, OBJECT_CREATED_EVENTS
from .patterns import (OBJECT_CREATED_REASONS, S3_OBJECT_EVENTS, RulePattern, _leaf_strings, near_miss,
                       read_event_pattern)
from .values import as_str

def pattern_findings(rp: RulePattern) -> list[str]:
    """Problems of an S3 rule's pattern that make (part of) it never match, whatever the stack:
    leaves that are not arrays, unknown content filters, misspelt source / detail-type /
    eventSource (pure; used by s3-trigger-object-created-events). Everything about which events
    the rule really receives and starts is decided by :mod:`.delivery`."""
    out: list[str] = []
    out.extend(rp.problems)
    out.extend(p for p in rp.spelling_problems() if "never matches" in p)
    return out


def _looks_s3(raw: Any) -> bool:
    return isinstance(raw, str) and ("s3" in raw.lower())


#: ``detail.reason`` values S3 really sends (Object Created and Object Deleted notifications).
_KNOWN_REASONS = OBJECT_CREATED_REASONS + ("DeleteObject", "DeleteObjects", "Lifecycle Expiration")


def name_findings(rp: RulePattern) -> list[str]:
    """Event names and reasons no S3 event carries, though they are near misses of ones it does
    ("CompleteMultiPartUpload", "PostObject" as a notification reason), and bucket names no bucket can have: the
    part of the pattern that names them never matches (pure; one rule's pattern decides it)."""
    out: list[str] = []
    if rp.cloudtrail_based or rp.intended_cloudtrail:
        for name in _leaf_strings(rp.event_name_leaf):
            if name in S3_OBJECT_EVENTS:
                continue
            close = next((k for k in S3_OBJECT_EVENTS if near_miss(name, k)), None)
            if close:
                out.append(f'detail.eventName {name!r} never matches: CloudTrail logs the call as "{close}" '
                           "(matching is exact and case-sensitive)")
    if rp.notification_based:
        for reason in _leaf_strings(rp.reason_leaf):
            if reason in _KNOWN_REASONS:
                continue
            close = next((k for k in OBJECT_CREATED_REASONS if near_miss(reason, k)), None)
            if close:
                out.append(f'detail.reason {reason!r} never matches: S3 sends the reason "{close}" '
                           "(matching is exact and case-sensitive)")
    names, _ = pattern_bucket_names(rp.pattern or {})
    for n in sorted(names):
        problem = bucket_name_problem(n)
        if problem:
            out.append(f"its pattern names bucket {n!r}, which no bucket can be called ({problem}), so that part of "
                       "the rule never matches (use the bucket's real name, from bucket.bucket)")
    return out


def check_object_created_events_resource(res: ResourceInput) -> Iterable[Finding]:
    """The resource half: what one rule's inputs decide, before the engine creates the rule (pulumi up runs
    resource policies before each resource's step): an unusable pattern, leaves that are not arrays, unknown
    filters, misspelt source / detail-type / eventSource / eventName / reason, impossible bucket names."""
    rp = read_event_pattern(res.props.get("eventPattern"))
    if rp.state == "unknown":
        raise NotApplicable("eventPattern is unknown during preview; the engine runs this policy again with the "
                            "resolved pattern before it creates the rule, and the stack policies judge meanwhile "
                            "what the pattern does not decide (s3-trigger-undecided-in-preview names the rest)")
    if rp.state == "missing":
        raise NotApplicable("the rule has no eventPattern")
    if rp.state == "invalid":
        if _looks_s3(res.props.get("eventPattern")):
            return [Finding(f"its eventPattern is unusable, so the rule never starts anything: {rp.error}. Fix: give "
                            "a valid JSON event pattern.")]
        raise NotApplicable(f"eventPattern is unusable ({rp.error}) and does not look like an S3 pattern")
    if not rp.is_s3:
        raise NotApplicable("not an S3 rule")
    problems = pattern_findings(rp) + name_findings(rp)
    return [Finding(f"{p}. Fix: correct the pattern (EventBridge matches exactly).") for p in problems]


def check_object_created_events(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    """The stack half: which uploads reach a state machine and what else starts it (:mod:`.delivery`), and
    an unusable pattern computed from a bucket of the stack (which the rule's own inputs do not show as S3).
    What one rule's inputs decide is the resource half's, so nothing is reported twice."""
    for rule in graph.of_type(RULE):
        rp = graph.pattern(rule)
        if rp.state == "invalid":
            raw = rule.props.get("eventPattern")
            if not _looks_s3(raw) and graph.pattern_buckets(rule):
                yield Finding(f"{rule.label()}: its eventPattern is unusable, so the rule never starts anything: "
                              f"{rp.error}. Fix: give a valid JSON event pattern.", rule.urn)
    for f in DeliveryModel.for_graph(graph).by_policy(OBJECT_CREATED_EVENTS):
        yield Finding(f.message, f.urn, f.undecided)


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
    return resource_and_stack_policy(
        OBJECT_CREATED_EVENTS,
        "Every upload (PutObject and CompleteMultipartUpload, and CopyObject where matched) to a bucket a "
        "rule serves must reach its state machine: the pattern matches the events' real fields, the rule "
        "is enabled on the default bus; and nothing that is not a new object (parts, reads, deletes, tag "
        "changes) may start it.",
        EnforcementLevel.MANDATORY, (RULE,), check_object_created_events_resource, check_object_created_events)


def copy_object_policy():
    return resource_policy(
        COPY_OBJECT,
        "S3 upload rules should also match server-side copies (CopyObject).",
        EnforcementLevel.ADVISORY, (RULE,), check_copy_object)


def rule_name(rule_props: Mapping[str, Any]) -> str | None:
    return as_str(rule_props.get("name"))
