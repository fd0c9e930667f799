"""CloudTrail's own checks on a trail, as pure functions of plain values (CloudTrail is not emulated by LocalStack, and
no library implements them): the trail name, basic xor advanced event selectors, each advanced field and the operators
it takes, value lengths, and the log bucket's policy.

Source: the CloudTrail API Reference, `AdvancedFieldSelector` ("For CloudTrail data events, supported fields include
eventCategory (required), eventName, eventSource, eventType, resources.type (required), readOnly, resources.ARN,
sessionCredentialFromConsole, and userIdentity.arn"; "Equals ... is the only valid operator that you can use with the
readOnly, eventCategory, and resources.type fields"; values 1-2048 characters), `PutEventSelectors` ("You can use
either AdvancedEventSelectors or EventSelectors, but not both"; 5 basic selectors, 250 data resources, 500 values
in advanced selectors) and `CreateTrail` (InvalidTrailNameException). rules.py runs `selector_problems` in Check;
the LocalStack backend runs `trail_problems` and `trail_logs_bucket_problems` (which needs the bucket's real policy).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown sentinel (rules.UNKNOWN)


def _unknown(value: Any) -> bool:
    """The engine's sentinel, or an unknown as Pulumi's in-process mocks pass it (`pulumi.output.Unknown`)."""
    return value == UNKNOWN or type(value).__name__ == "Unknown"


def _get(d: dict | None, camel: str, default: Any = None) -> Any:
    """A nested input by its wire name, tolerating the snake_case spelling of the same key."""
    if not d:
        return default
    if camel in d:
        return d[camel]
    snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel)
    return d.get(snake, default)


_TRAIL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$")
ADVANCED_FIELDS = {
    "eventCategory", "eventSource", "eventName", "eventType", "readOnly", "resources.type", "resources.ARN",
    "errorCode", "sessionCredentialFromConsole", "userIdentity.arn", "vpcEndpointId",
}
EQUALS_ONLY_FIELDS = ("eventCategory", "resources.type", "readOnly")
EVENT_CATEGORIES = ("Management", "Data", "NetworkActivity")
OPERATORS = ("equals", "startsWiths", "endsWiths", "notEquals", "notStartsWiths", "notEndsWiths")
BASIC_DATA_TYPES = ("AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table")
_S3_OBJECT_ARN_PREFIX = re.compile(r"^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/")


def _ops(fs: dict) -> dict[str, list]:
    """The operators set on a field selector, each with its known values (an unknown list counts as set)."""
    out = {}
    for op in OPERATORS:
        values = _get(fs, op)
        if _unknown(values) or (isinstance(values, list) and values):
            out[op] = [v for v in values if not _unknown(v)] if isinstance(values, list) else []
    return out


def trail_problems(inputs: dict) -> list[str]:
    """Why CloudTrail would refuse this trail's name and selectors (CreateTrail/PutEventSelectors rules as AWS
    documents them); an empty list when it would accept them. Pure: the log bucket is checked by the backend."""
    problems: list[str] = []
    name = inputs.get("name") or ""
    if not (_TRAIL_NAME.match(name) and not re.search(r"[._-]{2}", name)):
        problems.append(f"trail name {name!r}: 3-128 letters, digits, '.', '_' or '-', starting and ending with a "
                        "letter or digit, no two of '._-' in a row (InvalidTrailNameException)")
    else:
        try:
            ipaddress.IPv4Address(name)
            problems.append(f"trail name {name!r} must not be formatted as an IP address")
        except ValueError:
            pass
    return problems + selector_problems(inputs)


def _known_list(value: Any) -> list:
    """A list input without its unknown items (the whole list unknown: nothing to check yet)."""
    return [v for v in value if not _unknown(v)] if isinstance(value, list) else []


def selector_problems(inputs: dict) -> list[str]:
    """Why CloudTrail would refuse this trail's selectors (and a missing log bucket); unknown values (preview) are
    left out. Run by the provider's Check in both backends."""
    problems: list[str] = []
    if not inputs.get("s3BucketName"):
        problems.append("s3BucketName is required")
    basic = _known_list(inputs.get("eventSelectors"))
    advanced = _known_list(inputs.get("advancedEventSelectors"))
    if basic and advanced:
        problems.append("a trail has either eventSelectors (basic) or advancedEventSelectors, never both "
                        "(PutEventSelectors: 'You can use either AdvancedEventSelectors or EventSelectors, but not both')")
    if len(basic) > 5:
        problems.append(f"{len(basic)} basic event selectors; a trail can have up to 5 (InvalidEventSelectorsException)")
    resources_total = 0
    for i, sel in enumerate(basic):
        where = f"eventSelectors[{i}]"
        rw = _get(sel, "readWriteType", "All")
        if not _unknown(rw) and rw not in ("ReadOnly", "WriteOnly", "All"):
            problems.append(f"{where}.readWriteType {rw!r}: valid values are ReadOnly, WriteOnly, All")
        data = _known_list(_get(sel, "dataResources"))
        if _get(sel, "includeManagementEvents", True) is False and not data:
            problems.append(f"{where}: with includeManagementEvents false, dataResources must not be empty")
        for j, dr in enumerate(data):
            t = _get(dr, "type")
            values = _known_list(_get(dr, "values"))
            resources_total += len(values)
            if not _unknown(t) and t not in BASIC_DATA_TYPES:
                problems.append(f"{where}.dataResources[{j}].type {t!r}: basic selectors log only "
                                + ", ".join(BASIC_DATA_TYPES) + " (use advanced selectors for others)")
            if not values and not _unknown(_get(dr, "values")) and not any(map(_unknown, _get(dr, "values") or [])):
                problems.append(f"{where}.dataResources[{j}].values must not be empty")
            if t == "AWS::S3::Object":
                for v in values:
                    if not (re.match(r"^arn:[a-z-]+:s3$", v) or re.match(r"^arn:[a-z-]+:s3:::[^/]+/", v)):
                        problems.append(f"{where}.dataResources[{j}].values {v!r}: an S3 object ARN prefix is "
                                        "'arn:PARTITION:s3:::BUCKET/' (trailing slash) or 'arn:PARTITION:s3' for all")
    if resources_total > 250:
        problems.append(f"{resources_total} data resources; a trail is limited to 250")

    values_total = 0
    for i, sel in enumerate(advanced):
        where = f"advancedEventSelectors[{i}]"
        raw = _get(sel, "fieldSelectors")
        fields = _known_list(raw)
        partly_unknown = _unknown(raw) or (isinstance(raw, list) and len(fields) < len(raw))
        if not fields:
            if not partly_unknown:
                problems.append(f"{where}: fieldSelectors must not be empty")
            continue
        by_field: dict[str, list[dict]] = {}
        for j, fs in enumerate(fields):
            f = _get(fs, "field")
            if _unknown(f):
                partly_unknown = True
                continue
            fw = f"{where}.fieldSelectors[{j}] ({f})"
            ops = _ops(fs)
            values_total += sum(len(v) for v in ops.values())
            if f not in ADVANCED_FIELDS:
                problems.append(f"{fw}: unknown field; valid fields are " + ", ".join(sorted(ADVANCED_FIELDS)))
                continue
            by_field.setdefault(f, []).append(ops)
            if not ops:
                problems.append(f"{fw}: needs at least one operator with values")
            for op, vals in ops.items():
                for v in vals:
                    if not isinstance(v, str) or not 1 <= len(v) <= 2048:
                        problems.append(f"{fw}.{op}: values are strings of 1-2048 characters ({v!r})")
            if f in EQUALS_ONLY_FIELDS and set(ops) - {"equals"}:
                problems.append(f"{fw}: only the Equals operator is valid for {f} (got {', '.join(sorted(set(ops) - {'equals'}))})")
            if f == "eventCategory" and any(v not in EVENT_CATEGORIES for v in ops.get("equals", [])):
                problems.append(f"{fw}: eventCategory must equal one of {', '.join(EVENT_CATEGORIES)}")
            if f == "readOnly" and any(v not in ("true", "false") for v in ops.get("equals", [])):
                problems.append(f"{fw}: readOnly equals 'true' or 'false'")
        for f, occurrences in by_field.items():
            if len(occurrences) > 1:
                problems.append(f"{where}: field {f} appears {len(occurrences)} times; each field once per selector")
        category = (by_field.get("eventCategory") or [{}])[0].get("equals", [])
        if partly_unknown:
            continue
        if not category:
            problems.append(f"{where}: eventCategory is required (Equals Management or Data)")
        types = (by_field.get("resources.type") or [{}])[0].get("equals", [])
        if "Data" in category:
            if not types:
                problems.append(f"{where}: data events need resources.type (e.g. Equals AWS::S3::Object)")
            elif len(types) > 1:
                problems.append(f"{where}: one resources.type value per selector (add a selector per type)")
        if "Management" in category:
            for f in by_field:
                if f not in ("eventCategory", "eventSource", "readOnly"):
                    problems.append(f"{where}: management-event selectors filter only on eventCategory, "
                                    f"eventSource and readOnly (not {f})")
        if types == ["AWS::S3::Object"]:
            # AdvancedFieldSelector, resources.ARN: "You can use any operator with resources.ARN, but if you use Equals
            # or NotEquals, the value must exactly match the ARN of a valid resource of the type you've specified"
            # (StartsWith takes any prefix, e.g. one shared by several buckets' names).
            for ops in by_field.get("resources.ARN", []):
                for op in ("equals", "notEquals"):
                    for v in ops.get(op, []):
                        if not _S3_OBJECT_ARN_PREFIX.match(v):
                            problems.append(f"{where}: resources.ARN {op} {v!r}: with Equals or NotEquals, for "
                                            "AWS::S3::Object the value is an object ARN, "
                                            "'arn:PARTITION:s3:::BUCKET/KEY'")
    if values_total > 500:
        problems.append(f"{values_total} values in advanced selectors; a trail allows at most 500")
    return problems


