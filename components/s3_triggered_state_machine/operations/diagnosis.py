"""`verify`'s pure core: which execution names the canary object, by which path it came, and, when none came, which
link of the chain is missing. Plain values in, plain values out; no AWS calls (those are in `verify.py`).

The chain, in the data's order: the bucket sends events (EventBridge notification, or a logging trail whose selectors
cover the key) -> the rule exists, is enabled, has a pattern that matches the upload -> the rule's target starts this
state machine, with a role -> EventBridge could start it (no FailedInvocations, nothing in the dead-letter queue)
-> the state machine exists. Each `Finding` names one link in plain words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence
from urllib.parse import quote, quote_plus

from ..rule import CLOUDTRAIL, CLOUDTRAIL_DETAIL_TYPE, EVENTBRIDGE, OBJECT_CREATED_DETAIL_TYPE

OK, BROKEN, UNKNOWN = "ok", "BROKEN", "unknown"


# ------------------------------------------------------------------------------------- the execution that arrived
def key_spellings(key: str) -> set[str]:
    """The key as stored, and percent-encoded as S3 event notifications encode keys (LocalStack 4.8.1 also encodes
    them in EventBridge events; AWS documents none there): an execution naming any of them names the object."""
    return {key, quote(key, safe="/"), quote_plus(key, safe="/")}


def delivery_path(document: Any, bucket: str, key: str) -> Optional[str]:
    """How an execution input names s3://bucket/key, in words (the delivery path), or None if it does not name it.

    Knows the three inputs the trigger delivers: the S3 EventBridge notification ("Object Created"), the CloudTrail
    event ("AWS API Call via CloudTrail"), and the input transformer's document (`input_format="object"`)."""
    if not isinstance(document, Mapping):
        return None
    keys = key_spellings(key)
    detail = document.get("detail") if isinstance(document.get("detail"), Mapping) else {}
    if document.get("detail-type") == OBJECT_CREATED_DETAIL_TYPE:
        if (detail.get("bucket") or {}).get("name") == bucket and (detail.get("object") or {}).get("key") in keys:
            return (f"S3 EventBridge notification \"Object Created\" (reason {detail.get('reason')!r}) -> rule -> "
                    "Step Functions (input: the event)")
    if document.get("detail-type") == CLOUDTRAIL_DETAIL_TYPE:
        request = detail.get("requestParameters") or {}
        if request.get("bucketName") == bucket and request.get("key") in keys:
            return (f"CloudTrail data event {detail.get('eventName')!r} -> \"AWS API Call via CloudTrail\" -> rule -> "
                    "Step Functions (input: the event)")
    if set(document) >= {"bucket", "key", "eventName"} and document.get("bucket") == bucket \
            and document.get("key") in keys:
        source = "CloudTrail data event" if document.get("size", 0) is None else "S3 event"
        return (f"{source} {document.get('eventName')!r} -> rule -> input transformer -> Step Functions "
                "(input: the object document)")
    return None


