"""Policies on the rule's event pattern: s3-trigger-object-created-events, s3-trigger-copy-object."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import DeliveryModel
from .framework import CANNOT_VERIFY, Finding, NotApplicable, ResourceInput, resource_policy, stack_policy
from .graph import RULE, StackGraph
from .names import COPY_OBJECT, OBJECT_CREATED_EVENTS
from .patterns import RulePattern, read_event_pattern
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


def check_object_created_events(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for rule in graph.of_type(RULE):
        rp = graph.pattern(rule)
        if rp.state == "missing":
            continue
        if rp.state == "unknown":
            if graph.deps(rule, "eventPattern"):
                # Computed from resources of this stack (e.g. bucket.id): deferred. The engine runs
                # the stack policies again after the update, with the pattern known.
                continue
            if graph.state_machine_targets(rule):
                yield Finding(
                    f"{rule.label()}: {CANNOT_VERIFY}: its eventPattern is unknown and depends on no "
                    "resource of this stack, so which events start its state machine cannot be decided. "
                    "Fix: build the pattern from values of this stack (e.g. bucket.bucket).", rule.urn)
            continue
        if rp.state == "invalid":
            raw = rule.props.get("eventPattern")
            if _looks_s3(raw) or graph.pattern_buckets(rule):
                yield Finding(f"{rule.label()}: its eventPattern is unusable, so the rule never starts "
                              f"anything: {rp.error}. Fix: give a valid JSON event pattern.", rule.urn)
            continue
        if not rp.is_s3:
            continue
        for problem in pattern_findings(rp):
            yield Finding(f"{rule.label()}: {problem}. Fix: correct the pattern (EventBridge matches exactly).",
                          rule.urn)
    for f in DeliveryModel.for_graph(graph).by_policy(OBJECT_CREATED_EVENTS):
        yield Finding(f.message, f.urn)


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
        "Every upload (PutObject and CompleteMultipartUpload, and CopyObject where matched) to a bucket a "
        "rule serves must reach its state machine: the pattern matches the events' real fields, the rule "
        "is enabled on the default bus; and nothing that is not a new object (parts, reads, deletes, tag "
        "changes) may start it.",
        EnforcementLevel.MANDATORY, check_object_created_events)


def copy_object_policy():
    return resource_policy(
        COPY_OBJECT,
        "S3 upload rules should also match server-side copies (CopyObject).",
        EnforcementLevel.ADVISORY, (RULE,), check_copy_object)


def rule_name(rule_props: Mapping[str, Any]) -> str | None:
    return as_str(rule_props.get("name"))