def trail_logs_bucket_problems(policy: dict | None, bucket: str, account: str, trail_arn: str,
                               key_prefix: str = "", partition: str = "aws") -> list[str]:
    """Why CloudTrail would refuse to write to `bucket` with this bucket policy (InsufficientS3BucketPolicyException).

    Needs an Allow for the service principal cloudtrail.amazonaws.com of s3:GetBucketAcl on the bucket and
    s3:PutObject on `BUCKET/[PREFIX/]AWSLogs/ACCOUNT/*`, with any aws:SourceArn / aws:SourceAccount condition
    admitting this trail."""
    if not policy:
        return [f"log bucket {bucket!r} has no bucket policy letting cloudtrail.amazonaws.com write to it"]
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    logs_key = f"{key_prefix.strip('/') + '/' if key_prefix else ''}AWSLogs/{account}/"

    def listify(v):
        return v if isinstance(v, list) else [v]

    def conditions_admit(stmt) -> bool:
        for op, kv in (stmt.get("Condition") or {}).items():
            for key, want in kv.items():
                have = {"aws:sourcearn": trail_arn, "aws:sourceaccount": account,
                        "s3:x-amz-acl": "bucket-owner-full-control"}.get(key.lower())
                if have is None:
                    continue
                if op.startswith(("StringEquals", "ArnEquals")) and have not in listify(want):
                    return False
                if op.startswith(("StringLike", "ArnLike")) and not any(
                        re.fullmatch(re.escape(w).replace(r"\*", ".*").replace(r"\?", "."), have)
                        for w in listify(want)):
                    return False
        return True

    def allows(action: str, resource: str) -> bool:
        for stmt in listify(policy.get("Statement", [])):
            if stmt.get("Effect") != "Allow":
                continue
            principal = stmt.get("Principal") or {}
            services = listify(principal.get("Service", [])) if isinstance(principal, dict) else []
            if "cloudtrail.amazonaws.com" not in services:
                continue
            if not any(a in (action, "s3:*", "*") for a in listify(stmt.get("Action", []))):
                continue
            if not any(re.fullmatch(re.escape(r).replace(r"\*", ".*"), resource)
                       for r in listify(stmt.get("Resource", []))):
                continue
            if conditions_admit(stmt):
                return True
        return False

    problems = []
    if not allows("s3:GetBucketAcl", bucket_arn):
        problems.append(f"log bucket {bucket!r}: its policy does not allow cloudtrail.amazonaws.com s3:GetBucketAcl "
                        f"on {bucket_arn} for this trail")
    if not allows("s3:PutObject", f"{bucket_arn}/{logs_key}x"):
        problems.append(f"log bucket {bucket!r}: its policy does not allow cloudtrail.amazonaws.com s3:PutObject on "
                        f"{bucket_arn}/{logs_key}* for this trail")
    return problems


