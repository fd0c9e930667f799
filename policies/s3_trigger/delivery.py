"""Following S3 events through the stack, the way AWS delivers them. Pure reading of a StackGraph.

The mandatory verdicts of the pack are statements about delivery:

* "an object created in bucket B by operation O never starts state machine S";
* "something that is not a new object (a part, a read, a delete, a tag change) starts S".

This module decides both by simulation, one step per AWS service, in the order events travel:

1. **events** (:func:`cloudtrail_event`, :func:`notification_event`): what each S3 operation on a
   bucket puts on the default event bus: a CloudTrail-shaped event ("AWS API Call via CloudTrail")
   and, for the operations S3 notifies, a notification-shaped one ("Object Created", "Object
   Deleted", ...), with the fields each really carries;
2. **existence**: a CloudTrail event exists only if an enabled trail of that region (or a
   multi-region trail) logs it after its selectors are evaluated; a notification only if the
   bucket's notification to EventBridge is on;
3. **seen**: by rules on the default bus (AWS service events go nowhere else), in the event's
   region, enabled;
4. **matched**: by the whole pattern (:func:`patterns.event_matches`), with the fields that vary
   from upload to upload (key, size, requester, ...) chosen to satisfy the pattern where the event
   could carry such a value (:func:`rule_matches`);
5. **received**: by targets that are a state machine, or an alias or version of one, however
   referenced, in the rule's region;
6. **started**: if the target's role trusts events.amazonaws.com for this rule (conditions
   evaluated) and some permission that reaches the role in the stack allows states:StartExecution
   on it (:mod:`.iam`).

A bucket's events are judged across every rule and target that serves it: two rules that
together catch every object-creating operation are correct. :class:`DeliveryModel` computes every
finding once per graph; each mandatory policy reports the findings filed under its name.

Unknown values (preview) are decided from what the engine gives: property dependencies (a pattern
computed from ``bucket.id`` is a rule on that bucket, whose name is known), auto-names, and the shape
of in-stack ARNs. A rule whose pattern is unknown is still judged on every step the pattern does not
decide (does any event of its bucket exist at all, by either path; is the rule enabled on the default
bus in the bucket's region; can its role start its target). What stays undecided becomes an
*undecided* finding (reported by the advisory ``s3-trigger-undecided-in-preview``, never a refusal),
naming the unknown input; the stack policies judge it again after the update. Every independent
failing step is reported, each under the policy that owns it.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .graph import (BUCKET_TYPES, NOTIFICATION, POLICY_ATTACHMENT, ROLE, ROLE_POLICY, ROLE_POLICY_ATTACHMENT,
                    STATE_MACHINE, Node, StackGraph)
from .iam import evaluate, principal_services, read_policy
from .names import (EVENTBRIDGE_ENABLED, LEAST_PRIVILEGE, OBJECT_CREATED_EVENTS, SAME_REGION,
                    TRAIL_LOGS_BUCKET)
from .framework import AT_UPDATE, CANNOT_VERIFY
from .patterns import (CLOUDTRAIL_DETAIL_TYPE, OBJECT_CREATED_DETAIL_TYPE, RulePattern, glob_match, leaf_matches,
                       near_miss, event_matches)
from .regions import Region, parse_arn
from .selectors import explain_trail_event, trail_logs_management_events
from .values import as_bool, as_str, contains_unknown, is_unknown, short

ALIAS = "aws:sfn/alias:Alias"
IAM_POLICY = "aws:iam/policy:Policy"
EVENT_BUS = "aws:cloudwatch/eventBus:EventBus"
EVENTS_PRINCIPAL = "events.amazonaws.com"
START = "states:StartExecution"

# --------------------------------------------------------------------------------------------
# 1. Operations and the events they produce
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """An S3 operation: its CloudTrail eventName, whether it leaves a new object, whether it is
    a read, and the notification S3 sends for it to EventBridge (detail-type, reason), if any.
    ``management``: a bucket-level call logged as a management event (no object, no key)."""
    name: str
    creates: bool
    read_only: bool = False
    notification: tuple[str, str | None] | None = None
    management: bool = False


OPERATIONS: tuple[Operation, ...] = (
    Operation("PutObject", True, notification=(OBJECT_CREATED_DETAIL_TYPE, "PutObject")),
    Operation("CompleteMultipartUpload", True, notification=(OBJECT_CREATED_DETAIL_TYPE, "CompleteMultipartUpload")),
    Operation("CopyObject", True, notification=(OBJECT_CREATED_DETAIL_TYPE, "CopyObject")),
    Operation("PostObject", True, notification=(OBJECT_CREATED_DETAIL_TYPE, "POST Object")),
    Operation("CreateMultipartUpload", False),
    Operation("UploadPart", False),
    Operation("UploadPartCopy", False),
    Operation("AbortMultipartUpload", False),
    Operation("DeleteObject", False, notification=("Object Deleted", "DeleteObject")),
    Operation("DeleteObjects", False, notification=("Object Deleted", "DeleteObjects")),
    Operation("PutObjectAcl", False, notification=("Object ACL Updated", None)),
    Operation("PutObjectTagging", False, notification=("Object Tags Added", None)),
    Operation("DeleteObjectTagging", False, notification=("Object Tags Deleted", None)),
    Operation("RestoreObject", False, notification=("Object Restore Initiated", None)),
    Operation("GetObject", False, read_only=True),
    Operation("HeadObject", False, read_only=True),
    Operation("PutBucketTagging", False, management=True),
    Operation("PutBucketPolicy", False, management=True),
)
OP = {o.name: o for o in OPERATIONS}
CREATING = tuple(o.name for o in OPERATIONS if o.creates)
#: Every upload is one of these two (small files PutObject, large files CompleteMultipartUpload):
#: a trigger must deliver both. CopyObject is required when a serving rule matches it (else the
#: advisory s3-trigger-copy-object says so); PostObject (browser forms) is never required.
ALWAYS_REQUIRED = ("PutObject", "CompleteMultipartUpload")
REQUIRED_WHEN_MATCHED = ("CopyObject",)

CT = "cloudtrail"
NOTE = "notification"
PATH_LABEL = {CT: "CloudTrail", NOTE: "S3 EventBridge notification"}

_ACCOUNT_RE = re.compile(r"^\d{12}$")
DEFAULT_KEY = "sample.bin"


def _ct_request_parameters(bucket: str, key: str, op: Operation) -> dict:
    rp: dict[str, Any] = {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com"}
    if op.management:
        if op.name == "PutBucketTagging":
            rp["tagging"] = ""
        elif op.name == "PutBucketPolicy":
            rp["policy"] = ""
        return rp
    rp["key"] = key
    if op.name in ("CompleteMultipartUpload", "UploadPart", "UploadPartCopy", "AbortMultipartUpload"):
        rp["uploadId"] = "EXAMPLEUPLOADID"
    if op.name in ("UploadPart", "UploadPartCopy"):
        rp["partNumber"] = "1"
    if op.name in ("CopyObject", "UploadPartCopy"):
        rp["x-amz-copy-source"] = f"source-bucket/{key}"
    if op.name == "CreateMultipartUpload":
        rp["uploads"] = ""
    if op.name in ("PutObjectAcl", "PutObjectTagging", "DeleteObjectTagging"):
        rp["acl" if op.name == "PutObjectAcl" else "tagging"] = ""
    if op.name == "DeleteObjects":
        rp.pop("key")
        rp["delete"] = ""
    return rp


def cloudtrail_event(bucket: str, key: str, op: Operation | str, region: str, account: str,
                     partition: str = "aws") -> dict:
    """The event EventBridge delivers for a CloudTrail-logged S3 call (the tutorial's shape)."""
    op = OP[op] if isinstance(op, str) else op
    detail: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:uploader",
                         "arn": f"arn:{partition}:sts::{account}:assumed-role/uploader/session",
                         "accountId": account, "accessKeyId": "ASIAEXAMPLE"},
        "eventTime": "2025-01-01T00:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": op.name,
        "awsRegion": region, "sourceIPAddress": "203.0.113.34", "userAgent": "aws-cli/2",
        "requestParameters": _ct_request_parameters(bucket, key, op),
        "responseElements": None,
        "additionalEventData": {"SignatureVersion": "SigV4", "bytesTransferredIn": 1024},
        "requestID": "79104EXAMPLEB723", "eventID": "cdc4b7ed-e171-4cef-975a-ad829d4123e8",
        "readOnly": op.read_only, "eventType": "AwsApiCall",
        "managementEvent": op.management, "recipientAccountId": account,
        "eventCategory": "Management" if op.management else "Data",
    }
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    if op.management:
        detail["resources"] = [{"accountId": account, "type": "AWS::S3::Bucket", "ARN": bucket_arn}]
    else:
        detail["resources"] = [{"type": "AWS::S3::Object", "ARN": f"{bucket_arn}/{key}"},
                               {"accountId": account, "type": "AWS::S3::Bucket", "ARN": bucket_arn}]
    return {"version": "0", "id": "8d6f9246-b781-44f8-a026-f1c1ab2c61f0", "detail-type": CLOUDTRAIL_DETAIL_TYPE,
            "source": "aws.s3", "account": account, "time": "2025-01-01T00:00:00Z", "region": region,
            "resources": [], "detail": detail}


