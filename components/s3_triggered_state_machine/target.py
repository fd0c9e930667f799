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


#: The EventBridge User Guide, "Transforming target input": a placeholder outside quotes is replaced by the value as
#: JSON ("Simple JSON": the template `{"instance" : <instance>, "state": <state>}` gives `{"instance" :
#: "i-0123456789", "state": "RUNNING"}`; `"originalEvent" : <aws.events.event>` gives the event as an object), while
#: "EventBridge doesn't escape values extracted by Input Path, when populating the Input Template for a target": a
#: string placeholder inside quotes (`"key": "<key>"`) splices the raw text, so a key holding `"` gives invalid JSON
#: and one holding `\` or a control character gives another key. Every placeholder here is therefore outside quotes.
TRANSFORMER_DOC = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html"


def input_transformer(delivery: str) -> dict:
    """The input transformer for `input_format="object"`: the same small document in both delivery modes.

    `{"bucket", "key", "size", "eventName", "eventTime", "region"}`; `size` is null in CloudTrail mode, whose
    events do not carry the object's size. No placeholder is inside quotes (see `TRANSFORMER_DOC`), so every value,
    the key included, is inserted as the JSON value it is in the event: any key reaches the execution exactly.
    """
    paths = _OBJECT_INPUT_PATHS[delivery]
    fields = ", ".join(f'"{name}": ' + (f"<{name}>" if name in paths else "null")
                       for name in ("bucket", "key", "size", "eventName", "eventTime", "region"))
    return {"input_paths": dict(paths), "input_template": "{" + fields + "}"}


def quoted_placeholders(template: str) -> list[str]:
    """The placeholders of `template` that sit inside a JSON string, where EventBridge splices the value's raw text
    without escaping it. Pure: scans the template as JSON text, tracking strings and their escapes."""
    found, in_string, i = [], False, 0
    while i < len(template):
        char = template[i]
        if in_string and char == "\\":
            i += 2
            continue
        if char == '"':
            in_string = not in_string
        elif char == "<" and in_string:
            match = re.match(r"<([A-Za-z0-9_.\-]+)>", template[i:])
            if match:
                found.append(match.group(1))
        i += 1
    return found


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


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def _resolve(path: str, event: Any) -> Any:
    """The value at a `$.a.b` input path (the only form the transformer uses), or None where it is missing."""
    value = event
    for part in path.removeprefix("$.").split(".") if path != "$" else ():
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class UndeliverableInput(ValueError):
    """The input a transformer gives for an event is not JSON: what EventBridge would hand the target is broken."""


def apply_input_transformer(transformer: dict, event: dict) -> Any:
    """The input a target with this input transformer delivers for `event`, as the EventBridge User Guide documents
    it (`TRANSFORMER_DOC`): outside quotes a placeholder becomes the value as JSON; inside a JSON string it becomes
    the value's raw text, unescaped ("EventBridge doesn't escape values extracted by Input Path"). A result that is
    not JSON raises `UndeliverableInput`, naming the value that broke it, rather than guessing a repair AWS does not
    make."""
    values = {name: _resolve(path, event) for name, path in transformer["input_paths"].items()}
    template = transformer["input_template"]
    out, in_string, i = [], False, 0
    while i < len(template):
        char = template[i]
        if in_string and char == "\\":
            out.append(template[i:i + 2])
            i += 2
            continue
        if char == '"':
            in_string = not in_string
        match = _PLACEHOLDER.match(template, i) if char == "<" else None
        if match and match.group(1) in values:
            value = values[match.group(1)]
            if in_string:
                out.append(value if isinstance(value, str) else "" if value is None
                           else json.dumps(value, ensure_ascii=False))
            else:
                out.append(json.dumps(value, ensure_ascii=False))
            i = match.end()
            continue
        out.append(char)
        i += 1
    text = "".join(out)
    try:
        return json.loads(text)
    except ValueError as error:
        raise UndeliverableInput(f"the input template gives invalid JSON for this event ({error}): {text!r}; "
                                 "EventBridge does not escape values inside quotes") from error


def execution_input(input_format: str, delivery: str, event: dict) -> Any:
    """The execution input the rule's target delivers for `event`: the event itself for `input_format="event"`, the
    document `input_transformer(delivery)` builds from it for `"object"`. The operations command (redrive, backfill)
    starts executions with exactly this, so a state machine cannot tell them from the trigger's own."""
    if input_format == EVENT:
        return event
    if input_format == OBJECT:
        return apply_input_transformer(input_transformer(delivery), event)
    raise ValueError(f"unknown input format {input_format!r}; valid formats are {', '.join(INPUT_FORMATS)}")
