"""The operations command's pure core: execution names, the synthesized backfill event, the key filter read back from
the rule's pattern, the rate limiter's arithmetic, and where each setting comes from. Plain values in, plain values
out; no AWS calls (those are in `backfill.py` and `redrive.py`).

The execution input itself is not built here: `components.target.execution_input` builds it, from the same input
transformer the component gives the rule's target, so a redriven or backfilled execution gets exactly the input the
trigger would have delivered.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Mapping, NamedTuple, Optional

from ..rule import CLOUDTRAIL, CLOUDTRAIL_DETAIL_TYPE, EVENTBRIDGE, OBJECT_CREATED_DETAIL_TYPE
from ..target import EVENT, INPUT_FORMATS, OBJECT

DELIVERIES = (CLOUDTRAIL, EVENTBRIDGE)

#: What a backfill puts where the S3 operation goes (`detail.reason` in EventBridge mode, `detail.eventName` in
#: CloudTrail mode, and so `eventName` of the "object" document): no S3 operation created the object just now.
BACKFILL_EVENT_NAME = "Backfill"
#: The marker in every synthesized event's `detail`, so a state machine can tell a backfill from an upload.
BACKFILL_MARKER_KEY = "s3TriggeredStateMachineBackfill"
BACKFILL_TOOL = "s3-triggered-state-machine backfill"

#: Step Functions execution names: 1-80 characters of [0-9A-Za-z_-] (names with other characters are accepted
#: by the API but break CloudWatch Logs; this tool never makes one).
EXECUTION_NAME = re.compile(r"[0-9A-Za-z_-]{1,80}")


# ------------------------------------------------------------------------------------------------ execution names
def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))  # length-prefixed: ("a/b", "c") and ("a", "b/c") differ
        h.update(data)
    return h.hexdigest()


def backfill_execution_name(bucket: str, key: str, version_id: Optional[str]) -> str:
    """`backfill-<64 hex>`: the same for the same object version, on every run. A Standard workflow refuses a second
    execution of that name (for 90 days), so a re-run or a resumed run starts nothing twice."""
    return "backfill-" + _digest("backfill", bucket, key, version_id or "null")


def redrive_execution_name(event: Mapping[str, Any], message_id: str) -> str:
    """`redrive-<64 hex>`, from the dead-lettered event's id (EventBridge gives every event a unique id), else the
    SQS message id: a redrive that stopped between starting an execution and deleting its message, run again,
    starts nothing twice."""
    event_id = event.get("id") if isinstance(event, Mapping) else None
    return "redrive-" + _digest("redrive", str(event_id) if event_id else f"message:{message_id}")


# -------------------------------------------------------------------------------------------- the rule's key filter
def _split_wildcard(value: str) -> tuple[str, str]:
    """`PREFIX*SUFFIX` (the one form `components.rule.key_filter` writes, `\\` escaping `*` and itself) ->
    (prefix, suffix)."""
    parts, current, chars = [], [], iter(value)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "*":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    if len(parts) != 2:
        raise ValueError(f"wildcard {value!r} is not of the form PREFIX*SUFFIX")
    return parts[0], parts[1]


class PatternFacts(NamedTuple):
    delivery: str
    bucket: Optional[str]
    key_prefix: str
    key_suffix: str


def facts_from_pattern(pattern: Mapping[str, Any]) -> PatternFacts:
    """The delivery mode, bucket, key prefix and suffix the component's event pattern encodes."""
    detail_types = pattern.get("detail-type") or []
    detail = pattern.get("detail") or {}
    if OBJECT_CREATED_DETAIL_TYPE in detail_types:
        delivery = EVENTBRIDGE
        buckets = (detail.get("bucket") or {}).get("name") or []
        keys = (detail.get("object") or {}).get("key")
    elif CLOUDTRAIL_DETAIL_TYPE in detail_types:
        delivery = CLOUDTRAIL
        request = detail.get("requestParameters") or {}
        buckets = request.get("bucketName") or []
        keys = request.get("key")
    else:
        raise ValueError(f"the event pattern's detail-type {detail_types!r} is neither {OBJECT_CREATED_DETAIL_TYPE!r} "
                         f"nor {CLOUDTRAIL_DETAIL_TYPE!r}: not a pattern of this component")
    prefix = suffix = ""
    for leaf in keys or []:
        if isinstance(leaf, Mapping) and "prefix" in leaf:
            prefix = leaf["prefix"]
        elif isinstance(leaf, Mapping) and "suffix" in leaf:
            suffix = leaf["suffix"]
        elif isinstance(leaf, Mapping) and "wildcard" in leaf:
            prefix, suffix = _split_wildcard(leaf["wildcard"])
        else:
            raise ValueError(f"key filter {leaf!r} is not one this component writes (prefix, suffix or wildcard)")
    bucket = buckets[0] if len(buckets) == 1 and isinstance(buckets[0], str) else None
    return PatternFacts(delivery, bucket, prefix, suffix)


