"""The EventBridge rule's event pattern, as a pure function.

Every leaf is an array and matching is exact and case-sensitive. Values in one array are ORed, so a key that must
have both a prefix and a suffix is matched with one `wildcard` operator rather than two entries.
"""

from __future__ import annotations

from .events import DEFAULT_EVENT_NAMES, eventbridge_reasons

CLOUDTRAIL = "cloudtrail"
EVENTBRIDGE = "eventbridge"
CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
OBJECT_CREATED_DETAIL_TYPE = "Object Created"


def key_filter(key_prefix: str = "", key_suffix: str = "") -> list[dict] | None:
    """The pattern leaf for the object key, or None when every key matches."""
    if key_prefix and key_suffix:
        return [{"wildcard": f"{_escape_wildcard(key_prefix)}*{_escape_wildcard(key_suffix)}"}]
    if key_prefix:
        return [{"prefix": key_prefix}]
    if key_suffix:
        return [{"suffix": key_suffix}]
    return None


def _escape_wildcard(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*")


def event_pattern(delivery: str, bucket: str, event_names: tuple[str, ...] = DEFAULT_EVENT_NAMES,
                  key_prefix: str = "", key_suffix: str = "") -> dict:
    """The pattern that matches exactly these object-creating events on exactly this bucket."""
    keys = key_filter(key_prefix, key_suffix)
    if delivery == CLOUDTRAIL:
        request: dict = {"bucketName": [bucket]}
        if keys:
            request["key"] = keys
        return {
            "source": ["aws.s3"],
            "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
            "detail": {
                "eventSource": ["s3.amazonaws.com"],
                "eventName": list(event_names),
                "requestParameters": request,
            },
        }
    if delivery == EVENTBRIDGE:
        detail: dict = {"bucket": {"name": [bucket]}}
        if keys:
            detail["object"] = {"key": keys}
        # "Object Created" events are object creations by definition: with every operation chosen, the reason filter
        # would only add a way to miss events (an emulator or a new S3 operation spelling its reason differently).
        if set(event_names) != set(DEFAULT_EVENT_NAMES):
            detail["reason"] = eventbridge_reasons(event_names)
        return {"source": ["aws.s3"], "detail-type": [OBJECT_CREATED_DETAIL_TYPE], "detail": detail}
    raise ValueError(f"unknown delivery {delivery!r}")
