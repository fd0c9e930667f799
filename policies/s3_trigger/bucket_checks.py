"""s3-trigger-eventbridge-enabled: notification-fed rules need the bucket's EventBridge notifications."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import DeliveryModel
from .framework import Finding, stack_policy
from .graph import BUCKET_TYPES, NOTIFICATION, Node, StackGraph
from .names import EVENTBRIDGE_ENABLED
from .values import as_bool, as_str, is_unknown


def notifications_for(graph: StackGraph, bucket: Node) -> list[Node]:
    """BucketNotification resources of ``bucket`` (by its name/id, or by property dependency)."""
    return graph.referrers(bucket, (NOTIFICATION,), "bucket", lists=False)


def notification_conflicts(graph: StackGraph) -> list[tuple[str, list[Node]]]:
    """Buckets configured by more than one BucketNotification: (the bucket's label, the notifications). Each
    notification resource replaces the bucket's whole notification configuration (PutBucketNotificationConfiguration),
    so the last one written wins and the others' destinations, and possibly ``eventbridge``, are gone. Grouped by the
    managed bucket they refer to (by name or through ``bucket``'s property dependencies; known in preview), else by
    the bucket name they spell."""
    groups: dict[str, tuple[str, list[Node]]] = {}
    for note in graph.of_type(NOTIFICATION):
        raw = note.props.get("bucket")
        buckets = graph.linked(note, "bucket", BUCKET_TYPES, raw)
        if buckets:
            b = buckets[0]
            key, label = "urn:" + b.urn, f"{b.label()} ({graph.bucket_name(b) or 'name unknown'})"
        elif as_str(raw):
            key, label = "name:" + raw, f"bucket {raw!r}"
        else:
            continue
        groups.setdefault(key, (label, []))[1].append(note)
    return [(label, notes) for label, notes in groups.values() if len(notes) > 1]


def check_eventbridge_enabled(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    """An upload that a notification-fed rule would deliver never exists, because the bucket's
    notification to EventBridge is not on (decided by :mod:`.delivery`); and a bucket with more than one
    BucketNotification, whose configuration is whichever was written last."""
    for f in DeliveryModel.for_graph(graph).by_policy(EVENTBRIDGE_ENABLED):
        yield Finding(f.message, f.urn, f.undecided)
    for label, notes in notification_conflicts(graph):
        names = ", ".join(n.label() for n in notes[:4])
        flags = {str(as_bool(n.props.get("eventbridge"), False)) if not is_unknown(n.props.get("eventbridge"))
                 else "unknown" for n in notes}
        stake = (" They disagree on eventbridge, so whether S3 sends events to EventBridge at all depends on which "
                 "was written last." if len(flags) > 1 else "")
        yield Finding(f"{label} has {len(notes)} BucketNotification resources ({names}): each replaces the bucket's "
                      "whole notification configuration, so the last one written wins and the others' settings are "
                      f"lost (and rewritten on every update).{stake} Fix: one BucketNotification per bucket holding "
                      "every destination and eventbridge=true.", notes[-1].urn)


def eventbridge_enabled_policy():
    return stack_policy(
        EVENTBRIDGE_ENABLED,
        'A rule fed by S3 EventBridge notifications ("Object Created") on a bucket this stack manages needs '
        "a BucketNotification with eventbridge=true on that bucket, and only one (each replaces the bucket's whole "
        "notification configuration).",
        EnforcementLevel.MANDATORY, check_eventbridge_enabled)