def key_matches(key: str, key_prefix: str = "", key_suffix: str = "") -> bool:
    """Whether the rule matches this key: the prefix and the suffix both hold, without overlapping (the rule's
    `wildcard` PREFIX*SUFFIX needs both, one after the other)."""
    return (key.startswith(key_prefix) and key.endswith(key_suffix)
            and len(key) >= len(key_prefix) + len(key_suffix))


# ------------------------------------------------------------------------------------------ the synthesized event
def _partition(state_machine_arn: str) -> str:
    parts = state_machine_arn.split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"


KEY_ENCODINGS = ("raw", "url")


def event_key(key: str, encoding: str = "raw") -> str:
    """The key as the synthesized event carries it: as stored ("raw"), or percent-encoded with '/' kept ("url",
    what LocalStack 4.8.1 puts in its S3 EventBridge events)."""
    if encoding == "url":
        from urllib.parse import quote  # noqa: PLC0415
        return quote(key, safe="/")
    if encoding == "raw":
        return key
    raise ValueError(f"unknown key encoding {encoding!r}; valid values are {', '.join(KEY_ENCODINGS)}")


def backfill_event(delivery: str, *, bucket: str, key: str, size: Optional[int], etag: Optional[str],
                   version_id: Optional[str], last_modified: str, region: str, account: str,
                   partition: str = "aws", key_encoding: str = "raw") -> dict:
    """The event the trigger would have received had the object been uploaded now, in the delivery mode's shape,
    clearly marked as synthesized by a backfill:

    - `id` is `backfill-<hash of bucket, key, version>`, `time` and `eventTime` are the object's LastModified;
    - the S3 operation (`detail.reason` / `detail.eventName`) is "Backfill";
    - `detail.s3TriggeredStateMachineBackfill` is `{"synthesized": true, "tool": ..., "versionId": ...}`.

    The key is the object's key as S3 lists it: CloudTrail records raw keys. In EventBridge mode `key_encoding="url"`
    percent-encodes it instead, for state machines that receive encoded keys (LocalStack 4.8.1 encodes them; AWS
    documents no encoding for EventBridge events). Deterministic: the same object version gives the same event, so a re-run's
    StartExecution carries the same input as the first run's."""
    event_id = "backfill-" + _digest("event", bucket, key, version_id or "null")[:32]
    key = event_key(key, key_encoding) if delivery == EVENTBRIDGE else key
    marker = {"synthesized": True, "tool": BACKFILL_TOOL, "versionId": version_id}
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    if delivery == EVENTBRIDGE:
        obj: dict = {"key": key}
        if size is not None:
            obj["size"] = size
        if etag:
            obj["etag"] = etag.strip('"')
        if version_id:
            obj["version-id"] = version_id
        return {
            "version": "0", "id": event_id, "detail-type": OBJECT_CREATED_DETAIL_TYPE, "source": "aws.s3",
            "account": account, "time": last_modified, "region": region, "resources": [bucket_arn],
            "detail": {"version": "0", "bucket": {"name": bucket}, "object": obj, "request-id": event_id,
                       "requester": account, "reason": BACKFILL_EVENT_NAME, BACKFILL_MARKER_KEY: marker},
        }
    if delivery == CLOUDTRAIL:
        return {
            "version": "0", "id": event_id, "detail-type": CLOUDTRAIL_DETAIL_TYPE, "source": "aws.s3",
            "account": account, "time": last_modified, "region": region, "resources": [],
            "detail": {
                "eventVersion": "1.09", "eventSource": "s3.amazonaws.com", "eventName": BACKFILL_EVENT_NAME,
                "eventTime": last_modified, "awsRegion": region, "eventType": "AwsApiCall", "readOnly": False,
                "requestParameters": {"bucketName": bucket, "key": key},
                "resources": [{"type": "AWS::S3::Object", "ARN": f"{bucket_arn}/{key}"},
                              {"accountId": account, "type": "AWS::S3::Bucket", "ARN": bucket_arn}],
                "recipientAccountId": account, "eventCategory": "Data", "requestID": event_id, "eventID": event_id,
                BACKFILL_MARKER_KEY: marker,
            },
        }
    raise ValueError(f"unknown delivery {delivery!r}; valid values are {', '.join(DELIVERIES)}")


def iso_time(value: Any) -> str:
    """`2024-05-01T12:00:00Z` from a datetime (S3's LastModified), as events spell times."""
    if hasattr(value, "astimezone"):
        import datetime as _dt  # noqa: PLC0415
        return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