def notification_event(bucket: str, key: str, op: Operation | str, region: str, account: str,
                       partition: str = "aws") -> dict | None:
    """The event S3 sends to EventBridge for ``op`` when the bucket's EventBridge notifications
    are on, or None if S3 sends none for it (parts, reads, bucket-level calls)."""
    op = OP[op] if isinstance(op, str) else op
    if op.notification is None:
        return None
    detail_type, reason = op.notification
    obj: dict[str, Any] = {"key": key, "etag": "b1946ac92492d2347c6235b4d2611184",
                           "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "sequencer": "00617F08299329D189"}
    if detail_type == OBJECT_CREATED_DETAIL_TYPE:
        obj["size"] = 1024
    detail: dict[str, Any] = {"version": "0", "bucket": {"name": bucket}, "object": obj,
                              "request-id": "N4N7GDK58NMKJ12R", "requester": account,
                              "source-ip-address": "203.0.113.34"}
    if reason is not None:
        detail["reason"] = reason
    if detail_type == "Object Deleted":
        detail["deletion-type"] = "Permanently Deleted"
        del obj["etag"]
    return {"version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103", "detail-type": detail_type,
            "source": "aws.s3", "account": account, "time": "2025-01-01T00:00:00Z", "region": region,
            "resources": [f"arn:{partition}:s3:::{bucket}"], "detail": detail}


# Fields that the simulation fixes (what is being asked) and those that vary from upload to upload.
_FIXED = {
    CT: {("source",), ("detail-type",), ("region",), ("account",), ("resources",), ("detail", "eventSource"),
         ("detail", "eventName"), ("detail", "requestParameters", "bucketName"), ("detail", "awsRegion"),
         ("detail", "readOnly"), ("detail", "eventType"), ("detail", "managementEvent"),
         ("detail", "recipientAccountId"), ("detail", "eventCategory"), ("detail", "resources"),
         ("detail", "resources", "ARN"), ("detail", "resources", "type"), ("detail", "resources", "accountId"),
         ("detail", "requestParameters", "key")},
    NOTE: {("source",), ("detail-type",), ("region",), ("account",), ("resources",), ("detail", "bucket", "name"),
           ("detail", "reason"), ("detail", "object", "key"), ("detail", "deletion-type")},
}
_KEY_PATH = {CT: ("detail", "requestParameters", "key"), NOTE: ("detail", "object", "key")}
_NUMERIC_FIELDS = {("detail", "object", "size"), ("detail", "additionalEventData", "bytesTransferredIn")}


def make_event(path: str, bucket: str, key: str, op: Operation, region: str, account: str) -> dict | None:
    if path == CT:
        return cloudtrail_event(bucket, key, op, region, account)
    return notification_event(bucket, key, op, region, account)


# --------------------------------------------------------------------------------------------
# 4. Matching, with witnesses for the fields that vary
# --------------------------------------------------------------------------------------------

_MAX_ALTERNATIVES = 64


def alternatives(pattern: Any) -> list[dict]:
    """The pattern with every ``$or`` expanded into plain alternatives (bounded)."""
    if not isinstance(pattern, dict):
        return []
    out: list[dict] = [{}]
    for key, sub in pattern.items():
        if key == "$or" and isinstance(sub, list):
            choices = [a for alt in sub if isinstance(alt, dict) for a in alternatives(alt)]
            out = [{**base, **c} for base in out for c in choices][:_MAX_ALTERNATIVES]
        elif isinstance(sub, dict):
            subs = alternatives(sub)
            out = [{**base, key: s} for base in out for s in subs][:_MAX_ALTERNATIVES]
        else:
            out = [{**base, key: sub} for base in out]
    return out


def leaves(pattern: dict, path: tuple = ()) -> Iterable[tuple[tuple, Any]]:
    for key, sub in pattern.items():
        if isinstance(sub, dict):
            yield from leaves(sub, path + (key,))
        else:
            yield path + (key,), sub


def _candidates(leaf: Any, numeric: bool) -> list[Any]:
    """Values that may satisfy ``leaf``: its own values and one value per content filter."""
    out: list[Any] = []
    for item in leaf if isinstance(leaf, list) else []:
        if isinstance(item, dict) and len(item) == 1:
            (op, operand), = item.items()
            if isinstance(operand, dict) and len(operand) == 1 and "equals-ignore-case" in operand:
                operand = operand["equals-ignore-case"]
            if op == "prefix" and isinstance(operand, str):
                out.append(operand + "sample.bin")
            elif op == "suffix" and isinstance(operand, str):
                out.append("incoming/sample" + operand)
            elif op == "wildcard" and isinstance(operand, str):
                out.append(re.sub(r"(?<!\\)\*", "x", operand).replace("\\*", "*"))
            elif op == "equals-ignore-case" and isinstance(operand, str):
                out.append(operand)
            elif op == "numeric" and isinstance(operand, list):
                bounds = [b for b in operand[1::2] if isinstance(b, (int, float)) and not isinstance(b, bool)]
                for b in bounds:
                    out.extend([b, b + 1, b - 1, b + 0.5, b - 0.5])
                out.extend([0, 1024])
            elif op == "cidr" and isinstance(operand, str):
                out.append(operand.split("/", 1)[0][:-1] + "7" if operand.count(".") == 3 else operand)
            elif op == "anything-but":
                out.extend(["zz-other-value", 987654321])
        elif not isinstance(item, (dict, list)):
            out.append(item)
    if numeric:
        out = [v for v in out if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0]
    else:
        out = [v for v in out if isinstance(v, str)]
    return out


def _get(event: Any, path: tuple) -> tuple[bool, Any]:
    cur = event
    for step in path:
        if not isinstance(cur, dict) or step not in cur:
            return False, None
        cur = cur[step]
    return True, cur


def _set(event: dict, path: tuple, value: Any) -> None:
    cur = event
    for step in path[:-1]:
        cur = cur[step]
    cur[path[-1]] = value


def _key_candidates(alt: dict, path: str, bucket: str) -> list[str]:
    keys: list[str] = []
    has, leaf = _get(alt, _KEY_PATH[path])
    if has:
        keys.extend(_candidates(leaf, False))
    has, leaf = _get(alt, ("detail", "resources", "ARN"))
    if has:
        prefix = f"arn:aws:s3:::{bucket}/"
        for c in _candidates(leaf, False):
            if c.startswith(prefix) and len(c) > len(prefix):
                keys.append(c[len(prefix):])
    keys.append(DEFAULT_KEY)
    return [k for k in dict.fromkeys(keys) if isinstance(k, str) and k and "\n" not in k][:8]


@dataclass
class Compiled:
    """A rule pattern prepared for simulation: its alternatives, each split into the leaves on
    fixed fields (tested first, cheaply) and the leaves on fields that vary."""
    pattern: dict
    alts: list[tuple[dict, dict, list[tuple[tuple, Any]]]] = field(default_factory=list)

    @classmethod
    def of(cls, pattern: dict, path: str) -> "Compiled":
        c = cls(pattern)
        for alt in alternatives(pattern):
            fixed: dict = {}
            free: list[tuple[tuple, Any]] = []
            for p, leaf in leaves(alt):
                if p in _FIXED[path]:
                    cur = fixed
                    for step in p[:-1]:
                        cur = cur.setdefault(step, {})
                    cur[p[-1]] = leaf
                else:
                    free.append((p, leaf))
            c.alts.append((alt, fixed, free))
        return c


def rule_matches(compiled: Compiled, path: str, bucket: str, op: Operation, region: str, account: str
                 ) -> tuple[bool, dict | None, str]:
    """Does the rule match some event ``op`` on ``bucket`` by delivery ``path``? The key and the
    other fields that vary between uploads are chosen to satisfy the pattern where the event can
    carry such a value. Returns (matched, the witness event, why not)."""
    base = make_event(path, bucket, DEFAULT_KEY, op, region, account)
    if base is None:
        return False, None, f"S3 sends no {PATH_LABEL[path]} for {op.name}"
    if event_matches(compiled.pattern, base):
        return True, base, ""
    for alt, fixed, free in compiled.alts:
        # Fixed fields are what is asked: test them on the base event, with only the key varied.
        for key in _key_candidates(alt, path, bucket):
            ev = make_event(path, bucket, key, op, region, account) if key != DEFAULT_KEY else copy.deepcopy(base)
            if not event_matches(fixed, ev):
                continue
            for p, leaf in free:
                has, cur = _get(ev, p)
                if not has or isinstance(cur, dict):
                    continue  # the event never carries this field: only {"exists": false} matches
                if leaf_matches(leaf, cur, True):
                    continue
                numeric = p in _NUMERIC_FIELDS
                for cand in _candidates(leaf, numeric):
                    if leaf_matches(leaf, cand, True):
                        _set(ev, p, cand)
                        break
            if event_matches(compiled.pattern, ev):
                return True, ev, ""
    return False, None, explain_mismatch(compiled.pattern, base)


def explain_mismatch(pattern: Any, event: dict) -> tuple[str, str]:
    """Why the pattern does not match the event, and the smallest fix: the first field (top
    level, then nested) that fails, with what the event carries."""
    if not isinstance(pattern, dict):
        return "the pattern is not an object", "give a JSON object"
    fixes: list[str] = []

    def walk(pat: dict, ev: Any, path: str) -> str | None:
        for key, sub in pat.items():
            if key == "$or":
                if isinstance(sub, list) and not any(event_matches(a, ev if isinstance(ev, dict) else {})
                                                     for a in sub):
                    return f"no alternative of {path + '.' if path else ''}$or matches"
                continue
            p = f"{path}.{key}" if path else key
            present = isinstance(ev, dict) and key in ev
            val = ev.get(key) if isinstance(ev, dict) else None
            if isinstance(sub, dict):
                inner = walk(sub, val if isinstance(val, dict) else {}, p)
                if inner and not (isinstance(val, list) and any(isinstance(v, dict) and event_matches(sub, v)
                                                                 for v in val)):
                    return inner
                continue
            if not leaf_matches(sub, val, present):
                if not present or isinstance(val, dict):
                    fixes.append(f"drop {p} (events of this kind never carry it)")
                    return f"{p}: this event never carries such a field, the pattern wants {short(sub, 80)}"
                for s in (sub if isinstance(sub, list) else []):
                    if isinstance(s, str) and isinstance(val, str) and near_miss(s, val):
                        fixes.append(f"write {val!r}, not {s!r}, in {p}")
                        return (f"{p} is {short(val, 80)} in the event, the pattern wants {short(sub, 80)} "
                                f"({s!r} is a near miss: matching is exact and case-sensitive)")
                fixes.append(f"let {p} match {short(val, 60)}")
                return f"{p} is {short(val, 80)} in the event, the pattern wants {short(sub, 80)}"
        return None

    reason = walk(pattern, event, "") or "the pattern does not match"
    return reason, fixes[0] if fixes else "match the fields the event really carries"


# --------------------------------------------------------------------------------------------
# Bucket names
# --------------------------------------------------------------------------------------------

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_RE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


def bucket_name_problem(name: str) -> str | None:
    """Why no S3 bucket can have this name (general purpose bucket naming rules), or None."""
    if not isinstance(name, str):
        return "not a string"
    if not 3 <= len(name) <= 63:
        return f"it is {len(name)} characters long (3-63)"
    if not _BUCKET_RE.match(name):
        bad = sorted({c for c in name if not (c.islower() or c.isdigit() or c in ".-")})
        if bad:
            return f"it contains {''.join(bad)!r} (only lowercase letters, digits, dots and hyphens)"
        return "it must begin and end with a letter or digit"
    if ".." in name:
        return "it has two adjacent dots"
    if _IP_RE.match(name):
        return "it is formatted as an IP address"
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        return "it uses a prefix or suffix S3 reserves"
    return None


_BUCKET_PATHS = {
    CT: [("detail", "requestParameters", "bucketName")],
    NOTE: [("detail", "bucket", "name")],
}
_ARN_PATHS = [("resources",), ("detail", "resources", "ARN")]


def pattern_bucket_names(pattern: dict) -> tuple[set[str], bool]:
    """Bucket names a pattern spells (exact values and prefixes of bucket-name fields, bucket and
    object ARNs), and whether some alternative constrains no bucket field at all (every bucket)."""
    names: set[str] = set()
    unconstrained = False
    for alt in alternatives(pattern):
        constrained = False
        for p, leaf in leaves(alt):
            if p in _BUCKET_PATHS[CT] or p in _BUCKET_PATHS[NOTE]:
                constrained = True
                for item in leaf if isinstance(leaf, list) else []:
                    if isinstance(item, str):
                        names.add(item)
            elif p in _ARN_PATHS:
                constrained = True
                for item in leaf if isinstance(leaf, list) else []:
                    s = item if isinstance(item, str) else (item.get("prefix") if isinstance(item, dict) else None)
                    if isinstance(s, str) and s.startswith("arn:") and ":s3:::" in s:
                        rest = s.split(":s3:::", 1)[1]
                        name = rest.split("/", 1)[0]
                        if name and (isinstance(item, str) or "/" in rest):
                            names.add(name)
        if not constrained:
            unconstrained = True
    return names, unconstrained


def exact_bucket_names(pattern: dict) -> set[str] | None:
    """Every bucket the pattern can match when each alternative names buckets by exact values
    only; None when some alternative uses filters or names none (test every bucket then)."""
    out: set[str] = set()
    for alt in alternatives(pattern):
        found = False
        for p, leaf in leaves(alt):
            if p in _BUCKET_PATHS[CT] or p in _BUCKET_PATHS[NOTE]:
                if not isinstance(leaf, list) or any(isinstance(i, dict) for i in leaf):
                    return None
                out.update(i for i in leaf if isinstance(i, str))
                found = True
                break
        if not found:
            return None
    return out


# --------------------------------------------------------------------------------------------
# Steps of the journey: verdicts with reasons
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """The verdict of one step: ok True/False/None (undecided), the policy that owns a failure,
    the reason, the smallest fix; ``open`` for an undecided step the stack cannot settle (fail
    closed) rather than one the engine settles after the update (deferred)."""
    ok: bool | None
    policy: str = ""
    reason: str = ""
    fix: str = ""
    open: bool = False


OK = Step(True)


@dataclass
class Machine:
    """A state machine a target starts: the in-stack node (if any) and/or its ARN."""
    key: str
    label: str
    node: Node | None
    arn: str | None                # unqualified, when known
    name: str | None
    region: Region | None
    target_arn: str | None = None  # qualified (alias / version) or unqualified, when known
    qualifier: str | None = None


@dataclass
class TargetView:
    node: Node
    machine: Machine


@dataclass
class RuleView:
    node: Node
    pattern: RulePattern
    compiled: dict[str, Compiled]
    targets: list[TargetView]
    paths: tuple[str, ...]
    unknown: bool = False  # the pattern is unknown during preview


@dataclass
class Finding:
    policy: str
    urn: str
    message: str
    undecided: bool = False


class DeliveryModel:
    """Every delivery finding of a stack, computed once (cached per graph and config)."""

    def __init__(self, graph: StackGraph, elsewhere: tuple[str, ...] = ()):
        self.graph = graph
        self.elsewhere = elsewhere
        self.account = self._account()
        self._sm_by_name: dict[str, list[Node]] = {}
        for sm in graph.of_type(STATE_MACHINE):
            name = as_str(sm.props.get("name"))
            if name:
                self._sm_by_name.setdefault(name, []).append(sm)
        self._trail_props: dict[str, dict] = {}
        self._role_cache: dict[tuple[str, str, str], Step] = {}
        self._exists_cache: dict[tuple, Step] = {}
        self.deferred: list[str] = []
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._run()

    @classmethod
    def for_graph(cls, graph: StackGraph, elsewhere: Iterable[str] = ()) -> "DeliveryModel":
        key = tuple(sorted(elsewhere))
        cache = graph.__dict__.setdefault("_delivery_models", {})
        if key not in cache:
            cache[key] = cls(graph, key)
        return cache[key]

    def by_policy(self, policy: str) -> list[Finding]:
        return [f for f in self.findings if f.policy == policy]

    def _add(self, policy: str, urn: str, message: str, undecided: bool = False) -> None:
        k = (policy, urn, message)
        if k not in self._seen:
            self._seen.add(k)
            self.findings.append(Finding(policy, urn, message, undecided))

    def _undecided(self, policy: str, urn: str, message: str) -> None:
        """A verdict preview cannot settle: reported by the advisory policy, judged again after the update."""
        self._add(policy, urn, f"{CANNOT_VERIFY}: {message.rstrip('.')}. {AT_UPDATE}", True)

    # ---- account -------------------------------------------------------------------------
    def _account(self) -> str | None:
        counts: dict[str, int] = {}
        for n in self.graph.nodes:
            a = parse_arn(n.props.get("arn"))
            if a and _ACCOUNT_RE.match(a.account):
                counts[a.account] = counts.get(a.account, 0) + 1
        return max(counts, key=counts.get) if counts else None

    # ---- 5. targets -----------------------------------------------------------------------
    def _machine_for_node(self, sm: Node, target_arn: str | None = None, qualifier: str | None = None) -> Machine:
        arn = as_str(sm.props.get("arn"))
        return Machine(sm.urn, sm.label(), sm, arn, as_str(sm.props.get("name")), sm.region,
                       target_arn or (f"{arn}:{qualifier}" if arn and qualifier else arn), qualifier)

    def _machine_from_arn(self, arn: str) -> Machine | None:
        a = parse_arn(arn)
        if not a or a.service != "states" or not a.resource.startswith("stateMachine:"):
            return None
        parts = a.resource.split(":")
        name = parts[1] if len(parts) > 1 else ""
        qualifier = parts[2] if len(parts) > 2 else None
        unqualified = f"arn:{a.partition}:states:{a.region}:{a.account}:stateMachine:{name}"
        for sm in self._sm_by_name.get(name, []):
            if sm.region.name in (None, a.region) or sm.region.unknown:
                m = self._machine_for_node(sm, arn, qualifier)
                m.arn = m.arn or unqualified
                return m
        return Machine(unqualified, f"state machine {unqualified}", None, unqualified, name,
                       Region(a.region, "ARN"), arn, qualifier)

    def _alias_machine(self, alias: Node) -> Machine | None:
        name = as_str(alias.props.get("name"))
        routes = alias.props.get("routingConfigurations")
        for r in routes if isinstance(routes, list) else []:
            v = r.get("stateMachineVersionArn") if isinstance(r, dict) else None
            if isinstance(v, str) and not is_unknown(v):
                m = self._machine_from_arn(v)
                if m:
                    m.qualifier = name
                    m.target_arn = f"{m.arn}:{name}" if m.arn and name else None
                    m.label = f"alias {name!r} of {m.label}"
                    return m
        for d in self.graph.deps(alias, "routingConfigurations"):
            if d.type == STATE_MACHINE:
                m = self._machine_for_node(d, None, name)
                m.label = f"alias {name!r} of {m.label}"
                return m
        return None

    def machine_of(self, target: Node) -> Machine | None:
        """The state machine a target starts (directly, or through an alias or version)."""
        arn = target.props.get("arn")
        if isinstance(arn, str) and not is_unknown(arn):
            for n in self.graph.refs(arn, (STATE_MACHINE, ALIAS)):
                return self._alias_machine(n) if n.type == ALIAS else self._machine_for_node(n, arn)
            m = self._machine_from_arn(arn)
            if m:
                return m
            if parse_arn(arn):
                return None
        for d in self.graph.deps(target, "arn"):
            if d.type == ALIAS:
                return self._alias_machine(d)
            if d.type == STATE_MACHINE:
                return self._machine_for_node(d)
        return None

    # ---- 3. which rules see the events ----------------------------------------------------
    def rule_sees(self, rule: Node, region: Region) -> Step:
        state = rule.props.get("state")
        enabled = rule.props.get("isEnabled")
        if is_unknown(state) or is_unknown(enabled):
            return Step(None, OBJECT_CREATED_EVENTS, "its state is unknown during preview")
        if (isinstance(state, str) and state.upper() == "DISABLED") or as_bool(enabled, True) is False:
            return Step(False, OBJECT_CREATED_EVENTS, "the rule is disabled (state DISABLED)",
                        "set state to ENABLED")
        bus = rule.props.get("eventBusName")
        if is_unknown(bus):
            custom = [d for d in self.graph.deps(rule, "eventBusName") if d.type == EVENT_BUS]
            if custom:
                return Step(False, OBJECT_CREATED_EVENTS,
                            f"the rule is on the custom event bus {custom[0].label()}: AWS service events "
                            "(CloudTrail and S3 notifications) go only to the default bus",
                            "put the rule on the default event bus (leave eventBusName unset)")
            return Step(None, OBJECT_CREATED_EVENTS, "its eventBusName is unknown during preview",
                        open=not self.graph.deps(rule, "eventBusName"))
        if isinstance(bus, str) and bus not in ("", "default") and not bus.endswith(":event-bus/default"):
            return Step(False, OBJECT_CREATED_EVENTS,
                        f"the rule is on the event bus {bus!r}: AWS service events (CloudTrail and S3 "
                        "notifications) go only to the default bus",
                        "put the rule on the default event bus (leave eventBusName unset)")
        if rule.region.unknown:
            return Step(None, SAME_REGION, "the rule's region is unknown during preview", open=True)
        if region.name and rule.region.name and region.name != rule.region.name:
            return Step(False, SAME_REGION,
                        f"the rule is in {rule.region.label()} but the bucket's events are delivered in "
                        f"{region.label()} (EventBridge delivers S3 events only in the bucket's region)",
                        f"create the rule in {region.label()}")
        return OK

    # ---- 2. which events exist ----------------------------------------------------------
    def resolved_trail_props(self, trail: Node) -> dict:
        """The trail's props; in preview an unknown selector value computed from exactly one
        managed bucket is read as that bucket's ARN prefix (``arn:aws:s3:::NAME/``)."""
        cached = self._trail_props.get(trail.urn)
        if cached is not None:
            return cached
        props = trail.props
        for prop in ("advancedEventSelectors", "eventSelectors"):
            v = props.get(prop)
            if v is not None and contains_unknown(v) and not is_unknown(v):
                buckets = [b for b in self.graph.deps(trail, prop) if b.type in BUCKET_TYPES]
                names = {self.graph.bucket_name(b) for b in buckets} - {None}
                if len(names) == 1:
                    arn = f"arn:aws:s3:::{next(iter(names))}/"
                    props = {**props, prop: _replace_unknowns(v, arn)}
        self._trail_props[trail.urn] = props
        return props

    def ct_exists(self, bucket: str, region: Region, key: str, op: Operation) -> Step:
        ck = (CT, bucket, region.name, key, op.name)
        if ck in self._exists_cache:
            return self._exists_cache[ck]
        step = self._ct_exists(bucket, region, key, op)
        self._exists_cache[ck] = step
        return step

    def _ct_exists(self, bucket: str, region: Region, key: str, op: Operation) -> Step:
        if glob_match(bucket, self.elsewhere):
            return OK
        trails = self.graph.trails() if op.management else self.graph.trails_for_buckets([bucket])
        reasons: list[str] = []
        undecided: list[str] = []
        elsewhere_region: list[str] = []
        for t in trails:
            props = self.resolved_trail_props(t)
            if op.management:
                logged = trail_logs_management_events(props)
                d_reason = "it logs no management events"
            else:
                d = explain_trail_event(props, bucket, key, op.name, op.read_only)
                logged, d_reason = d.logged, d.reason
            if logged is None:
                deps_open = not any(self.graph.deps(t, p) for p in ("advancedEventSelectors", "eventSelectors",
                                                                     "enableLogging"))
                undecided.append(f"{t.label()}: {d_reason}")
                if deps_open:
                    return Step(None, TRAIL_LOGS_BUCKET, f"{t.label()}: {d_reason}", open=True)
                continue
            if not logged:
                reasons.append(f"{t.label()}: {d_reason}")
                continue
            multi = t.props.get("isMultiRegionTrail")
            if is_unknown(multi) or t.region.unknown:
                undecided.append(f"{t.label()}'s region is unknown during preview")
                continue
            if as_bool(multi, False) or not (region.name and t.region.name) or region.name == t.region.name:
                return OK
            elsewhere_region.append(f"{t.label()} is a single-region trail in {t.region.label()}")
        if undecided:
            return Step(None, TRAIL_LOGS_BUCKET, "; ".join(undecided[:2]))
        if elsewhere_region:
            return Step(False, SAME_REGION,
                        f"the only trail that logs it ({'; '.join(elsewhere_region[:2])}) does not see "
                        f"calls in {region.label()}",
                        f"create the trail in {region.label()} or make it multi-region")
        if op.management:
            return Step(False, TRAIL_LOGS_BUCKET, "no trail logs S3 management events")
        if not self.graph.trails():
            why = "there is no trail in this stack, and CloudTrail events exist only for calls a trail logs"
        else:
            if not reasons:  # the index ruled every trail out: say why for the first ones
                for t in self.graph.trails()[:2]:
                    d = explain_trail_event(self.resolved_trail_props(t), bucket, key, op.name, op.read_only)
                    reasons.append(f"{t.label()}: {d.reason}")
            why = "no trail in this stack logs write data events for it (" + "; ".join(reasons[:2]) + ")"
        return Step(False, TRAIL_LOGS_BUCKET, why,
                    f"log write data events for arn:aws:s3:::{bucket}/ (PutObject, CompleteMultipartUpload, "
                    f"CopyObject) in a trail in {region.label()}, or list the bucket in bucketsLoggedElsewhere "
                    "if a trail outside the stack logs it")

    def note_exists(self, bucket_node: Node | None, bucket: str) -> Step:
        if bucket_node is None:
            return OK  # a bucket this stack does not manage must send its events itself (documented)
        notes = self.graph.referrers(bucket_node, (NOTIFICATION,), "bucket", lists=False)
        values = [n.props.get("eventbridge") for n in notes]
        if any(as_bool(v, False) is True for v in values):
            return OK
        if any(is_unknown(v) for v in values):
            return Step(None, EVENTBRIDGE_ENABLED, "eventbridge of its BucketNotification is unknown")
        what = "has no BucketNotification" if not notes else f"has {notes[0].label()} without eventbridge=true"
        return Step(False, EVENTBRIDGE_ENABLED,
                    f"{bucket_node.label()} {what}, so S3 sends no events to EventBridge",
                    "add aws.s3.BucketNotification(bucket=..., eventbridge=True) (one per bucket: it "
                    "replaces the bucket's whole notification configuration)")

    # ---- 6. the role ------------------------------------------------------------------------
    def rule_arn(self, rule: Node, account: str | None) -> str | None:
        arn = as_str(rule.props.get("arn"))
        if arn:
            return arn
        name = as_str(rule.props.get("name"))
        if not name or rule.region.unknown or not rule.region.name or not account:
            return None
        bus = rule.props.get("eventBusName")
        path = name if not isinstance(bus, str) or bus in ("", "default") else f"{bus}/{name}"
        return f"arn:aws:events:{rule.region.name}:{account}:rule/{path}"

    def role_step(self, rule: Node, target: Node, machine: Machine) -> Step:
        """The first step of :meth:`role_steps` that is not OK (OK if none)."""
        return next((s for s in self.role_steps(rule, target, machine) if s.ok is not True), OK)

    def role_steps(self, rule: Node, target: Node, machine: Machine) -> list[Step]:
        """Can the target's role start the machine: [trust, permission], each judged on its own (a role that
        EventBridge cannot assume AND that may not start the machine has two faults)."""
        key = (rule.urn, target.urn, machine.key)
        if key not in self._role_cache:
            self._role_cache[key] = self._role_steps(rule, target, machine)
        return self._role_cache[key]

    def _role_steps(self, rule: Node, target: Node, machine: Machine) -> list[Step]:
        graph = self.graph
        role_arn = target.props.get("roleArn")
        roles = graph.linked(target, "roleArn", (ROLE,), role_arn)
        if not roles and isinstance(role_arn, str) and not is_unknown(role_arn):
            a = parse_arn(role_arn)
            if a and a.service == "iam" and a.resource.startswith("role/"):
                rname = a.resource.rsplit("/", 1)[-1]
                roles = [r for r in graph.of_type(ROLE) if as_str(r.props.get("name")) == rname]
        if not roles:
            if role_arn in (None, ""):
                return [Step(False, LEAST_PRIVILEGE,
                             f"{target.label()} has no roleArn: EventBridge needs a role to start a state machine",
                             f"give the target a role that {EVENTS_PRINCIPAL} can assume, allowed {START} on it")]
            if is_unknown(role_arn):
                return [Step(None, LEAST_PRIVILEGE, f"the roleArn of {target.label()} is unknown during preview "
                             "and depends on no role of this stack", open=True)]
            return [OK]  # a role outside the stack cannot be inspected
        role = roles[0]
        return [self._trust_step(rule, role), self._permission_step(role, machine)]

    def _trust_step(self, rule: Node, role: Node) -> Step:
        pd = read_policy(role.props.get("assumeRolePolicy"))
        if pd.doc.unknown and not isinstance(pd.doc.value, dict):
            deps = self.graph.deps(role, "assumeRolePolicy")
            origin = (f"computed from {', '.join(d.label() for d in deps[:3])}" if deps else
                      "it depends on no resource of this stack")
            return Step(None, LEAST_PRIVILEGE, f"the trust policy of {role.label()} is unknown during preview "
                        f"({origin})", open=not deps)
        if not pd.doc.ok or pd.problems:
            return Step(False, LEAST_PRIVILEGE, f"the trust policy of {role.label()} is unusable "
                        f"({pd.doc.error or '; '.join(pd.problems) or 'missing'})", "fix the trust policy")
        relevant = []
        for s in pd.statements:
            services, others = principal_services(s.principal)
            if s.principal == "*" or EVENTS_PRINCIPAL in services or (s.effect == "Deny" and others):
                relevant.append(s)
            elif s.not_principal is not None:
                relevant.append(s)
        accounts = [self.account] if self.account else _condition_accounts(pd.statements) or [None]
        best: Step | None = None
        for account in accounts:
            arn = _on_default_bus(self.rule_arn(rule, account))
            context = {"aws:sourcearn": arn, "aws:sourceaccount": account,
                       "aws:principalservicename": EVENTS_PRINCIPAL}
            allowed, why = evaluate(relevant, "sts:AssumeRole", None, context)
            if allowed:
                return OK
            step = (Step(None, LEAST_PRIVILEGE, why) if allowed is None else
                    Step(False, LEAST_PRIVILEGE,
                         f"EventBridge cannot assume {role.label()}: {why or 'the trust policy does not name ' + EVENTS_PRINCIPAL}",
                         f"trust {EVENTS_PRINCIPAL} with aws:SourceArn = the rule's ARN and aws:SourceAccount = "
                         "the account"))
            best = step if best is None or (best.ok is False and step.ok is None) else best
        return best or OK

    def role_statements(self, role: Node) -> tuple[list, list[str], bool]:
        """Every identity-policy statement that reaches ``role`` in the stack: inline policies,
        RolePolicy, customer-managed policies (aws.iam.Policy) attached by RolePolicyAttachment,
        PolicyAttachment or managedPolicyArns. Returns (statements, AWS-managed or outside policy
        ARNs, any unknown document)."""
        graph = self.graph
        docs: list[Any] = []
        outside: list[str] = []
        unknown = False
        inline = role.props.get("inlinePolicies")
        for ip in inline if isinstance(inline, list) else []:
            if isinstance(ip, dict) and ip.get("policy") not in (None, ""):
                docs.append(ip.get("policy"))
        for rp in graph.referrers(role, (ROLE_POLICY,), "role"):
            docs.append(rp.props.get("policy"))
        attached: list[tuple[Node, str]] = [(a, "policyArn") for a in graph.referrers(
            role, (ROLE_POLICY_ATTACHMENT,), "role")]
        attached += [(a, "policyArn") for a in graph.referrers(role, (POLICY_ATTACHMENT,), "roles")]
        arns: list[tuple[Any, Node | None, str]] = [(a.props.get(p), a, p) for a, p in attached]
        managed = role.props.get("managedPolicyArns")
        for v in managed if isinstance(managed, list) else []:
            arns.append((v, role, "managedPolicyArns"))
        for value, owner, prop in arns:
            pols = graph.linked(owner, prop, (IAM_POLICY,), value) if owner is not None else []
            if not pols and isinstance(value, str) and not is_unknown(value):
                a = parse_arn(value)
                name = a.resource.rsplit("/", 1)[-1] if a and a.service == "iam" else None
                pols = [p for p in graph.of_type(IAM_POLICY) if name and as_str(p.props.get("name")) == name
                        and a.account != "aws"]
            if pols:
                docs.append(pols[0].props.get("policy"))
            elif isinstance(value, str) and not is_unknown(value):
                outside.append(value)
            else:
                unknown = True
        statements = []
        for d in docs:
            pd = read_policy(d)
            if pd.doc.unknown:
                unknown = True
            statements.extend(pd.statements)
        return statements, outside, unknown

    def _permission_step(self, role: Node, machine: Machine) -> Step:
        statements, outside, unknown = self.role_statements(role)
        resources = [r for r in dict.fromkeys([machine.target_arn, machine.arn]) if r]
        if not resources and machine.name and machine.region and machine.region.name:
            accounts = [self.account] if self.account else _resource_accounts(statements, machine.name)
            for account in accounts or ["000000000000"]:
                base = f"arn:aws:states:{machine.region.name}:{account}:stateMachine:{machine.name}"
                resources += [base] + ([f"{base}:{machine.qualifier}"] if machine.qualifier else [])
        if not resources:
            return OK if (statements or outside) else Step(None, LEAST_PRIVILEGE, "the state machine ARN is unknown")
        allowed, why = evaluate(statements, START, resources, {})
        if allowed:
            return OK
        if unknown:
            owners = [rp for rp in self.graph.referrers(role, (ROLE_POLICY,), "role")
                      if read_policy(rp.props.get("policy")).doc.unknown]
            src = ", ".join(f"{o.label()} (computed from "
                            f"{', '.join(d.label() for d in self.graph.deps(o, 'policy')[:2]) or 'nothing in the stack'})"
                            for o in owners[:2]) or f"a policy attached to {role.label()}"
            return Step(None, LEAST_PRIVILEGE, f"the permission document of {src} is unknown during preview")
        if outside or allowed is None:
            return Step(None, LEAST_PRIVILEGE, why or "a policy of the role is outside the stack")
        if not statements:
            why = f"no policy in the stack gives {role.label()} any permission"
        return Step(False, LEAST_PRIVILEGE,
                    f"{role.label()} may not {START} on {machine.target_arn or machine.arn or machine.label} "
                    f"({why})",
                    f"allow {START} on {machine.target_arn or machine.arn or 'the state machine ARN'} "
                    "in a policy of the role")

    def target_step(self, rule: Node, machine: Machine) -> Step:
        r = machine.region
        if r is None or r.unknown or rule.region.unknown:
            return OK if r is None or not r.unknown else Step(None, SAME_REGION, f"{machine.label}'s region is unknown")
        if r.name and rule.region.name and r.name != rule.region.name:
            return Step(False, SAME_REGION,
                        f"the target {machine.label} is in {r.label()}, the rule in {rule.region.label()} "
                        "(a rule can start state machines of its own region only)",
                        f"target a state machine in {rule.region.label()}")
        return OK

    # ---- the journey ----------------------------------------------------------------------
    def _rule_views(self) -> list[RuleView]:
        views = []
        for rule in self.graph.of_type("aws:cloudwatch/eventRule:EventRule"):
            rp = self.graph.pattern(rule)
            if rp.state == "unknown":
                targets = [TargetView(t, m) for t in self.graph.rule_targets(rule)
                           for m in [self.machine_of(t)] if m is not None]
                if targets:
                    views.append(RuleView(rule, rp, {}, targets, (CT, NOTE), unknown=True))
                continue
            if rp.state != "ok" or not isinstance(rp.pattern, dict) or rp.problems:
                continue
            targets = []
            for t in self.graph.rule_targets(rule):
                m = self.machine_of(t)
                if m is not None:
                    targets.append(TargetView(t, m))
            if not targets:
                continue
            compiled = {p: Compiled.of(rp.pattern, p) for p in (CT, NOTE)}
            views.append(RuleView(rule, rp, compiled, targets, (CT, NOTE)))
        return views

    def journey(self, view: RuleView, tv: TargetView, path: str, bucket: str, bucket_node: Node | None,
                region: Region, op: Operation) -> tuple[list[Step], dict | None]:
        """Every failing (or undecided) step of ``op`` on ``bucket`` through this rule and target,
        in the order: match, seen, exists, received, started. [] means delivered."""
        account = self.account or "123456789012"
        matched, event, why = rule_matches(view.compiled[path], path, bucket, op, region.name or "us-east-1",
                                           account)
        steps: list[Step] = []
        if not matched:
            reason, fix = why if isinstance(why, tuple) else (why, "match the fields the event really carries")
            steps.append(Step(False, OBJECT_CREATED_EVENTS, f"the pattern does not match it: {reason}", fix))
        seen = self.rule_sees(view.node, region)
        if seen.ok is not True:
            steps.append(seen)
        if path == CT:
            key = _get(event, _KEY_PATH[CT])[1] if event else DEFAULT_KEY
            exists = self.ct_exists(bucket, region, key if isinstance(key, str) else DEFAULT_KEY, op)
        else:
            exists = self.note_exists(bucket_node, bucket)
        if exists.ok is not True:
            steps.append(exists)
        received = self.target_step(view.node, tv.machine)
        if received.ok is not True:
            steps.append(received)
        steps.extend(s for s in self.role_steps(view.node, tv.node, tv.machine) if s.ok is not True)
        return steps, event

    def _run(self) -> None:
        graph = self.graph
        views = self._rule_views()
        for view in [v for v in views if v.unknown]:
            self._judge_unknown(view)
        views = [v for v in views if not v.unknown]
        if not views:
            return
        managed: dict[str, Node] = {}
        for b in graph.buckets():
            name = graph.bucket_name(b)
            if name and name not in managed:
                managed[name] = b

        # Which buckets does each rule serve (match some object-creating event of), and intend?
        groups: dict[tuple[str, str], dict] = {}
        for view in views:
            pattern = view.pattern.pattern or {}
            names, unconstrained = pattern_bucket_names(pattern)
            exact = exact_bucket_names(pattern)
            candidates = ([managed[n] for n in exact if n in managed] if exact is not None
                          else list(managed.values()))
            served: list[tuple[str, Node | None]] = []
            for b in candidates:
                name = graph.bucket_name(b)
                if self._serves(view, name, b.region, b if exact is None else None):
                    served.append((name, b))
            served_names = {n for n, _ in served}
            intended = list(served)
            # Literal names: invalid ones never match; near misses of a managed bucket mean that bucket.
            for n in sorted(names):
                if n in managed:
                    if n not in served_names:  # the rule names it, so it means it, yet matches none of its uploads
                        intended.append((n, managed[n]))
                    continue
                if bucket_name_problem(n):
                    continue  # the rule's own inputs decide it: reported by the resource half (rule_checks)
                # The closest near miss (two managed buckets may both be near misses, e.g. NAME-uploads and
                # NAME-logs for NAME-uplaods): by similarity, then by name, never by the stack's registration order.
                miss = sorted((m for m in managed if m not in served_names and near_miss(n, m)),
                              key=lambda m: (-difflib.SequenceMatcher(None, n, m).ratio(), m))
                if miss:
                    intended.append((miss[0], managed[miss[0]]))
                    self._add(OBJECT_CREATED_EVENTS, view.node.urn,
                              f"{view.node.label()}: its pattern names bucket {n!r}, a near miss of the managed "
                              f"bucket {miss[0]!r}; uploads to {miss[0]!r} never start "
                              f"{view.targets[0].machine.label}. Fix: build the name from the bucket resource "
                              "(bucket.bucket) instead of typing it.")
                    continue
                if self._serves(view, n, view.node.region):
                    intended.append((n, None))
            if not served:
                for b in graph.pattern_buckets(view.node):
                    name = graph.bucket_name(b)
                    if name and (name, b) not in intended:
                        intended.append((name, b))
            if not intended and unconstrained and view.pattern.is_s3:
                intended.append(("any-bucket-of-the-account", None))
            for name, node in intended:
                for tv in view.targets:
                    g = groups.setdefault((name, tv.machine.key), {"bucket": name, "node": node, "machine": tv.machine,
                                                                   "members": []})
                    g["members"].append((view, tv))
            # Things that are not new objects, delivered for real.
            self._wrong_deliveries(view, [(n, b) for n, b in intended] + [
                (graph.bucket_name(b), b) for b in candidates if (graph.bucket_name(b), b) not in intended
                and graph.bucket_name(b)])

        for g in groups.values():
            self._judge_group(g)

    def _serves(self, view: RuleView, bucket: str, region: Region, reached: Node | None = None) -> bool:
        """Does the rule match some object-creating event of ``bucket``? With ``reached`` (a rule
        that names no bucket: it matches them all), only if such an event also exists and the
        rule sees it: a rule on every bucket serves the buckets whose events reach it."""
        account = self.account or "123456789012"
        r = region.name or "us-east-1"
        for path in (CT, NOTE):
            for name in CREATING:
                matched, event, _ = rule_matches(view.compiled[path], path, bucket, OP[name], r, account)
                if not matched:
                    continue
                if reached is None:
                    return True
                if path == CT:
                    key = _get(event, _KEY_PATH[CT])[1] if event else DEFAULT_KEY
                    exists = self.ct_exists(bucket, region, key if isinstance(key, str) else DEFAULT_KEY, OP[name])
                else:
                    exists = self.note_exists(reached, bucket)
                if exists.ok is not False and self.rule_sees(view.node, region).ok is not False:
                    return True
        return False

    def _judge_group(self, g: dict) -> None:
        bucket, node, machine = g["bucket"], g["node"], g["machine"]
        region = node.region if node is not None else g["members"][0][0].node.region
        members = g["members"]
        required = list(ALWAYS_REQUIRED)
        account = self.account or "123456789012"
        for name in REQUIRED_WHEN_MATCHED:
            if any(rule_matches(v.compiled[p], p, bucket, OP[name], region.name or "us-east-1", account)[0]
                   for v, _ in members for p in (CT, NOTE)):
                required.append(name)
        failures: dict[tuple[str, str, str], list[str]] = {}
        fail_info: dict[tuple[str, str, str], Step] = {}
        undecided_ops: dict[tuple[str, str, str], list[str]] = {}
        undecided_info: dict[tuple[str, str, str], Step] = {}
        for name in required:
            op = OP[name]
            best: tuple[int, list[Step], RuleView] | None = None
            delivered = False
            undecided_open: Step | None = None
            undecided_step: Step | None = None
            undecided = False
            for view, tv in members:
                for path in self._paths_for(view):
                    steps, _ = self.journey(view, tv, path, bucket, node, region, op)
                    hard = [s for s in steps if s.ok is False]
                    if not steps:
                        delivered = True
                        break
                    if not hard:
                        undecided = True
                        opened = [s for s in steps if s.open]
                        if opened and undecided_open is None:
                            undecided_open = opened[0]
                        if undecided_step is None:
                            undecided_step = steps[0]
                        continue
                    # Every step that loses the event (match, seen, exists, received, started) is an
                    # independent fault, reported under its own policy: the path that came closest
                    # (fewest failing steps) is the one blamed. Steps are judged as if the earlier
                    # ones were fixed (the trust condition against the rule's ARN on the default bus).
                    if best is None or len(hard) < best[0]:
                        best = (len(hard), hard, view)
                if delivered:
                    break
            if delivered:
                continue
            if undecided:
                step = undecided_open or undecided_step or Step(None, OBJECT_CREATED_EVENTS, "a value is unknown")
                key = (step.policy, members[0][0].node.urn, step.reason)
                undecided_ops.setdefault(key, []).append(name)
                undecided_info[key] = step
                self.deferred.append(f"{bucket}/{name}")
                continue
            if best is None:
                continue
            _, hard, view = best
            for s in hard:
                key = (s.policy, view.node.urn, s.reason)
                failures.setdefault(key, []).append(name)
                fail_info[key] = s
        for (policy, urn, reason), ops in failures.items():
            rule = self.graph.by_urn.get(urn)
            label = rule.label() if rule else urn
            s = fail_info[(policy, urn, reason)]
            what = "uploads (" + ", ".join(ops) + ")" if len(ops) > 1 else ops[0]
            where = "any bucket" if bucket == "any-bucket-of-the-account" else f"bucket {bucket!r}"
            self._add(policy, urn, compose(f"{label}: {what} on {where} never start{'s' if len(ops) == 1 else ''} "
                                           f"{machine.label}", reason, s.fix))
        for (policy, urn, reason), ops in undecided_ops.items():
            rule = self.graph.by_urn.get(urn)
            label = rule.label() if rule else urn
            where = "any bucket" if bucket == "any-bucket-of-the-account" else f"bucket {bucket!r}"
            self._undecided(policy, urn, f"{label}: whether {', '.join(ops)} on {where} start{'s' if len(ops) == 1 else ''} "
                                         f"{machine.label} depends on a value unknown during preview: {reason}")

    # ---- a rule whose pattern is unknown (preview) -------------------------------------------
    def _trail_keys(self, bucket: str) -> list[str]:
        """Keys under which the trails that may log ``bucket`` log its objects: the default key, and one under
        each key prefix their selectors name (``arn:aws:s3:::BUCKET/PREFIX``)."""
        keys = [DEFAULT_KEY]
        marker = f":s3:::{bucket}/"

        def visit(v: Any) -> None:
            if isinstance(v, str) and marker in v:
                prefix = v.split(marker, 1)[1]
                if prefix and "*" not in prefix:
                    keys.append(prefix + DEFAULT_KEY)
            elif isinstance(v, list):
                for x in v:
                    visit(x)
            elif isinstance(v, dict):
                for x in v.values():
                    visit(x)

        for t in self.graph.trails_for_buckets([bucket]):
            props = self.resolved_trail_props(t)
            visit(props.get("advancedEventSelectors"))
            visit(props.get("eventSelectors"))
        return list(dict.fromkeys(keys))[:8]

    def _source_step(self, bucket: str, node: Node, region: Region, op: Operation) -> tuple[Step, Step]:
        """(CloudTrail, notification): does an event of ``op`` on ``bucket`` exist by each path, for some key?"""
        ct: Step | None = None
        for key in self._trail_keys(bucket):
            step = self.ct_exists(bucket, region, key, op)
            if step.ok is True:
                ct = step
                break
            if ct is None or (ct.ok is False and step.ok is None):
                ct = step
        return ct or OK, self.note_exists(node, bucket)

    def _judge_unknown(self, view: RuleView) -> None:
        """A rule whose eventPattern is unknown in preview. Its property dependencies name the managed buckets
        it is computed from (the rule is on those buckets, as the pack reads every link through property
        dependencies); every step the pattern does not decide is judged: does any event of an upload exist
        (a trail logs it, or the bucket's notifications are on), does the rule see it (enabled, default bus,
        the bucket's region), can the target start the machine. What the pattern decides is left undecided."""
        graph, rule = self.graph, view.node
        sources = [b for b in graph.pattern_buckets(rule) if graph.bucket_name(b)]
        deps = [d for d in graph.deps(rule, "eventPattern") if not d.type.startswith("pulumi:providers:")]
        origin = (f"computed from {', '.join(d.label() for d in deps[:3])}" if deps else
                  "it depends on no resource of this stack")
        machines = ", ".join(dict.fromkeys(tv.machine.label for tv in view.targets))
        self._undecided(OBJECT_CREATED_EVENTS, rule.urn,
                        f"{rule.label()}: its eventPattern is unknown during preview ({origin}), so whether it "
                        f"matches every upload (PutObject, CompleteMultipartUpload) and nothing else that would start "
                        f"{machines} is decided by the update; every step the pattern does not decide was judged")
        if not sources:
            for tv in view.targets:
                steps = [self.target_step(rule, tv.machine)] + self.role_steps(rule, tv.node, tv.machine)
                self._report_steps(rule, f"{rule.label()}: events never start {tv.machine.label}", steps)
            return
        for b in sources:
            name = graph.bucket_name(b)
            region = b.region
            lost: dict[tuple[str, str], list[str]] = {}
            lost_step: dict[tuple[str, str], Step] = {}
            for opname in ALWAYS_REQUIRED:
                ct, note = self._source_step(name, b, region, OP[opname])
                if ct.ok is not False or note.ok is not False:
                    continue  # some path brings the event; whether the pattern wants it is the update's call
                has_note = bool(graph.referrers(b, (NOTIFICATION,), "bucket", lists=False))
                if has_note:
                    step = Step(False, note.policy, f"{note.reason}; and {ct.reason}" if ct.policy == TRAIL_LOGS_BUCKET
                                else note.reason, note.fix)
                elif ct.policy == TRAIL_LOGS_BUCKET and graph.trails():
                    step = Step(False, TRAIL_LOGS_BUCKET, f"{ct.reason}; and {b.label()} sends no EventBridge "
                                "notifications", ct.fix)
                elif ct.policy == TRAIL_LOGS_BUCKET:
                    step = Step(False, TRAIL_LOGS_BUCKET,
                                f"whatever the pattern says, no event of it exists: {ct.reason}, and {b.label()} has "
                                "no BucketNotification with eventbridge=true",
                                'for an "Object Created" pattern add aws.s3.BucketNotification(bucket=..., '
                                "eventbridge=True); for a CloudTrail pattern add a trail that logs write data events "
                                f"for arn:aws:s3:::{name}/ in {region.label()}")
                else:
                    step = ct  # e.g. the only trail is single-region elsewhere (same-region)
                key = (step.policy, step.reason)
                lost.setdefault(key, []).append(opname)
                lost_step[key] = step
            for key, ops in lost.items():
                st = lost_step[key]
                self._add(st.policy, rule.urn, compose(
                    f"{rule.label()} (pattern computed from {b.label()}): {', '.join(ops)} on bucket {name!r} never "
                    f"start{'s' if len(ops) == 1 else ''} {machines}", st.reason, st.fix))
            for tv in view.targets:
                steps = [self.rule_sees(rule, region), self.target_step(rule, tv.machine)]
                steps += self.role_steps(rule, tv.node, tv.machine)
                self._report_steps(rule, f"{rule.label()}: uploads on bucket {name!r} never start {tv.machine.label}",
                                   steps)

    def _report_steps(self, rule: Node, summary: str, steps: list[Step]) -> None:
        for st in steps:
            if st.ok is False:
                self._add(st.policy, rule.urn, compose(summary, st.reason, st.fix))
            elif st.ok is None:
                self._undecided(st.policy or OBJECT_CREATED_EVENTS, rule.urn, f"{summary.split(':', 1)[0]}: {st.reason}")

    def _paths_for(self, view: RuleView) -> tuple[str, ...]:
        rp = view.pattern
        if rp.cloudtrail_based and not rp.notification_based:
            return (CT,)
        if rp.notification_based and not rp.cloudtrail_based:
            return (NOTE,)
        return (CT, NOTE)

    def _wrong_deliveries(self, view: RuleView, buckets: list[tuple[str, Node | None]]) -> None:
        """Events that are not new objects but start a state machine: they exist, the rule sees
        and matches them, the target receives them and the role can start it (or is unknown)."""
        account = self.account or "123456789012"
        for name, node in buckets:
            if name == "any-bucket-of-the-account":
                continue
            region = node.region if node is not None else view.node.region
            if self.rule_sees(view.node, region).ok is False:
                continue
            hits: dict[str, list[str]] = {}
            for op in OPERATIONS:
                if op.creates:
                    continue
                for path in (CT, NOTE):
                    matched, event, _ = rule_matches(view.compiled[path], path, name, op, region.name or "us-east-1",
                                                     account)
                    if not matched:
                        continue
                    if path == CT:
                        key = _get(event, _KEY_PATH[CT])[1] if event else DEFAULT_KEY
                        exists = self.ct_exists(name, region, key if isinstance(key, str) else DEFAULT_KEY, op)
                    else:
                        exists = self.note_exists(node, name)
                    if exists.ok is False:
                        continue
                    for tv in view.targets:
                        if self.target_step(view.node, tv.machine).ok is False:
                            continue
                        if self.role_step(view.node, tv.node, tv.machine).ok is False:
                            continue
                        label = op.name if path == CT else f"{op.notification[0]} ({op.name})"
                        hits.setdefault(tv.machine.label, []).append(label)
                        break
            for machine, ops in hits.items():
                ops = list(dict.fromkeys(ops))
                shown = ", ".join(ops[:6]) + (", ..." if len(ops) > 6 else "")
                self._add(OBJECT_CREATED_EVENTS, view.node.urn,
                          f"{view.node.label()}: {shown} on bucket {name!r} start{'s' if len(ops) == 1 else ''} "
                          f"{machine}, but {'it creates' if len(ops) == 1 else 'they create'} no new object "
                          "(parts, reads, deletes, tag or ACL changes). Fix: match only the object-creating "
                          'events (eventName ["PutObject", "CompleteMultipartUpload", "CopyObject"], or '
                          'detail-type ["Object Created"]).')


def _on_default_bus(arn: str | None) -> str | None:
    """The rule's ARN once it is on the default bus (``rule/BUS/NAME`` -> ``rule/NAME``): a rule on a custom bus
    is reported as such, and its role's trust is judged as it will be after that fix."""
    if isinstance(arn, str) and ":rule/" in arn:
        head, path = arn.split(":rule/", 1)
        if "/" in path:
            return f"{head}:rule/{path.rsplit('/', 1)[-1]}"
    return arn


def _replace_unknowns(value: Any, replacement: str) -> Any:
    if is_unknown(value):
        return replacement
    if isinstance(value, dict):
        return {k: _replace_unknowns(v, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_unknowns(v, replacement) for v in value]
    return value


def _resource_accounts(statements: list, name: str) -> list[str]:
    """Accounts of the statements' state machine ARNs for ``name`` (preview: the account is not
    known from any output yet)."""
    out = []
    for s in statements:
        for r in (s.resources or []):
            a = parse_arn(r)
            if a and a.service == "states" and a.resource.split(":")[1:2] == [name]:
                out.append(a.account)
    return list(dict.fromkeys(out))


def compose(summary: str, reason: str, fix: str = "", limit: int = 300) -> str:
    """A message whose first line (at most ``limit`` characters) names the resource, what is lost
    or wrongly delivered, why, and the smallest fix; any overflow goes to the following lines."""
    fix_text = f" Fix: {fix.rstrip('.')}." if fix else ""
    full = f"{summary}: {reason.rstrip('.')}.{fix_text}"
    if len(full) <= limit:
        return full
    head = f"{summary}.{fix_text}"
    if len(head) > limit:
        head = f"{summary}."
        return f"{head}\nWhy: {reason.rstrip('.')}.{fix_text}"
    return f"{head}\nWhy: {reason.rstrip('.')}."


def _condition_accounts(statements: list) -> list[str]:
    """12-digit accounts named in trust conditions (aws:SourceAccount values, aws:SourceArn's
    account field): the candidates for "the account" when no ARN in the stack is known yet."""
    found: list[str] = []

    def visit(v: Any) -> None:
        if isinstance(v, str):
            if _ACCOUNT_RE.match(v):
                found.append(v)
            else:
                a = parse_arn(v)
                if a and _ACCOUNT_RE.match(a.account):
                    found.append(a.account)
        elif isinstance(v, list):
            for x in v:
                visit(x)
        elif isinstance(v, dict):
            for x in v.values():
                visit(x)

    for s in statements:
        visit(s.condition)
    return list(dict.fromkeys(found))


__all__ = ["ALWAYS_REQUIRED", "CREATING", "DeliveryModel", "OPERATIONS", "Operation", "alternatives",
           "bucket_name_problem", "cloudtrail_event", "explain_mismatch", "notification_event",
           "pattern_bucket_names", "rule_matches", "Compiled"]
