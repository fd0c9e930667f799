"""s3-trigger-eventbridge-enabled: "Object Created" rules need the bucket's EventBridge notifications."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .framework import CANNOT_VERIFY, Finding, stack_policy
from .graph import NOTIFICATION, Node, StackGraph
from .values import as_bool, is_unknown

EVENTBRIDGE_ENABLED = "s3-trigger-eventbridge-enabled"


def notifications_for(graph: StackGraph, bucket: Node) -> list[Node]:
    """BucketNotification resources of ``bucket`` (by its name/id, or by property dependency)."""
    return graph.referrers(bucket, (NOTIFICATION,), "bucket", lists=False)


def check_eventbridge_enabled(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for rule in graph.s3_rules():
        rp = graph.pattern(rule)
        if rp.state != "ok" or not (rp.object_created and rp.notification_based):
            continue  # unknown patterns are reported by s3-trigger-object-created-events
        for bucket in graph.rule_buckets(rule, "object-created"):
            notes = notifications_for(graph, bucket)
            values = [n.props.get("eventbridge") for n in notes]
            if any(as_bool(v, False) is True for v in values):
                continue
            if any(is_unknown(v) for v in values):
                yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: eventbridge of the notification of "
                              f"{bucket.label()} is unknown", rule.urn)
                continue
            what = ("has no BucketNotification" if not notes
                    else f"has {notes[0].label()} without eventbridge=true")
            yield Finding(f'{rule.label()} matches "Object Created" events of {bucket.label()}, but the bucket '
                          f"{what}: S3 sends no events to EventBridge and the rule never fires. Add "
                          "aws.s3.BucketNotification(bucket=..., eventbridge=True) (one per bucket: it "
                          "replaces the bucket's whole notification configuration).", rule.urn)


def eventbridge_enabled_policy():
    return stack_policy(
        EVENTBRIDGE_ENABLED,
        'An "Object Created" rule on a bucket this stack manages needs a BucketNotification with '
        "eventbridge=true on that bucket.",
        EnforcementLevel.MANDATORY, check_eventbridge_enabled)
