"""Reading EventBridge event patterns, with S3 in mind. Pure functions; never raise.

Two layers:

* generic EventBridge matching: :func:`leaf_matches` (one pattern leaf, i.e. an array of values
  and content filters, against one event value), :func:`event_matches` (a whole pattern against a
  whole event) and :func:`pattern_problems` (every leaf must be an array, operators must be known);
* S3-specific reading: :func:`read_event_pattern` returns a :class:`RulePattern` that says whether
  the rule is an S3 rule, whether it is fed by CloudTrail ("AWS API Call via CloudTrail") or by S3
  EventBridge notifications ("Object Created"), which event names / reasons, buckets and keys it
  matches, and what is misspelt.

Matching follows EventBridge (aws/event-ruler's README): exact and case-sensitive; values in one
array are ORed; an event array matches if any element matches (array intersection); a nested
pattern matches an array of objects if one element matches it; ``prefix`` / ``suffix`` (also with
``equals-ignore-case``), ``wildcard``, ``equals-ignore-case``, ``anything-but`` (a value, a list,
or a prefix / suffix / wildcard / equals-ignore-case filter), ``exists`` (leaves only: an object is
not a leaf), ``numeric`` ranges, ``cidr`` and ``$or`` at any depth. ``tests/policies/
test_policy_matcher.py`` checks this against moto's matcher on generated pattern/event pairs.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .values import JsonDoc, is_unknown, read_json, short

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
OBJECT_CREATED_DETAIL_TYPE = "Object Created"
S3_SOURCE = "aws.s3"
S3_EVENT_SOURCE = "s3.amazonaws.com"

#: detail-types that S3 sends to EventBridge itself (bucket notifications with eventbridge=True).
S3_NOTIFICATION_DETAIL_TYPES = (
    "Object Created", "Object Deleted", "Object Restore Initiated", "Object Restore Completed",
    "Object Restore Expired", "Object Tags Added", "Object Tags Deleted", "Object ACL Updated",
    "Object Storage Class Changed", "Object Access Tier Changed",
)
KNOWN_S3_DETAIL_TYPES = (CLOUDTRAIL_DETAIL_TYPE,) + S3_NOTIFICATION_DETAIL_TYPES

#: S3 object-level API calls that CloudTrail logs as data events, with their ``readOnly`` flag.
S3_OBJECT_EVENTS: dict[str, bool] = {
    "PutObject": False, "CompleteMultipartUpload": False, "CopyObject": False, "PostObject": False,
    "CreateMultipartUpload": False, "UploadPart": False, "UploadPartCopy": False,
    "AbortMultipartUpload": False, "DeleteObject": False, "DeleteObjects": False,
    "RestoreObject": False, "PutObjectAcl": False, "PutObjectTagging": False,
    "DeleteObjectTagging": False, "PutObjectRetention": False, "PutObjectLegalHold": False,
    "GetObject": True, "HeadObject": True, "GetObjectAcl": True, "GetObjectTagging": True,
    "GetObjectAttributes": True, "GetObjectRetention": True, "GetObjectLegalHold": True,
    "GetObjectTorrent": True, "SelectObjectContent": True, "ListParts": True,
}
#: The calls that leave a new object behind (AWS CDK's onCloudTrailWriteObject matches exactly these).
UPLOAD_EVENT_NAMES = ("PutObject", "CompleteMultipartUpload", "CopyObject")
#: Calls that read or delete objects: starting a workflow on them is almost always a mistake.
READ_OR_DELETE_EVENT_NAMES = tuple(n for n, ro in S3_OBJECT_EVENTS.items() if ro) + (
    "DeleteObject", "DeleteObjects")
#: ``detail.reason`` values of an "Object Created" notification.
OBJECT_CREATED_REASONS = ("PutObject", "POST Object", "CopyObject", "CompleteMultipartUpload")

_OPERATORS = {"prefix", "suffix", "wildcard", "anything-but", "exists", "equals-ignore-case",
              "numeric", "cidr"}
_MAX_PATTERN_NODES = 20_000


# --------------------------------------------------------------------------------------------
# Generic EventBridge matching
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _wildcard_regex(pattern: str) -> re.Pattern[str] | None:
    parts, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    try:
        return re.compile("".join(parts), re.DOTALL)
    except re.error:  # pragma: no cover - everything is escaped
        return None


def _ignore_case_operand(operand: Any) -> tuple[Any, bool]:
    if isinstance(operand, dict) and len(operand) == 1 and "equals-ignore-case" in operand:
        return operand["equals-ignore-case"], True
    return operand, False


def _string_op(operand: Any, value: str, kind: str) -> bool:
    """prefix/suffix with a plain string or {"equals-ignore-case": s} operand."""
    operand, ignore_case = _ignore_case_operand(operand)
    if not isinstance(operand, str):
        return False
    a, b = (value.lower(), operand.lower()) if ignore_case else (value, operand)
    return a.startswith(b) if kind == "prefix" else a.endswith(b)


_NUMERIC_OPS = {"=": lambda v, b: v == b, "<": lambda v, b: v < b, "<=": lambda v, b: v <= b,
                ">": lambda v, b: v > b, ">=": lambda v, b: v >= b}


def _numeric(spec: Any, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not isinstance(spec, list) or not spec or len(spec) % 2:
        return False
    for op, bound in zip(spec[::2], spec[1::2]):
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            return False
        test = _NUMERIC_OPS.get(op) if isinstance(op, str) else None
        if test is None or not test(value, bound):
            return False
    return True


def _cidr(operand: Any, value: Any) -> bool:
    if not (isinstance(operand, str) and isinstance(value, str)):
        return False
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(operand, strict=False)
    except ValueError:
        return False


def _scalar_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return a == b and type(a) is type(b)


def _wildcard_match(operand: Any, value: Any) -> bool:
    if not (isinstance(value, str) and isinstance(operand, str)):
        return False
    rx = _wildcard_regex(operand)
    return bool(rx and rx.fullmatch(value))


def _anything_but(operand: Any, value: Any) -> bool:
    """``anything-but``: a value, a list of values, or one string filter (prefix, suffix, wildcard,
    equals-ignore-case; each with a string or a list of strings). Matches present scalar values
    only (an absent field never matches, as in EventBridge)."""
    if isinstance(operand, list):
        return not any(_scalar_equal(value, o) for o in operand)
    if isinstance(operand, dict):
        if len(operand) != 1:
            return False
        (op, inner), = operand.items()
        inners = inner if isinstance(inner, list) else [inner]
        if not inners or not all(isinstance(i, str) for i in inners):
            return False
        if not isinstance(value, str):
            return True  # a number, boolean or null is none of those strings
        if op in ("prefix", "suffix"):
            return not any(_string_op(i, value, op) for i in inners)
        if op == "wildcard":
            return not any(_wildcard_match(i, value) for i in inners)
        if op == "equals-ignore-case":
            return not any(value.lower() == i.lower() for i in inners)
        return False
    return not _scalar_equal(value, operand)


def _filter_matches(flt: dict, value: Any, present: bool) -> bool:
    """One content filter (an object in a pattern array) against one scalar event value.

    ``present`` False: the field is absent, or not a leaf (an object): only ``exists: false``
    matches then (``exists`` applies to leaves only, as in event-ruler)."""
    if len(flt) != 1:
        return False
    (op, operand), = flt.items()
    if op == "exists":
        return bool(operand) == present if isinstance(operand, bool) else False
    if not present:
        return False
    if op == "equals-ignore-case":
        return isinstance(value, str) and isinstance(operand, str) and value.lower() == operand.lower()
    if op in ("prefix", "suffix"):
        return isinstance(value, str) and _string_op(operand, value, op)
    if op == "wildcard":
        return _wildcard_match(operand, value)
    if op == "numeric":
        return _numeric(operand, value)
    if op == "cidr":
        return _cidr(operand, value)
    if op == "anything-but":
        return _anything_but(operand, value)
    return False  # unknown operators never match


def leaf_matches(leaf: Any, value: Any, present: bool = True) -> bool:
    """Does the pattern array ``leaf`` match the event value ``value``?

    ``present`` is False when the event has no such field (only ``{"exists": false}`` matches
    then). An event value that is a list matches if any element matches; an object is not a leaf
    (only ``{"exists": false}`` matches it). A ``leaf`` that is not a list never matches
    (EventBridge rejects such patterns)."""
    if not isinstance(leaf, list):
        return False
    if present and isinstance(value, dict):
        present = False
    values = value if isinstance(value, list) else [value]
    if present:
        values = [v for v in values if not isinstance(v, (dict, list))]
        if isinstance(value, list) and not values:
            present = False
    for item in leaf:
        if isinstance(item, dict):
            if not present:
                if _filter_matches(item, None, False):
                    return True
                continue
            if any(_filter_matches(item, v, True) for v in values):
                return True
        elif present and any(_scalar_equal(v, item) for v in values):
            return True
    return False


def event_matches(pattern: Any, event: Any) -> bool:
    """Does the event (a dict, e.g. the tutorial's CloudTrail event) match the pattern (a dict)?"""
    if not isinstance(pattern, dict) or not isinstance(event, dict):
        return False
    for key, sub in pattern.items():
        if key == "$or":
            if not isinstance(sub, list) or not any(event_matches(alt, event) for alt in sub):
                return False
            continue
        present = key in event
        ev = event.get(key)
        if isinstance(sub, dict):
            if isinstance(ev, list):
                if not any(isinstance(e, dict) and event_matches(sub, e) for e in ev):
                    return False
            elif not event_matches(sub, ev if isinstance(ev, dict) else {}):
                return False
        elif not leaf_matches(sub, ev, present):
            return False
    return True


def pattern_problems(pattern: Any) -> list[str]:
    """Structural problems of an event pattern: every leaf must be a non-empty array, objects in
    arrays must be single known operators with operands of the right type."""
    problems: list[str] = []
    if not isinstance(pattern, dict):
        return [f"the event pattern must be a JSON object, got {short(pattern, 60)}"]
    if not pattern:
        return ["the event pattern is an empty object"]
    budget = [_MAX_PATTERN_NODES]

    def walk(node: Any, path: str) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            if budget[0] == -1:
                problems.append("the event pattern is too large to check")
            return
        if isinstance(node, dict):
            if not node:
                problems.append(f"{path or 'the pattern'} is an empty object")
            for key, sub in node.items():
                p = f"{path}.{key}" if path else str(key)
                if key == "$or":
                    if not isinstance(sub, list) or not sub:
                        problems.append(f"{p} must be a non-empty array of patterns")
                    else:
                        for i, alt in enumerate(sub):
                            if not isinstance(alt, dict):
                                problems.append(f"{p}[{i}] must be an object")
                            else:
                                walk(alt, path)
                    continue
                walk(sub, p)
            return
        if not isinstance(node, list):
            problems.append(f"leaf {path} is {short(node, 60)}, not an array: every leaf of an event "
                            f"pattern must be an array, e.g. [{short(node, 60)}]")
            return
        if not node:
            problems.append(f"leaf {path} is an empty array, which EventBridge rejects")
        for item in node:
            if isinstance(item, dict):
                if len(item) != 1 or next(iter(item)) not in _OPERATORS:
                    problems.append(f"leaf {path} has {short(item, 60)}: not a known content filter "
                                    f"(one of {', '.join(sorted(_OPERATORS))})")
                    continue
                (op, operand), = item.items()
                if op in ("prefix", "suffix") and not (
                        isinstance(operand, str) or (isinstance(operand, dict) and isinstance(
                            operand.get("equals-ignore-case"), str) and len(operand) == 1)):
                    problems.append(f"leaf {path}: {op} needs a string, got {short(operand, 60)}")
                elif op in ("wildcard", "equals-ignore-case") and not isinstance(operand, str):
                    problems.append(f"leaf {path}: {op} needs a string, got {short(operand, 60)}")
                elif op == "exists" and not isinstance(operand, bool):
                    problems.append(f"leaf {path}: exists needs true or false, got {short(operand, 60)}")
            elif isinstance(item, list):
                problems.append(f"leaf {path} contains a nested array {short(item, 60)}")

    walk(pattern, "")
    return problems


# --------------------------------------------------------------------------------------------
# Samples: concrete values a leaf matches (used to ask "does the trail log what the rule wants?")
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    """A concrete value that a leaf matches, and how to describe it in a message."""
    value: str
    describe: str
    exact: bool


def leaf_samples(leaf: Any, filler: str, absent_value: str, absent_describe: str) -> list[Sample]:
    """Representative values the leaf matches: each exact string, and for each prefix / suffix /
    wildcard / anything-but filter one value built with ``filler``. An absent leaf (None) gives one
    sample standing for "any value"."""
    if leaf is None:
        return [Sample(absent_value, absent_describe, False)]
    if not isinstance(leaf, list):
        return []
    out: list[Sample] = []
    for item in leaf[:200]:
        cand: list[tuple[str, str, bool]] = []
        if isinstance(item, str):
            cand.append((item, repr(item), True))
        elif isinstance(item, dict) and len(item) == 1:
            (op, operand), = item.items()
            if isinstance(operand, dict) and isinstance(operand.get("equals-ignore-case"), str):
                operand = operand["equals-ignore-case"]
            if op == "prefix" and isinstance(operand, str):
                cand.append((operand + filler, f"names starting {operand!r}", False))
            elif op == "suffix" and isinstance(operand, str):
                cand.append((filler + operand, f"names ending {operand!r}", False))
            elif op == "wildcard" and isinstance(operand, str):
                cand.append((re.sub(r"(?<!\\)\*", filler, operand).replace("\\*", "*"),
                             f"names like {operand!r}", False))
            elif op == "equals-ignore-case" and isinstance(operand, str):
                cand.append((operand, repr(operand), False))
            elif op in ("anything-but", "exists"):
                cand.append((absent_value, f"{absent_describe} ({op})", False))
        for value, describe, exact in cand:
            if leaf_matches(leaf, value, True):
                out.append(Sample(value, describe, exact))
    return out


# --------------------------------------------------------------------------------------------
# S3 rules
# --------------------------------------------------------------------------------------------

def near_miss(value: Any, expected: str) -> bool:
    """A string that was probably meant to be ``expected``: same letters in another case, stray
    whitespace, or a small misspelling."""
    if not isinstance(value, str) or not isinstance(expected, str) or value == expected:
        return False
    return _near_miss(value, expected)


@functools.lru_cache(maxsize=4096)
def _near_miss(value: str, expected: str) -> bool:
    v = value.strip().lower()
    e = expected.lower()
    if v == e or v.replace(" ", "") == e.replace(" ", ""):
        return True
    sm = difflib.SequenceMatcher(None, v, e)
    # real_quick_ratio() >= quick_ratio() >= ratio() (difflib's documented upper bounds): the same
    # verdict, without the full comparison for strings that cannot be close.
    return sm.real_quick_ratio() >= 0.8 and sm.quick_ratio() >= 0.8 and sm.ratio() >= 0.8


def _leaf_strings(leaf: Any) -> list[str]:
    return [v for v in leaf if isinstance(v, str)] if isinstance(leaf, list) else []


def _get_path(pattern: Any, path: Iterable[str]) -> tuple[bool, Any]:
    cur = pattern
    for step in path:
        if not isinstance(cur, dict) or step not in cur:
            return False, None
        cur = cur[step]
    return True, cur


_CT_BUCKET = ("detail", "requestParameters", "bucketName")
_CT_KEY = ("detail", "requestParameters", "key")
_EB_BUCKET = ("detail", "bucket", "name")
_EB_KEY = ("detail", "object", "key")


@dataclass
class RulePattern:
    """What an EventBridge rule's ``eventPattern`` says about S3. Build with :func:`read_event_pattern`.

    ``state`` is one of "ok", "unknown" (not known in preview), "invalid" (not JSON / not an object),
    "missing" (no pattern, e.g. a scheduled rule)."""
    state: str
    pattern: dict | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)

    # ---- classification -------------------------------------------------------------------
    def _leaf(self, *path: str) -> tuple[bool, Any]:
        return _get_path(self.pattern, path) if self.pattern is not None else (False, None)

    @functools.cached_property
    def source_leaf(self) -> Any:
        return self._leaf("source")[1]

    @functools.cached_property
    def detail_type_leaf(self) -> Any:
        return self._leaf("detail-type")[1]

    @functools.cached_property
    def is_s3(self) -> bool:
        """The rule is about S3: its source is (or was meant to be) aws.s3, or it filters on S3's
        eventSource or on bucket fields."""
        if self.pattern is None:
            return False
        src = self.source_leaf
        if isinstance(src, list) and (leaf_matches(src, S3_SOURCE)
                                      and any(isinstance(s, str) and s == S3_SOURCE for s in src)):
            return True
        if any(isinstance(s, str) and (s == S3_SOURCE or near_miss(s, S3_SOURCE))
               for s in (src if isinstance(src, list) else [src])):
            return True  # including a bare string (a non-array leaf, reported as such)
        has_es, es = self._leaf("detail", "eventSource")
        if has_es and any(isinstance(s, str) and (s == S3_EVENT_SOURCE or near_miss(s, S3_EVENT_SOURCE))
                          for s in (es if isinstance(es, list) else [es])):
            return True
        if src is None or (isinstance(src, list) and leaf_matches(src, S3_SOURCE)):
            return any(self._leaf(*p)[0] for p in (_CT_BUCKET, _EB_BUCKET, _CT_KEY, _EB_KEY))
        return False

    def _delivery_matches(self, detail_type: str) -> bool:
        dt = self.detail_type_leaf
        return True if dt is None else leaf_matches(dt, detail_type)

    @functools.cached_property
    def cloudtrail(self) -> bool:
        """Matches CloudTrail-delivered S3 API calls ("AWS API Call via CloudTrail")."""
        return self.is_s3 and self._delivery_matches(CLOUDTRAIL_DETAIL_TYPE)

    @functools.cached_property
    def object_created(self) -> bool:
        """Matches S3's own "Object Created" EventBridge notifications."""
        return self.is_s3 and self._delivery_matches(OBJECT_CREATED_DETAIL_TYPE)

    @functools.cached_property
    def notification_detail_types(self) -> list[str]:
        """The S3-notification detail-types (Object Created, Object Deleted, ...) the rule matches."""
        if not self.is_s3:
            return []
        return [d for d in S3_NOTIFICATION_DETAIL_TYPES if self._delivery_matches(d)]

    @functools.cached_property
    def intended_cloudtrail(self) -> bool:
        """Meant to match CloudTrail events (even if misspelt so that it never does)."""
        if self.cloudtrail:
            return True
        return self.is_s3 and any(near_miss(s, CLOUDTRAIL_DETAIL_TYPE)
                                  for s in _leaf_strings(self.detail_type_leaf))

    @functools.cached_property
    def cloudtrail_based(self) -> bool:
        """Only CloudTrail can feed it: it names (or misspells) the CloudTrail detail-type, or it
        filters on CloudTrail-only fields (eventName, eventSource, requestParameters)."""
        if not self.intended_cloudtrail:
            return False
        if any(s == CLOUDTRAIL_DETAIL_TYPE or near_miss(s, CLOUDTRAIL_DETAIL_TYPE)
               for s in _leaf_strings(self.detail_type_leaf)):
            return True
        return any(self._leaf("detail", f)[0] for f in ("eventName", "eventSource", "requestParameters"))

    @functools.cached_property
    def notification_based(self) -> bool:
        """Fed by S3 EventBridge notifications: names an S3 notification detail-type, or filters on
        the notification's bucket/object/reason fields."""
        if not self.is_s3:
            return False
        if any(s in S3_NOTIFICATION_DETAIL_TYPES or any(near_miss(s, d) for d in S3_NOTIFICATION_DETAIL_TYPES)
               for s in _leaf_strings(self.detail_type_leaf)):
            return True
        return (not self.cloudtrail_based and
                any(self._leaf("detail", f)[0] for f in ("bucket", "object", "reason")))

    def spelling_problems(self) -> list[str]:
        """Misspelt or wrong-case source, detail-type and eventSource values (which never match)."""
        out: list[str] = []
        if not self.is_s3:
            return out
        for s in _leaf_strings(self.source_leaf):
            if near_miss(s, S3_SOURCE):
                out.append(f'source {s!r} never matches: S3 events have source "{S3_SOURCE}" '
                           "(matching is exact and case-sensitive)")
        for s in _leaf_strings(self.detail_type_leaf):
            if s in KNOWN_S3_DETAIL_TYPES:
                continue
            for known in KNOWN_S3_DETAIL_TYPES:
                if near_miss(s, known):
                    out.append(f'detail-type {s!r} never matches: the S3 detail-type is "{known}" '
                               "(matching is exact and case-sensitive)")
                    break
            else:
                out.append(f"detail-type {s!r} is not one S3 sends; expected "
                           f'"{CLOUDTRAIL_DETAIL_TYPE}" or "{OBJECT_CREATED_DETAIL_TYPE}"')
        has_es, es = self._leaf("detail", "eventSource")
        if has_es and isinstance(es, list) and not leaf_matches(es, S3_EVENT_SOURCE):
            out.append(f"detail.eventSource {short(es, 80)} never matches S3 API calls: "
                       f'use ["{S3_EVENT_SOURCE}"]')
        return out

    # ---- event names and reasons ----------------------------------------------------------
    @functools.cached_property
    def event_name_leaf(self) -> Any:
        return self._leaf("detail", "eventName")[1]

    def matches_event_name(self, name: str) -> bool:
        leaf = self.event_name_leaf
        return True if leaf is None else leaf_matches(leaf, name)

    def event_names(self, candidates: Iterable[str] = S3_OBJECT_EVENTS) -> list[str]:
        """The S3 object-level CloudTrail event names (from ``candidates``) the rule matches."""
        if candidates is S3_OBJECT_EVENTS:
            if "_event_names" not in self.__dict__:
                self.__dict__["_event_names"] = [n for n in S3_OBJECT_EVENTS if self.matches_event_name(n)]
            return list(self.__dict__["_event_names"])
        return [n for n in candidates if self.matches_event_name(n)]

    @functools.cached_property
    def reason_leaf(self) -> Any:
        return self._leaf("detail", "reason")[1]

    def matches_reason(self, reason: str) -> bool:
        leaf = self.reason_leaf
        return True if leaf is None else leaf_matches(leaf, reason)

    def reasons(self) -> list[str]:
        return [r for r in OBJECT_CREATED_REASONS if self.matches_reason(r)]

    def upload_names(self) -> list[str]:
        """The names this rule would need a trail to log: its matched upload calls (or, for an
        "Object Created" rule, none)."""
        return [n for n in self.event_names() if n in UPLOAD_EVENT_NAMES + ("PostObject",)]

    # ---- buckets and keys -----------------------------------------------------------------
    def bucket_leaves(self) -> list[Any]:
        """The bucket-name leaves that apply (CloudTrail and/or notification fields); [None] if
        the rule names no bucket (matches every bucket)."""
        leaves = []
        if self.cloudtrail or self.intended_cloudtrail:
            leaves.append(self._leaf(*_CT_BUCKET)[1])
        if self.object_created:
            leaves.append(self._leaf(*_EB_BUCKET)[1])
        return leaves or [None]

    def matches_bucket(self, name: str, delivery: str | None = None) -> bool:
        """Does the rule match events from bucket ``name``? ``delivery`` "cloudtrail" or
        "object-created" picks the field; None accepts either."""
        if not self.is_s3:
            return False
        checks = []
        if delivery in (None, "cloudtrail") and (self.cloudtrail or self.intended_cloudtrail):
            checks.append(_CT_BUCKET)
        if delivery in (None, "object-created") and self.object_created:
            checks.append(_EB_BUCKET)
        for path in checks:
            has, leaf = self._leaf(*path)
            if not has or leaf_matches(leaf, name):
                return True
        return False

    def exact_bucket_names(self, delivery: str | None = None) -> set[str] | None:
        """Every name for which :meth:`matches_bucket` (same ``delivery``) is True, when the bucket
        leaves hold only plain values; None when a leaf is absent (every bucket) or has content
        filters (prefix, wildcard, ...), i.e. when only testing each name can tell."""
        if not self.is_s3:
            return set()
        checks = []
        if delivery in (None, "cloudtrail") and (self.cloudtrail or self.intended_cloudtrail):
            checks.append(_CT_BUCKET)
        if delivery in (None, "object-created") and self.object_created:
            checks.append(_EB_BUCKET)
        out: set[str] = set()
        for path in checks:
            has, leaf = self._leaf(*path)
            if not has:
                return None
            if not isinstance(leaf, list):
                continue  # never matches (leaf_matches needs an array)
            if any(isinstance(item, dict) for item in leaf):
                return None
            out.update(item for item in leaf if isinstance(item, str))
        return out

    def bucket_names(self, delivery: str = "cloudtrail") -> list[str]:
        """Exact bucket names in the rule's bucket leaf."""
        path = _CT_BUCKET if delivery == "cloudtrail" else _EB_BUCKET
        return _leaf_strings(self._leaf(*path)[1])

    def bucket_samples(self, delivery: str = "cloudtrail") -> list[Sample]:
        path = _CT_BUCKET if delivery == "cloudtrail" else _EB_BUCKET
        has, leaf = self._leaf(*path)
        return leaf_samples(leaf if has else None, "sample", "any-bucket-of-the-account",
                            "every bucket (the rule names none)")

    def key_samples(self, delivery: str = "cloudtrail") -> list[Sample]:
        path = _CT_KEY if delivery == "cloudtrail" else _EB_KEY
        has, leaf = self._leaf(*path)
        return leaf_samples(leaf if has else None, "sample.bin", "sample.bin",
                            "every key (the rule filters none)")

    def key_filter(self, delivery: str = "cloudtrail") -> Any:
        path = _CT_KEY if delivery == "cloudtrail" else _EB_KEY
        return self._leaf(*path)[1]