# ------------------------------------------------------------------------------------------------- rate limiting
class TokenBucket:
    """A token bucket: `rate` per second, bursts of `burst`. `wait(now)` says how long to sleep before the next call
    and takes its token; the clock is passed in, so the arithmetic is tested without sleeping."""

    def __init__(self, rate: float, burst: int, now: float = 0.0) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be above 0 and burst at least 1")
        self.rate, self.burst = float(rate), float(burst)
        self.tokens, self.stamp = float(burst), now

    def wait(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        delay = (1 - self.tokens) / self.rate
        self.tokens, self.stamp = 0.0, now + delay
        return delay


def backoff(attempt: int, base: float = 0.2, cap: float = 10.0) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...) of a throttled call: exponential, capped."""
    return min(cap, base * (2 ** (attempt - 1)))


# ------------------------------------------------------------------------------------------------ the settings
#: Stack output names the command reads: the tutorial stack's camelCase exports and the component's own outputs.
OUTPUT_KEYS = {
    "bucket": ("bucketName", "bucket_name"),
    "state_machine_arn": ("stateMachineArn", "state_machine_arn"),
    "rule_name": ("ruleName", "rule_name"),
    "trail_name": ("trailName", "trail_name"),
    "event_pattern": ("eventPattern", "event_pattern"),
    "queue_url": ("deadLetterQueueUrl", "dead_letter_queue_url"),
    "queue_arn": ("deadLetterQueueArn", "dead_letter_queue_arn"),
    "key_prefix": ("keyPrefix", "key_prefix"),
    "key_suffix": ("keySuffix", "key_suffix"),
    "input_format": ("inputFormat", "input_format"),
    "delivery": ("delivery",),
}


def from_outputs(outputs: Mapping[str, Any]) -> dict:
    """The settings a stack's outputs give (`pulumi stack output --json`); facts the event pattern encodes (delivery,
    bucket, key prefix and suffix) are read from it where no output names them."""
    found: dict = {}
    for setting, names in OUTPUT_KEYS.items():
        for name in names:
            if outputs.get(name) not in (None, ""):
                found[setting] = outputs[name]
                break
    pattern = found.pop("event_pattern", None)
    if pattern is not None:
        facts = facts_from_pattern(json.loads(pattern) if isinstance(pattern, str) else pattern)
        found.setdefault("delivery", facts.delivery)
        found.setdefault("key_prefix", facts.key_prefix)
        found.setdefault("key_suffix", facts.key_suffix)
        if facts.bucket:
            found.setdefault("bucket", facts.bucket)
    return found


def merge_settings(*layers: Mapping[str, Any]) -> dict:
    """Later layers win; None means "not given"."""
    merged: dict = {}
    for layer in layers:
        merged.update({k: v for k, v in layer.items() if v is not None})
    return merged


def settings_problem(settings: Mapping[str, Any], required: tuple[str, ...]) -> Optional[str]:
    """Why these settings cannot run a command that needs `required`, or None."""
    flags = {"bucket": "--bucket", "state_machine_arn": "--state-machine-arn", "queue_url": "--queue-url",
             "input_format": "--input-format", "delivery": "--delivery"}
    missing = [k for k in required if settings.get(k) in (None, "")]
    if missing:
        return ("missing " + ", ".join(f"{k} ({flags.get(k, '--' + k.replace('_', '-'))})" for k in missing)
                + ": give the flags, or the stack's outputs with --stack-outputs FILE (or - for stdin)")
    if settings.get("input_format") not in (None, *INPUT_FORMATS):
        return f"--input-format {settings['input_format']!r} is invalid: valid values are {', '.join(INPUT_FORMATS)}"
    if settings.get("delivery") not in (None, *DELIVERIES):
        return f"--delivery {settings['delivery']!r} is invalid: valid values are {', '.join(DELIVERIES)}"
    arn = settings.get("state_machine_arn")
    if arn and not re.fullmatch(r"arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+", arn):
        return (f"--state-machine-arn {arn!r} is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:"
                "stateMachine:NAME)")
    return None


def region_of(arn: str) -> Optional[str]:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else None


def account_of(arn: str) -> Optional[str]:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4] else None


__all__ = ["BACKFILL_EVENT_NAME", "BACKFILL_MARKER_KEY", "EVENT", "OBJECT", "PatternFacts", "TokenBucket",
           "backfill_event", "backfill_execution_name", "backoff", "facts_from_pattern", "from_outputs", "iso_time",
           "key_matches", "merge_settings", "redrive_execution_name", "settings_problem", "_partition"]
