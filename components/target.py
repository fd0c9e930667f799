"""The rule's target: retry policy, dead-letter queue policy and input transformer, as pure functions."""

from __future__ import annotations

import json
import re
from typing import Any

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


_PLACEHOLDER = re.compile(r'"<([A-Za-z0-9_.\-]+)>"|<([A-Za-z0-9_.\-]+)>')


def _resolve(path: str, event: Any) -> Any:
    """The value at a `$.a.b` input path (the only form the transformer uses), or None where it is missing."""
    value = event
    for part in path.removeprefix("$.").split(".") if path != "$" else ():
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def apply_input_transformer(transformer: dict, event: dict) -> Any:
    """The input a target with this input transformer delivers for `event`, as EventBridge builds it: each
    `<name>` in the template is replaced by the value at its input path; inside quotes a string goes in as a JSON
    string's contents, anywhere else a value goes in as JSON (a missing value as null)."""
    values = {name: _resolve(path, event) for name, path in transformer["input_paths"].items()}

    def substitute(match: re.Match) -> str:
        quoted, bare = match.group(1), match.group(2)
        value = values.get(quoted or bare)
        if quoted is not None:
            return json.dumps(value if isinstance(value, str) else json.dumps(value) if value is not None else "",
                              ensure_ascii=False)
        return json.dumps(value, ensure_ascii=False)

    return json.loads(_PLACEHOLDER.sub(substitute, transformer["input_template"]))


def execution_input(input_format: str, delivery: str, event: dict) -> Any:
    """The execution input the rule's target delivers for `event`: the event itself for `input_format="event"`, the
    document `input_transformer(delivery)` builds from it for `"object"`. The operations command (redrive, backfill)
    starts executions with exactly this, so a state machine cannot tell them from the trigger's own."""
    if input_format == EVENT:
        return event
    if input_format == OBJECT:
        return apply_input_transformer(input_transformer(delivery), event)
    raise ValueError(f"unknown input format {input_format!r}; valid formats are {', '.join(INPUT_FORMATS)}")