def read_event_pattern(value: Any) -> RulePattern:
    """Read an ``eventPattern`` property (JSON string or object, possibly unknown). Never raises."""
    try:
        doc: JsonDoc = read_json(value)
        if doc.missing:
            return RulePattern("missing")
        if doc.unknown:
            return RulePattern("unknown", pattern=doc.value if isinstance(doc.value, dict) else None)
        if doc.error:
            return RulePattern("invalid", error=doc.error)
        if not isinstance(doc.value, dict):
            return RulePattern("invalid", error=f"the pattern is {short(doc.value, 60)}, not a JSON object")
        return RulePattern("ok", pattern=doc.value, problems=pattern_problems(doc.value))
    except RecursionError:
        return RulePattern("invalid", error="the pattern is nested too deeply")


def glob_match(name: str, patterns: Iterable[Any]) -> bool:
    """Config helper: does ``name`` match any of the shell-style globs (exact names match too)?"""
    for p in patterns:
        if isinstance(p, str) and (p == name or fnmatch.fnmatchcase(name, p)):
            return True
    return False


__all__ = [
    "CLOUDTRAIL_DETAIL_TYPE", "OBJECT_CREATED_DETAIL_TYPE", "S3_OBJECT_EVENTS", "UPLOAD_EVENT_NAMES",
    "READ_OR_DELETE_EVENT_NAMES", "OBJECT_CREATED_REASONS", "RulePattern", "Sample",
    "event_matches", "glob_match", "leaf_matches", "leaf_samples", "near_miss", "pattern_problems",
    "read_event_pattern", "is_unknown",
]
