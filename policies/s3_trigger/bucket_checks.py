"""s3-trigger-eventbridge-enabled: notification-fed rules need the bucket's EventBridge notifications."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import DeliveryModel
from .framework import Finding, stack_policy
from .graph import NOTIFICATION, Node, StackGraph
from .names import EVENTBRIDGE_ENABLED


def notifications_for(graph: StackGraph, bucket: Node) -> list[Node]:
    """BucketNotification resources of ``bucket`` (by its name/id, or by property dependency)."""
    return graph.referrers(bucket, (NOTIFICATION,), "bucket", lists=False)


def check_eventbridge_enabled(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    """An upload that a notification-fed rule would deliver never exists, because the bucket's
    notification to EventBridge is not on (decided by :mod:`.delivery`)."""
    for f in DeliveryModel.for_graph(graph).by_policy(EVENTBRIDGE_ENABLED):
        yield Finding(f.message, f.urn)


def eventbridge_enabled_policy():
    return stack_policy(
        EVENTBRIDGE_ENABLED,
        'A rule fed by S3 EventBridge notifications ("Object Created") on a bucket this stack manages needs '
        "a BucketNotification with eventbridge=true on that bucket.",
        EnforcementLevel.MANDATORY, check_eventbridge_enabled)
