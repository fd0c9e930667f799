"""The S3 operations that create an object, as each delivery path names them.

CloudTrail logs object-level S3 API actions by their API names (S3 user guide, "Amazon S3 object-level actions
tracked by AWS CloudTrail logging"). S3 EventBridge notifications report the same operations as `detail.reason` of an
"Object Created" event, with browser POST uploads spelled "POST Object".
"""

from __future__ import annotations

#: Every object-creating operation, in CloudTrail's spelling, mapped to the EventBridge "Object Created" reason.
OBJECT_CREATED_EVENTS: dict[str, str] = {
    "PutObject": "PutObject",
    "CompleteMultipartUpload": "CompleteMultipartUpload",
    "CopyObject": "CopyObject",
    "PostObject": "POST Object",
}

#: The default: every operation that creates an object. A rule on PutObject alone misses multipart uploads.
DEFAULT_EVENT_NAMES: tuple[str, ...] = tuple(OBJECT_CREATED_EVENTS)


def eventbridge_reasons(event_names: tuple[str, ...]) -> list[str]:
    """The `detail.reason` values of "Object Created" events for these CloudTrail event names."""
    return [OBJECT_CREATED_EVENTS[name] for name in event_names]
