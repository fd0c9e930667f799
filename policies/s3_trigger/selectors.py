"""Which S3 data events a CloudTrail trail logs (and bills). Pure functions; never raise.

The main entry points, also used by ``benchmarks/cost.py``::

    trail_logs_event(trail_props, bucket, key, event_name, read_only) -> bool
    explain_trail_event(trail_props, bucket, key, event_name, read_only) -> Decision
    multipart_billed_events(trail_props, bucket, key, parts) -> int
    put_object_billed_events(trail_props, bucket, key) -> int
    trail_logs_management_events(trail_props) -> bool | None

``trail_props`` is the trail's property dict with the provider's wire names (camelCase):
``enableLogging`` (default true), ``eventSelectors`` (basic: ``readWriteType`` All/ReadOnly/
WriteOnly, default All; ``includeManagementEvents``, default true; ``dataResources[].{type,
values}``) or ``advancedEventSelectors`` (``fieldSelectors[].{field, equals, startsWiths,
endsWiths, notEquals, notStartsWiths, notEndsWiths}``). Snake-case keys are accepted too.

Semantics (CloudTrail user guide):

* basic selectors: an S3 object data event is logged if some selector whose ``readWriteType``
  admits the event's read/write kind has an ``AWS::S3::Object`` data resource whose value is a
  prefix of the object ARN ``arn:aws:s3:::BUCKET/KEY`` (``arn:aws:s3`` means every bucket);
* advanced selectors: logged if some selector has every field selector matching; within a field
  selector, positive operators (equals, startsWith, endsWith) are ORed, negative ones ANDed;
* no selectors at all: management events only, no data events;
* ``enableLogging`` false: nothing is logged.

A field this evaluator cannot evaluate for an upload (``userIdentity.arn``, ``errorCode``, ...)
is treated as *not* matching: the verdict "logged" is only given when it holds for every upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from .values import as_bool, contains_unknown, is_unknown, plain, short

S3_OBJECT_TYPE = "AWS::S3::Object"

#: The data events of one multipart upload of N parts, in order (UploadPart repeats N times).
MULTIPART_EVENTS = ("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload")


@dataclass(frozen=True)
class Decision:
    """Whether a trail logs an event: ``logged`` True / False, or None when a deciding property is
    unknown (preview); ``reason`` says why, for messages."""
    logged: bool | None
    reason: str


def _prop(props: Mapping[str, Any], camel: str, snake: str) -> Any:
    if camel in props:
        return props[camel]
    return props.get(snake)


def object_arn(bucket: str, key: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


_PARTITION_RE = re.compile(r"^arn:[^:]*:")


def _norm_arn(value: str) -> str:
    """Partition-agnostic form: arn:aws-cn:s3:::x -> arn:aws:s3:::x."""
    return _PARTITION_RE.sub("arn:aws:", value, count=1) if value.startswith("arn:") else value


def _selectors(trail_props: Any) -> tuple[Mapping[str, Any], Any, Any]:
    props = trail_props if type(trail_props) is dict else plain(trail_props)  # noqa: E721
    if not isinstance(props, dict):
        props = {}
    return (props, _prop(props, "eventSelectors", "event_selectors"),
            _prop(props, "advancedEventSelectors", "advanced_event_selectors"))


def logging_enabled(trail_props: Any) -> bool | None:
    """``enableLogging`` (default true); None when unknown."""
    props, _, _ = _selectors(trail_props)
    value = _prop(props, "enableLogging", "enable_logging")
    if value is None:
        return True
    if is_unknown(value):
        return None
    return as_bool(value, True)


# ---------------------------------------------------------------------------------------------
# Basic selectors
# ---------------------------------------------------------------------------------------------

def _basic(selectors: list, arn: str, event_name: str, read_only: bool) -> Decision:
    want = "ReadOnly" if read_only else "WriteOnly"
    seen_bucket = False
    for i, sel in enumerate(selectors):
        if is_unknown(sel):
            return Decision(None, f"eventSelectors[{i}] is unknown during preview")
        if not isinstance(sel, dict):
            continue
        rwt = _prop(sel, "readWriteType", "read_write_type")
        if is_unknown(rwt):
            return Decision(None, f"eventSelectors[{i}].readWriteType is unknown during preview")
        rwt = rwt if isinstance(rwt, str) else "All"
        resources = _prop(sel, "dataResources", "data_resources")
        if is_unknown(resources):
            return Decision(None, f"eventSelectors[{i}].dataResources is unknown during preview")
        for res in resources if isinstance(resources, list) else []:
            if not isinstance(res, dict):
                continue
            rtype = res.get("type")
            if is_unknown(rtype):
                return Decision(None, f"eventSelectors[{i}].dataResources[].type is unknown during preview")
            if rtype != S3_OBJECT_TYPE:
                continue
            values = res.get("values")
            if is_unknown(values):
                return Decision(None, f"eventSelectors[{i}].dataResources[].values is unknown during preview")
            for v in values if isinstance(values, list) else []:
                if contains_unknown(v):
                    return Decision(None, f"eventSelectors[{i}] data resource value is unknown during preview")
                if not isinstance(v, str) or not v:
                    continue
                nv = _norm_arn(v)
                if nv in ("arn:aws:s3", "arn:aws:s3:::") or arn.startswith(nv):
                    seen_bucket = True
                    if rwt in ("All", want):
                        return Decision(True, f"eventSelectors[{i}] ({rwt}) logs {v}")
    if seen_bucket:
        return Decision(False, f"the basic selectors that cover the object log only "
                               f"{'writes' if read_only else 'reads'} (readWriteType), not {event_name}")
    return Decision(False, "no basic selector has an AWS::S3::Object data resource covering "
                           f"{arn}")


# ---------------------------------------------------------------------------------------------
# Advanced selectors
# ---------------------------------------------------------------------------------------------

_POSITIVE = (("equals", "equals"), ("startsWiths", "starts_withs"), ("endsWiths", "ends_withs"))
_NEGATIVE = (("notEquals", "not_equals"), ("notStartsWiths", "not_starts_withs"),
             ("notEndsWiths", "not_ends_withs"))


def _op_values(fs: Mapping[str, Any], camel: str, snake: str) -> list | None | str:
    v = _prop(fs, camel, snake)
    if v is None:
        return None
    if is_unknown(v):
        return "unknown"
    if isinstance(v, str):
        return [v]
    return [x for x in v if isinstance(x, str) or is_unknown(x)] if isinstance(v, list) else []


def _test(op: str, value: str, operand: str) -> bool:
    if op in ("equals", "notEquals"):
        return value == operand
    if op in ("startsWiths", "notStartsWiths"):
        return value.startswith(operand)
    return value.endswith(operand)


def _field_matches(fs: Mapping[str, Any], event: Mapping[str, str]) -> bool | None:
    fname = fs.get("field")
    if is_unknown(fname):
        return None
    if not isinstance(fname, str):
        return False
    value = event.get(fname)
    positives, negatives = [], []
    for camel, snake in _POSITIVE + _NEGATIVE:
        ops = _op_values(fs, camel, snake)
        if ops == "unknown":
            return None
        if ops is None:
            continue
        if any(is_unknown(o) for o in ops):
            return None
        (positives if (camel, snake) in _POSITIVE else negatives).append((camel, ops))
    if value is None:  # a field we cannot evaluate for an S3 upload
        return False
    if fname == "resources.ARN":
        value = _norm_arn(value)
        positives = [(op, [_norm_arn(o) for o in ops]) for op, ops in positives]
        negatives = [(op, [_norm_arn(o) for o in ops]) for op, ops in negatives]
    if positives and not any(_test(op, value, o) for op, ops in positives for o in ops):
        return False
    if any(_test(op, value, o) for op, ops in negatives for o in ops):
        return False
    return True


def _describe_field(fs: Mapping[str, Any]) -> str:
    parts = [f"{camel} {short(_prop(fs, camel, snake), 80)}" for camel, snake in _POSITIVE + _NEGATIVE
             if _prop(fs, camel, snake) is not None]
    return f"{fs.get('field')} " + ", ".join(parts)


def _advanced(selectors: list, arn: str, event_name: str, read_only: bool) -> Decision:
    event = {
        "eventCategory": "Data", "resources.type": S3_OBJECT_TYPE, "resources.ARN": arn,
        "eventName": event_name, "readOnly": "true" if read_only else "false",
        "eventSource": "s3.amazonaws.com", "eventType": "AwsApiCall",
    }
    misses: list[str] = []
    for i, sel in enumerate(selectors):
        if is_unknown(sel):
            return Decision(None, f"advancedEventSelectors[{i}] is unknown during preview")
        if not isinstance(sel, dict):
            continue
        fss = _prop(sel, "fieldSelectors", "field_selectors")
        if is_unknown(fss):
            return Decision(None, f"advancedEventSelectors[{i}].fieldSelectors is unknown during preview")
        if not isinstance(fss, list) or not fss:
            continue
        name = sel.get("name") if isinstance(sel.get("name"), str) else f"#{i}"
        failed = None
        for fs in fss:
            if not isinstance(fs, dict):
                failed = "a field selector that is not an object"
                break
            verdict = _field_matches(fs, event)
            if verdict is None:
                return Decision(None, f"advanced selector {name!r} has a field selector unknown during preview")
            if not verdict:
                failed = _describe_field(fs)
                break
        if failed is None:
            return Decision(True, f"advanced selector {name!r} matches")
        misses.append(f"selector {name!r} filters it out ({failed})")
    if not misses:
        return Decision(False, "no advanced selector selects S3 data events")
    return Decision(False, "; ".join(misses[:4]))


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def explain_trail_event(trail_props: Any, bucket: str, key: str, event_name: str,
                        read_only: bool | None = None, partition: str = "aws") -> Decision:
    """Does the trail log the S3 data event ``event_name`` on ``s3://bucket/key``?

    ``read_only`` defaults to the event's known flag (GetObject: True, PutObject: False, ...).
    Returns a :class:`Decision`; ``logged`` is None if a deciding property is unknown (preview)."""
    try:
        if read_only is None:
            from .patterns import S3_OBJECT_EVENTS  # pylint: disable=import-outside-toplevel
            read_only = S3_OBJECT_EVENTS.get(event_name, False)
        enabled = logging_enabled(trail_props)
        if enabled is None:
            return Decision(None, "enableLogging is unknown during preview")
        if not enabled:
            return Decision(False, "logging is off (enableLogging is false)")
        _, basic, advanced = _selectors(trail_props)
        arn = _norm_arn(object_arn(bucket, key, partition))
        # A trail has either basic or advanced selectors; a known non-empty list decides. An
        # unknown one only matters when the other kind is absent (providers may report unset
        # computed lists as unknown in preview).
        if isinstance(advanced, list) and advanced:
            return _advanced(advanced, arn, event_name, bool(read_only))
        if isinstance(basic, list) and basic:
            return _basic(basic, arn, event_name, bool(read_only))
        if is_unknown(advanced):
            return Decision(None, "advancedEventSelectors is unknown during preview")
        if is_unknown(basic):
            return Decision(None, "eventSelectors is unknown during preview")
        return Decision(False, "the trail has no event selectors, so it logs management events only, "
                               "no data events")
    except RecursionError:  # pragma: no cover - plain() bounds depth
        return Decision(False, "the trail's selectors are nested too deeply to read")


def trail_logs_event(trail_props: Any, bucket: str, key: str, event_name: str,
                     read_only: bool | None = None) -> bool:
    """True if the trail (props with wire names) certainly logs this S3 data event.

    Example: ``trail_logs_event(props, "my-bucket", "uploads/a.png", "PutObject", False)``."""
    return explain_trail_event(trail_props, bucket, key, event_name, read_only).logged is True


def trail_logs_management_events(trail_props: Any) -> bool | None:
    """Does the trail log management events? Basic selectors: ``includeManagementEvents`` (default
    true) on any selector, or no selectors at all; advanced: a selector with eventCategory
    Management. None if unknown."""
    try:
        props, basic, advanced = _selectors(trail_props)
        enabled = logging_enabled(props)
        if enabled is None:
            return None
        if not enabled:
            return False
        if is_unknown(advanced) and not (isinstance(basic, list) and basic):
            return None
        if isinstance(advanced, list) and advanced:
            for sel in advanced:
                if not isinstance(sel, dict):
                    continue
                fss = _prop(sel, "fieldSelectors", "field_selectors")
                if is_unknown(fss):
                    return None
                for fs in fss if isinstance(fss, list) else []:
                    if isinstance(fs, dict) and fs.get("field") == "eventCategory":
                        eq = _op_values(fs, "equals", "equals")
                        if eq == "unknown":
                            return None
                        if isinstance(eq, list) and "Management" in eq:
                            return True
            return False
        if isinstance(basic, list) and basic:
            for sel in basic:
                if not isinstance(sel, dict):
                    continue
                inc = _prop(sel, "includeManagementEvents", "include_management_events")
                if is_unknown(inc):
                    return None
                if as_bool(inc, True) if inc is not None else True:
                    return True
            return False
        if is_unknown(basic):
            return None
        return True
    except RecursionError:  # pragma: no cover
        return None


def billed_events(trail_props: Any, bucket: str, key: str, event_names: list[str]) -> int:
    """How many of the given data events (one API call each) the trail logs, i.e. bills."""
    return sum(1 for n in event_names if trail_logs_event(trail_props, bucket, key, n))


def multipart_event_names(parts: int) -> list[str]:
    """The data events of a multipart upload of ``parts`` parts: Create, N x UploadPart, Complete."""
    parts = max(int(parts), 0)
    return ["CreateMultipartUpload"] + ["UploadPart"] * parts + ["CompleteMultipartUpload"]


def multipart_billed_events(trail_props: Any, bucket: str, key: str, parts: int) -> int:
    """Data events billed for one multipart upload of ``parts`` parts (basic WriteOnly: N+2;
    advanced selectors on eventName PutObject/CompleteMultipartUpload/CopyObject: 1)."""
    parts = max(int(parts), 0)
    per = {n: trail_logs_event(trail_props, bucket, key, n) for n in MULTIPART_EVENTS}
    return int(per["CreateMultipartUpload"]) + parts * int(per["UploadPart"]) + int(
        per["CompleteMultipartUpload"])


def put_object_billed_events(trail_props: Any, bucket: str, key: str) -> int:
    """Data events billed for one single-part upload (0 or 1)."""
    return int(trail_logs_event(trail_props, bucket, key, "PutObject"))


_S3_ARN = "arn:aws:s3:::"


@dataclass(frozen=True)
class BucketFilter:
    """Which buckets a trail *may* log S3 object data events for, compiled once per trail so that a
    stack with many trails and rules does not re-read every trail's selectors for every bucket.

    ``always``: the trail may log any bucket (an "every bucket" selector, unknowns, negative or odd
    shapes: anything the pre-filter cannot rule out). Otherwise ``rests`` holds the object-ARN
    filters after ``arn:aws:s3:::`` (partition-normalised); the trail may log ``bucket`` iff some
    rest is a prefix of ``bucket/`` or starts with ``bucket/``."""
    always: bool
    rests: tuple[str, ...] = ()

    def may_log(self, bucket: str) -> bool:
        if self.always:
            return True
        s = f"{bucket}/"
        return any(s.startswith(r) or r.startswith(s) for r in self.rests)


_ALWAYS = BucketFilter(True)


def bucket_filter(trail_props: Any) -> BucketFilter:
    """Compile the trail's selectors into a :class:`BucketFilter` (the semantics of
    :func:`may_log_bucket`). Conservative and total: anything unusual gives ``always``."""
    try:
        props, basic, advanced = _selectors(trail_props)
        rests: list[str] = []
        if isinstance(advanced, list) and advanced:
            for sel in advanced:
                fss = _prop(sel, "fieldSelectors", "field_selectors") if isinstance(sel, dict) else None
                if not isinstance(fss, list):
                    return _ALWAYS
                arn_fs = [fs for fs in fss if isinstance(fs, dict) and fs.get("field") == "resources.ARN"]
                if not arn_fs:
                    return _ALWAYS
                for fs in arn_fs:
                    ops = [_op_values(fs, c, sn) for c, sn in _POSITIVE]
                    if any(o == "unknown" for o in ops) or all(o is None for o in ops):
                        return _ALWAYS
                    for o in ops:
                        for v in o if isinstance(o, list) else []:
                            if not isinstance(v, str) or is_unknown(v):
                                return _ALWAYS
                            nv = _norm_arn(v)
                            if not nv.startswith(_S3_ARN):
                                return _ALWAYS
                            rests.append(nv[len(_S3_ARN):])
            return BucketFilter(False, tuple(rests))
        if isinstance(basic, list) and basic:
            for v in selector_resource_prefixes(props) or []:
                nv = _norm_arn(v)
                if nv.startswith(_S3_ARN):
                    rests.append(nv[len(_S3_ARN):])
                elif _S3_ARN.startswith(nv):  # "arn:aws:s3", "arn:", "": a prefix of every object ARN
                    return _ALWAYS
            if contains_unknown(basic):
                return _ALWAYS
            return BucketFilter(False, tuple(rests))
        return _ALWAYS if (is_unknown(advanced) or is_unknown(basic)) else BucketFilter(False)
    except Exception:  # noqa: BLE001 - a pre-filter must never hide a trail
        return _ALWAYS


def may_log_bucket(trail_props: Any, bucket: str) -> bool:
    """Cheap pre-filter: False only if the trail certainly logs no S3 object data events for
    ``bucket`` (no data selectors at all, or every ARN filter names other buckets). Conservative:
    anything unusual (unknowns, negative operators, odd shapes) gives True."""
    try:
        return bucket_filter(trail_props).may_log(bucket)
    except Exception:  # noqa: BLE001 - a pre-filter must never hide a trail
        return True


class TrailBucketIndex:
    """``may_log_bucket`` for many trails at once: bucket name -> the trails (in the given order)
    that may log it, through a prefix index of the trails' selector ARNs. Each lookup costs the
    length of the name plus the trails it returns, not the number of trails."""

    _MAX_INDEXED_NAME = 300  # longer names (hostile patterns) are answered by a plain scan

    def __init__(self, trails_props: list[Any]):
        self.filters = [bucket_filter(p) for p in trails_props]
        self._always: list[int] = []
        self._prefix: dict[str, list[int]] = {}
        self._by_first: dict[str, list[tuple[str, int]]] = {}
        for i, f in enumerate(self.filters):
            if f.always:
                self._always.append(i)
                continue
            for r in f.rests:
                self._prefix.setdefault(r, []).append(i)
                if "/" in r:
                    self._by_first.setdefault(r.split("/", 1)[0], []).append((r, i))

    def positions(self, bucket: str) -> list[int]:
        """Indexes (into the trails given) of the trails that may log ``bucket``, ascending."""
        s = f"{bucket}/"
        if len(s) > self._MAX_INDEXED_NAME:
            return [i for i, f in enumerate(self.filters) if f.may_log(bucket)]
        hits = set(self._always)
        prefix = self._prefix
        for k in range(len(s) + 1):
            found = prefix.get(s[:k])
            if found:
                hits.update(found)
        for r, i in self._by_first.get(s.split("/", 1)[0], ()):
            if r.startswith(s):
                hits.add(i)
        return sorted(hits)


def selector_resource_prefixes(trail_props: Any) -> list[str]:
    """The object-ARN prefixes a trail's selectors name (for messages); [] if none."""
    _, basic, advanced = _selectors(trail_props)
    out: list[str] = []
    if isinstance(advanced, list) and advanced:
        for sel in advanced:
            fss = _prop(sel, "fieldSelectors", "field_selectors") if isinstance(sel, dict) else None
            for fs in fss if isinstance(fss, list) else []:
                if isinstance(fs, dict) and fs.get("field") == "resources.ARN":
                    for camel, snake in _POSITIVE:
                        ops = _op_values(fs, camel, snake)
                        if isinstance(ops, list):
                            out.extend(o for o in ops if isinstance(o, str))
    elif isinstance(basic, list):
        for sel in basic:
            res = _prop(sel, "dataResources", "data_resources") if isinstance(sel, dict) else None
            for r in res if isinstance(res, list) else []:
                if isinstance(r, dict) and isinstance(r.get("values"), list):
                    out.extend(v for v in r["values"] if isinstance(v, str))
    return out


__all__ = [
    "BucketFilter", "Decision", "MULTIPART_EVENTS", "TrailBucketIndex", "billed_events", "bucket_filter",
    "explain_trail_event", "logging_enabled", "may_log_bucket", "multipart_billed_events",
    "multipart_event_names", "object_arn", "put_object_billed_events", "selector_resource_prefixes",
    "trail_logs_event", "trail_logs_management_events",
]