def parse_input(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------------- the diagnosis
@dataclass
class Facts:
    """What `verify` could read after a time-out. None means "not read" (with the reason in `unreadable`)."""

    delivery: str
    bucket: str
    key: str
    event_name: str = "PutObject"
    state_machine_arn: str = ""
    rule_name: Optional[str] = None
    rule: Optional[dict] = None                 # DescribeRule, or {} when the rule does not exist
    pattern_matches: Optional[bool] = None      # TestEventPattern of the canary's event against the rule's pattern
    targets: Optional[list] = None              # ListTargetsByRule
    notification: Optional[dict] = None         # GetBucketNotificationConfiguration
    trails: Optional[list] = None               # [{"name", "arn", "region", "home_region", "is_logging",
                                                #   "advanced": [...], "basic": [...]}]
    dead_letters: Optional[list] = None         # [{"body": ..., "attributes": {...}}] peeked from the queue
    queue_url: Optional[str] = None
    failed_invocations: Optional[float] = None  # Sum of AWS/Events FailedInvocations since the upload
    triggered_rules: Optional[float] = None     # Sum of AWS/Events TriggeredRules since the upload
    state_machine: Optional[dict] = None        # DescribeStateMachine, or {} when it does not exist
    role_exists: Optional[bool] = None
    unreadable: dict = field(default_factory=dict)  # what could not be read -> why


@dataclass(frozen=True)
class Finding:
    link: str
    status: str   # OK, BROKEN or UNKNOWN
    text: str

    def line(self) -> str:
        return f"  [{self.status}] {self.link}: {self.text}"


def _field(selector: Mapping, name: str) -> Optional[Mapping]:
    """One field selector of an advanced event selector, as CloudTrail's GetEventSelectors returns it."""
    for f in selector.get("FieldSelectors") or []:
        if f.get("Field") == name:
            return f
    return None


def _values(f: Optional[Mapping], key: str) -> list:
    return list((f or {}).get(key) or [])


def _advanced_covers(selector: Mapping, object_arn: str, event_name: str) -> bool:
    """Whether one advanced event selector logs `event_name` write data events on `object_arn` (the fields the
    component writes; a field it does not know makes it say no, which the diagnosis reports as such)."""
    category = _field(selector, "eventCategory")
    if category is None or "Data" not in _values(category, "Equals"):
        return False
    rtype = _field(selector, "resources.type")
    if rtype is None or "AWS::S3::Object" not in _values(rtype, "Equals"):
        return False
    read_only = _field(selector, "readOnly")
    if read_only is not None and "false" not in [str(v).lower() for v in _values(read_only, "Equals")]:
        return False
    names = _field(selector, "eventName")
    if names is not None:
        if _values(names, "Equals") and event_name not in _values(names, "Equals"):
            return False
        if event_name in _values(names, "NotEquals"):
            return False
    arn = _field(selector, "resources.ARN")
    if arn is not None:
        starts, equals = _values(arn, "StartsWith"), _values(arn, "Equals")
        if (starts or equals) and not (any(object_arn.startswith(s) for s in starts) or object_arn in equals):
            return False
        if any(object_arn.startswith(s) for s in _values(arn, "NotStartsWith")):
            return False
    return True


def _basic_covers(selector: Mapping, object_arn: str) -> bool:
    if selector.get("ReadWriteType", "All") not in ("All", "WriteOnly"):
        return False
    for resource in selector.get("DataResources") or []:
        if resource.get("Type") != "AWS::S3::Object":
            continue
        for value in resource.get("Values") or []:
            if value in ("arn:aws:s3", "arn:aws:s3:::") or object_arn.startswith(value):
                return True
    return False


def trail_covers(trail: Mapping, object_arn: str, event_name: str) -> bool:
    """Whether this trail's selectors log the canary upload's data event."""
    if trail.get("advanced"):
        return any(_advanced_covers(s, object_arn, event_name) for s in trail["advanced"])
    return any(_basic_covers(s, object_arn) for s in trail.get("basic") or [])


def _dead_letter_for(facts: Facts) -> Optional[dict]:
    for message in facts.dead_letters or []:
        if delivery_path(parse_input(message.get("body")), facts.bucket, facts.key):
            return message
    return None


def diagnose(facts: Facts) -> list[Finding]:
    """Every link of the chain, in the data's order, each OK, BROKEN (named in plain words) or UNKNOWN (could not
    be read, and why)."""
    found: list[Finding] = []
    object_arn = f"arn:aws:s3:::{facts.bucket}/{facts.key}"
    partition = facts.state_machine_arn.split(":")[1] if facts.state_machine_arn.count(":") > 2 else "aws"
    object_arn = object_arn.replace("arn:aws:", f"arn:{partition}:", 1)

    def unknown(link: str, what: str) -> None:
        found.append(Finding(link, UNKNOWN, f"could not read {what}: {facts.unreadable.get(what, 'not read')}"))

    # 1. the bucket's events reach EventBridge
    if facts.delivery == EVENTBRIDGE:
        link = "bucket -> EventBridge"
        if facts.notification is None:
            unknown(link, "the bucket's notification configuration")
        elif "EventBridgeConfiguration" in facts.notification:
            found.append(Finding(link, OK, f"s3://{facts.bucket} sends its events to EventBridge"))
        else:
            found.append(Finding(link, BROKEN, f"the bucket {facts.bucket} does not send events to EventBridge: its "
                                 "notification configuration has no EventBridgeConfiguration (turn on \"Send "
                                 "notifications to Amazon EventBridge\" in its properties, merged with its other "
                                 "notifications)"))
    elif facts.delivery == CLOUDTRAIL:
        link = "bucket -> trail -> EventBridge"
        if facts.trails is None:
            unknown(link, "the trails")
        else:
            covering = [t for t in facts.trails if trail_covers(t, object_arn, facts.event_name)]
            logging = [t for t in covering if t.get("is_logging")]
            if logging:
                found.append(Finding(link, OK, f"trail {logging[0]['name']} is logging and its selectors cover "
                                     f"{facts.event_name} on s3://{facts.bucket}/{facts.key}"))
            elif covering:
                found.append(Finding(link, BROKEN, f"trail {covering[0]['name']} covers this upload but is not "
                                     "logging (StartLogging)"))
            elif facts.trails:
                names = ", ".join(t["name"] for t in facts.trails)
                found.append(Finding(link, BROKEN, f"no trail logs {facts.event_name} data events on "
                                     f"s3://{facts.bucket}/{facts.key} (trails read: {names}): the rule can never "
                                     "see the upload"))
            else:
                found.append(Finding(link, BROKEN, "no trail exists in this region: without a trail that logs the "
                                     "bucket's data events, CloudTrail-delivered events never reach the rule"))

    # 2. the rule
    link = "rule"
    if facts.rule is None:
        unknown(link, "the rule")
    elif not facts.rule:
        found.append(Finding(link, BROKEN, f"the rule {facts.rule_name} does not exist"))
    elif facts.rule.get("State") != "ENABLED":
        found.append(Finding(link, BROKEN, f"the rule {facts.rule_name} is {facts.rule.get('State')}: a disabled rule "
                             "matches nothing (enable it)"))
    else:
        found.append(Finding(link, OK, f"the rule {facts.rule_name} exists and is enabled"))
    if facts.rule:
        if facts.pattern_matches is None:
            unknown("rule pattern", "whether the pattern matches")
        elif facts.pattern_matches:
            found.append(Finding("rule pattern", OK, "the rule's pattern matches this upload's event"))
        else:
            found.append(Finding("rule pattern", BROKEN, f"the rule's pattern does not match a {facts.event_name} of "
                                 f"s3://{facts.bucket}/{facts.key}: it looks for another bucket, key or operation"))

    # 3. the target
    link = "rule -> target"
    if facts.rule:
        if facts.targets is None:
            unknown(link, "the rule's targets")
        else:
            ours = [t for t in facts.targets if t.get("Arn") == facts.state_machine_arn]
            if ours:
                found.append(Finding(link, OK, f"the rule's target starts {facts.state_machine_arn}"))
                if not ours[0].get("RoleArn"):
                    found.append(Finding("target role", BROKEN, "the target has no role: EventBridge needs one to "
                                         "start a Step Functions execution"))
                elif facts.role_exists is False:
                    found.append(Finding("target role", BROKEN, f"the role {ours[0]['RoleArn']} that EventBridge "
                                         "assumes does not exist"))
            elif facts.targets:
                others = ", ".join(t.get("Arn", "?") for t in facts.targets)
                found.append(Finding(link, BROKEN, f"the rule has no target that starts {facts.state_machine_arn} "
                                     f"(its targets: {others})"))
            else:
                found.append(Finding(link, BROKEN, f"the rule {facts.rule_name} has no target: it matches and starts "
                                     "nothing"))

    # 4. EventBridge could not start it
    letter = _dead_letter_for(facts)
    if letter is not None:
        attrs = letter.get("attributes") or {}
        found.append(Finding("target -> state machine", BROKEN, "EventBridge could not start the execution and put "
                             f"the upload's event in the dead-letter queue: {attrs.get('ERROR_CODE', '?')}: "
                             f"{attrs.get('ERROR_MESSAGE', '')} (fix it, then `redrive`)"))
    elif facts.dead_letters is None and facts.queue_url:
        unknown("dead-letter queue", "the dead-letter queue")
    elif facts.dead_letters:
        found.append(Finding("dead-letter queue", BROKEN, f"{len(facts.dead_letters)} other event(s) wait in the "
                             "dead-letter queue (`redrive --dry-run` shows why)"))
    elif facts.dead_letters == [] and facts.queue_url:
        found.append(Finding("dead-letter queue", OK, "empty: EventBridge reported no failure to start the "
                             "execution (it dead-letters permission errors at once, others after its retries)"))
    if facts.failed_invocations:
        found.append(Finding("target -> state machine", BROKEN, f"the rule's FailedInvocations is "
                             f"{facts.failed_invocations:g} since the upload: it matched, but starting the execution "
                             "failed (role permission, state machine missing, throttling)"))
    elif facts.failed_invocations is None and facts.rule_name:
        unknown("FailedInvocations", "the rule's FailedInvocations metric")
    if facts.triggered_rules == 0 and facts.rule and facts.rule.get("State") == "ENABLED":
        found.append(Finding("rule", UNKNOWN, "the rule's TriggeredRules metric shows no match since the upload "
                             "(metrics arrive a few minutes late)"))

    # 5. the state machine
    if facts.state_machine is None:
        unknown("state machine", "the state machine")
    elif not facts.state_machine:
        found.append(Finding("state machine", BROKEN, f"the state machine {facts.state_machine_arn} does not exist"))
    else:
        found.append(Finding("state machine", OK, f"{facts.state_machine_arn} exists "
                             f"({facts.state_machine.get('status', 'ACTIVE')})"))
    return found


def broken(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == BROKEN]
