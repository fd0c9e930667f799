"""The rule's target: retry policy, dead-letter queue policy and input transformer, as pure functions."""

from __future__ import annotations

from .rule import CLOUDTRAIL, EVENTBRIDGE

#: AWS's ranges for an EventBridge target's retry policy.
RETRY_ATTEMPTS_RANGE = (0, 185)
EVENT_AGE_SECONDS_RANGE = (60, 86400)
#: Defaults: AWS's own (24 hours, 185 attempts), stated explicitly so that they show up in previews and policies.
DEFAULT_MAX_RETRY_ATTEMPTS = 185
DEFAULT_MAX_EVENT_AGE_SECONDS = 86400

EVENT = "event"
OBJECT = "object"
INPUT_FORMATS = (EVENT, OBJECT)

#: Where each field of the "object" input lives in the event of each delivery path.
_OBJECT_INPUT_PATHS = {
    CLOUDTRAIL: {
        "bucket": "$.detail.requestParameters.bucketName",
        "key": "$.detail.requestParameters.key",
        "eventName": "$.detail.eventName",
        "eventTime": "$.detail.eventTime",
        "region": "$.region",
    },
    EVENTBRIDGE: {
        "bucket": "$.detail.bucket.name",
        "key": "$.detail.object.key",
        "size": "$.detail.object.size",
        "eventName": "$.detail.reason",
        "eventTime": "$.time",
        "region": "$.region",
    },
}


def retry_policy(max_retry_attempts: int, max_event_age_seconds: int) -> dict:
    return {"maximum_retry_attempts": max_retry_attempts, "maximum_event_age_in_seconds": max_event_age_seconds}


def input_transformer(delivery: str) -> dict:
    """The input transformer for `input_format="object"`: the same small document in both delivery modes.

    `{"bucket", "key", "size", "eventName", "eventTime", "region"}`; `size` is null in CloudTrail mode, whose
    events do not carry the object's size.
    """
    paths = _OBJECT_INPUT_PATHS[delivery]
    size = "<size>" if "size" in paths else "null"
    template = ('{"bucket": "<bucket>", "key": "<key>", "size": ' + size +
                ', "eventName": "<eventName>", "eventTime": "<eventTime>", "region": "<region>"}')
    return {"input_paths": dict(paths), "input_template": template}


def dead_letter_queue_policy(queue_arn: str, rule_arn: str) -> dict:
    """Only EventBridge, on behalf of this rule, may send to the queue; and only over TLS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowThisRuleOnly",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sqs:*",
                "Resource": queue_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
