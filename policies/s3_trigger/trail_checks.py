"""Policies on trails: s3-trigger-trail-logs-bucket, s3-trigger-no-trail-feedback-loop,
s3-trigger-trail-cost."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel, PolicyConfigSchema

from .delivery import DeliveryModel
from .framework import (Finding, NotApplicable, ResourceInput, config_int, config_list, resource_and_stack_policy,
                        stack_policy, undecided)
from .names import NO_FEEDBACK_LOOP, TRAIL_COST, TRAIL_LOGS_BUCKET, TRAIL_QUOTA
from .graph import BUCKET_TYPES, TRAIL, Node, StackGraph
from .patterns import S3_OBJECT_EVENTS, UPLOAD_EVENT_NAMES, RulePattern, near_miss
from .selectors import explain_trail_event, multipart_billed_events, trail_logs_management_events
from .values import as_str, is_unknown


DEFAULT_PARTS = 100
_MAX_SAMPLES = 20


def required_event_names(rp: RulePattern) -> list[str]:
    """The CloudTrail event names a trail must log for this rule to fire on every upload it matches."""
    names = rp.upload_names()
    return names or rp.event_names()[:8]


def selector_findings(trail_props: Mapping[str, Any]) -> list[str]:
    """Faults one trail's selectors decide alone (pure): an S3 data-event advanced selector whose eventName values
    are near misses of S3 API names ("CompleteMultiPartUpload"): the trail never logs that call, whatever the stack."""
    out: list[str] = []
    selectors = trail_props.get("advancedEventSelectors")
    for i, sel in enumerate(selectors if isinstance(selectors, list) else []):
        fields = sel.get("fieldSelectors") if isinstance(sel, dict) else None
        if not isinstance(fields, list):
            continue
        types = [v for f in fields if isinstance(f, dict) and f.get("field") == "resources.type"
                 for v in (f.get("equals") or []) if isinstance(v, str)]
        if "AWS::S3::Object" not in types:
            continue
        for f in fields:
            if not isinstance(f, dict) or f.get("field") != "eventName":
                continue
            for key in ("equals", "startsWiths", "notEquals"):
                for v in f.get(key) or []:
                    if not isinstance(v, str) or v in S3_OBJECT_EVENTS:
                        continue
                    close = next((n for n in S3_OBJECT_EVENTS if near_miss(v, n)), None)
                    if close and (key != "startsWiths" or not close.startswith(v)):
                        out.append(f"advancedEventSelectors[{i}] eventName {key} {v!r} names no S3 call (CloudTrail "
                                   f"logs it as \"{close}\"): that selector never matches it")
    return out


def check_trail_logs_bucket_resource(res: ResourceInput) -> Iterable[Finding]:
    """Resource half of s3-trigger-trail-logs-bucket: what one trail's selectors decide, before it is created."""
    selectors = res.props.get("advancedEventSelectors")
    if is_unknown(selectors):
        raise NotApplicable("advancedEventSelectors is unknown during preview; the engine runs this policy again "
                            "with the resolved selectors before it creates the trail")
    return [Finding(f"{p}. Fix: spell the event names as CloudTrail logs them (PutObject, CompleteMultipartUpload, "
                    "CopyObject).") for p in selector_findings(res.props)]


def check_trail_logs_bucket(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    """An upload a CloudTrail-fed rule would deliver never becomes an event, because no trail of
    the bucket's region logs it (decided by :mod:`.delivery`, selectors evaluated)."""
    elsewhere = config_list(config, "bucketsLoggedElsewhere")
    for f in DeliveryModel.for_graph(graph, elsewhere).by_policy(TRAIL_LOGS_BUCKET):
        yield Finding(f.message, f.urn, f.undecided)


# --------------------------------------------------------------------------------------------
# Feedback loop (resource policy: trail inputs)
# --------------------------------------------------------------------------------------------

def _log_key(props: Mapping[str, Any]) -> str:
    prefix = as_str(props.get("s3KeyPrefix")) or ""
    prefix = (prefix.rstrip("/") + "/") if prefix else ""
    return f"{prefix}AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/01/trail.json.gz"


def feedback_loop_finding(trail_props: Mapping[str, Any], log_bucket: str | None) -> Finding | None | str:
    """A Finding if the trail logs write data events on its own log bucket; None if not; a string
    (the reason) if it cannot be decided. ``log_bucket`` None means unknown."""
    key = _log_key(trail_props)
    if log_bucket is None:
        d = explain_trail_event(trail_props, "any-bucket-at-all-sample", key, "PutObject", False)
        if d.logged:
            return Finding("the trail logs write data events on every S3 bucket, including the one it "
                           "delivers its own logs to: each log file it writes is a new PutObject it logs "
                           "again, forever (one public case: 1.5 billion events in three years). Select "
                           "only the upload bucket (resources.ARN startsWith arn:aws:s3:::BUCKET/).")
        return "s3BucketName is unknown during preview"
    d = explain_trail_event(trail_props, log_bucket, key, "PutObject", False)
    if d.logged is None:
        return d.reason
    if d.logged:
        return Finding(f"the trail delivers its logs to bucket {log_bucket!r} and also logs write data "
                       f"events on that bucket ({d.reason}): each log file it writes is a new PutObject "
                       "data event that it logs again, forever (one public case: 1.5 billion events in "
                       "three years). Keep the logs in a bucket the selectors do not cover.")
    return None


def check_no_feedback_loop(res: ResourceInput) -> Iterable[Finding]:
    raw = res.props.get("s3BucketName")
    if raw is None:
        raise NotApplicable("the trail has no s3BucketName")
    verdict = feedback_loop_finding(res.props, None if is_unknown(raw) else as_str(raw))
    if isinstance(verdict, Finding):
        return [verdict]
    if isinstance(verdict, str):
        raise NotApplicable(f"{verdict}; the engine runs this policy again with resolved inputs before "
                            "it creates the trail (and on the stack, where s3BucketName's property "
                            "dependencies name the bucket it comes from)")
    return []


def _strict_deps(graph: StackGraph, node: Node, prop: str) -> list[Node]:
    """The resources ``prop`` depends on, from its own property dependencies only (no fallback to
    the resource's other dependencies: a trail's selectors usually depend on the upload bucket)."""
    out = []
    for u in node.property_dependencies.get(prop, []) or []:
        n = graph.by_urn.get(u)
        if n is not None and n not in out:
            out.append(n)
    return out


def _log_bucket(graph: StackGraph, trail: Node) -> tuple[str | None, Node | None]:
    """The bucket a trail writes its log files to: its known s3BucketName, else (preview) the one
    managed bucket that property is computed from."""
    raw = trail.props.get("s3BucketName")
    name = None if is_unknown(raw) else as_str(raw)
    managed = graph.buckets_named(name) if name else []
    if name is None:
        deps = [b for b in _strict_deps(graph, trail, "s3BucketName") if b.type in BUCKET_TYPES]
        names = {graph.bucket_name(b) for b in deps} - {None}
        if len(names) == 1:
            return next(iter(names)), deps[0]
        return None, None
    return name, managed[0] if managed else None


def trail_chains(graph: StackGraph) -> list[list[Node]]:
    """Cycles of two or more trails in which each trail logs the PutObject data events of the log
    files the previous one writes (trail A logs bucket B, where trail B writes; trail B logs A's log
    bucket): every log file starts a chain of log files that never ends. A trail that logs its own
    log bucket (a cycle of one) is the resource half's and :func:`check_no_feedback_loop_stack`'s."""
    trails = graph.trails()
    model = DeliveryModel.for_graph(graph)
    edges: dict[str, list[Node]] = {}
    for t in trails:
        name, bucket = _log_bucket(graph, t)
        if not name:
            continue
        region = bucket.region if bucket is not None else t.region
        key = _log_key(t.props)
        nexts = []
        for t2 in graph.trails_for_buckets([name]):
            if t2 is t or not explain_trail_event(model.resolved_trail_props(t2), name, key, "PutObject",
                                                  False).logged:
                continue
            if not (t2.props.get("isMultiRegionTrail") is True or region.name is None or t2.region.name is None
                    or t2.region.name == region.name):
                continue
            nexts.append(t2)
        if nexts:
            edges[t.urn] = nexts
    # Strongly connected components (Tarjan, iterative) of size >= 2.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[Node]] = []
    counter = [0]
    for root in trails:
        if root.urn in index:
            continue
        work = [(root.urn, iter(edges.get(root.urn, [])))]
        index[root.urn] = low[root.urn] = counter[0]
        counter[0] += 1
        stack.append(root.urn)
        on.add(root.urn)
        while work:
            urn, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt.urn not in index:
                    index[nxt.urn] = low[nxt.urn] = counter[0]
                    counter[0] += 1
                    stack.append(nxt.urn)
                    on.add(nxt.urn)
                    work.append((nxt.urn, iter(edges.get(nxt.urn, []))))
                    advanced = True
                    break
                if nxt.urn in on:
                    low[urn] = min(low[urn], index[nxt.urn])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[urn])
            if low[urn] == index[urn]:
                comp = []
                while True:
                    u = stack.pop()
                    on.discard(u)
                    comp.append(graph.by_urn[u])
                    if u == urn:
                        break
                if len(comp) >= 2:
                    out.append(sorted(comp, key=lambda n: n.pos))
    return out


def check_no_feedback_loop_stack(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for chain in trail_chains(graph):
        names = " -> ".join(f"{t.label()} (logs to {_log_bucket(graph, t)[0]!r})" for t in chain[:4])
        for t in chain:
            yield Finding(f"{t.label()}: its log files start a feedback loop through other trails: {names} -> "
                          f"{chain[0].label()}: each trail logs the PutObject of the other's log files, forever. "
                          "Fix: keep every trail's log bucket out of every trail's selectors.", t.urn)
    yield from _own_log_bucket_stack(graph)


def _own_log_bucket_stack(graph: StackGraph) -> Iterable[Finding]:
    """The stack half of s3-trigger-no-trail-feedback-loop: a trail whose ``s3BucketName`` is unknown
    (preview: e.g. ``bucket.id``) is tied, through that property's dependencies, to the managed
    bucket it comes from, whose name is known in preview. Everything the resource half decides on
    the trail's inputs (a known log bucket, an "every bucket" selector) is left to it, so nothing is
    reported twice; in an update ``s3BucketName`` is known and only the resource half runs."""
    for trail in graph.trails():
        raw = trail.props.get("s3BucketName")
        if not is_unknown(raw):
            continue
        if not isinstance(feedback_loop_finding(trail.props, None), str):
            continue  # "logs every bucket": reported by the resource half on the trail's inputs
        buckets = [b for b in _strict_deps(graph, trail, "s3BucketName") if b.type in BUCKET_TYPES]
        if not buckets:
            continue  # nothing to follow: the resource half's "not applicable" (deferred) stands
        # Selectors computed from one bucket's ARN (bucket.arn + "/") are read as that bucket's ARN prefix.
        props = DeliveryModel.for_graph(graph).resolved_trail_props(trail)
        verdicts = []
        for b in buckets:
            name = graph.bucket_name(b)
            verdicts.append((b, name, feedback_loop_finding(props, name) if name else None))
        loops = [(b, name, v) for b, name, v in verdicts if isinstance(v, Finding)]
        if not loops:
            continue
        if len(loops) == len(verdicts):
            b, name, v = loops[0]
            source = (f"{b.label()} (bucket {name!r})" if len(loops) == 1 else
                      " or ".join(f"{lb.label()} ({ln!r})" for lb, ln, _ in loops[:3]))
            yield Finding(f"{trail.label()}: its s3BucketName is unknown during preview, but its property "
                          f"dependencies show that it comes from {source}; {v.message}", trail.urn)
        else:
            yield undecided(f"{trail.label()}: its s3BucketName is unknown during preview and computed from "
                            f"{', '.join(b.label() for b, _, _ in verdicts[:4])}, and the trail logs write data "
                            f"events on {', '.join(repr(n) for _, n, _ in loops[:3])}: if the logs go there the "
                            "trail feeds itself forever (pass the log bucket's name, bucket.bucket, known in "
                            "preview, as s3BucketName)", trail.urn)


# --------------------------------------------------------------------------------------------
# Cost (stack policy: which trails feed a trigger)
# --------------------------------------------------------------------------------------------

_EXTRA_WRITES = ("CreateMultipartUpload", "UploadPart", "UploadPartCopy", "AbortMultipartUpload",
                 "PutObjectAcl", "PutObjectTagging", "DeleteObject")
_READS = ("GetObject", "HeadObject")


def check_trail_cost(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    parts = config_int(config, "multipartParts", DEFAULT_PARTS, 1, 10_000)
    feeds: dict[str, tuple[Node, Node, str, str]] = {}
    for rule in graph.s3_rules():
        rp = graph.pattern(rule)
        if rp.state != "ok" or not rp.cloudtrail_based:
            continue
        names = required_event_names(rp) or list(UPLOAD_EVENT_NAMES)
        buckets = rp.bucket_samples("cloudtrail")[:_MAX_SAMPLES]
        keys = rp.key_samples("cloudtrail")[:_MAX_SAMPLES]
        # Only the trails that may log one of the rule's buckets (from the graph's index); any
        # other trail would be skipped below for every bucket.
        for t in graph.trails_for_buckets([b.value for b in buckets]):
            if t.urn in feeds:
                continue
            for b in buckets:
                if not graph.trail_may_log(t, b.value):
                    continue
                hit = next((k for k in keys if any(explain_trail_event(t.props, b.value, k.value, n).logged
                                                   for n in names)), None)
                if hit is not None:
                    feeds[t.urn] = (t, rule, b.value, hit.value)
                    break
    for t, rule, bucket, key in feeds.values():
        issues = []
        reads = [n for n in _READS if explain_trail_event(t.props, bucket, key, n, True).logged]
        if reads:
            issues.append(f"logs reads ({', '.join(reads)})")
        writes = [n for n in _EXTRA_WRITES if explain_trail_event(t.props, bucket, key, n, False).logged]
        if writes:
            issues.append(f"logs every write, not only the trigger's events ({', '.join(writes)})")
        if trail_logs_management_events(t.props):
            issues.append("logs management events (only the first copy in a region is free; each further "
                          "trail's copy costs $2.00 per 100,000)")
        if not issues:
            continue
        billed = multipart_billed_events(t.props, bucket, key, parts)
        yield Finding(
            f"{t.label()} feeds {rule.label()} but {'; '.join(issues)}. A multipart upload of {parts} "
            f"parts bills {billed} data events with these selectors (data events cost $0.10 per 100,000); "
            "advanced event selectors with eventName equals [PutObject, CompleteMultipartUpload, "
            "CopyObject], readOnly false and no management events bill 1.", t.urn)


def trail_logs_bucket_policy():
    return resource_and_stack_policy(
        TRAIL_LOGS_BUCKET,
        "A CloudTrail-based S3 rule needs a trail that logs write data events for its bucket, with logging "
        "on and selectors that keep the rule's event names; otherwise it never fires.",
        EnforcementLevel.MANDATORY, (TRAIL,), check_trail_logs_bucket_resource, check_trail_logs_bucket,
        PolicyConfigSchema(properties={
            "bucketsLoggedElsewhere": {
                "type": "array", "items": {"type": "string"}, "default": [],
                "description": "Buckets (names or shell-style globs) whose data events a trail outside "
                               "this stack logs, e.g. an organisation trail.",
            },
        }))


def no_feedback_loop_policy():
    return resource_and_stack_policy(
        NO_FEEDBACK_LOOP,
        "A trail must not log data events on the bucket that receives its own logs.",
        EnforcementLevel.MANDATORY, (TRAIL,), check_no_feedback_loop, check_no_feedback_loop_stack)


def trail_cost_policy():
    return stack_policy(
        TRAIL_COST,
        "A trail that feeds an S3 trigger should log only the trigger's write events, no reads, no "
        "per-part writes and no management events.",
        EnforcementLevel.ADVISORY, check_trail_cost,
        PolicyConfigSchema(properties={
            "multipartParts": {
                "type": "integer", "minimum": 1, "maximum": 10000, "default": DEFAULT_PARTS,
                "description": "Number of parts N of the multipart upload used to report billed data events.",
            },
        }))


# --------------------------------------------------------------------------------------------
# Quota (stack policy: trails per region)
# --------------------------------------------------------------------------------------------

TRAILS_PER_REGION = 5


def trails_per_region(graph: StackGraph) -> dict[str, list[Node]]:
    """The trails that count against each region's quota: a single-region trail in its region, a
    multi-region (or organization) trail in every region. Key "*" stands for every other region."""
    singles: dict[str, list[Node]] = {}
    multi: list[Node] = []
    for t in graph.trails():
        if t.props.get("isMultiRegionTrail") is True or t.props.get("isOrganizationTrail") is True and \
                t.props.get("isMultiRegionTrail") is not False:
            multi.append(t)
        else:
            singles.setdefault(t.region.label(), []).append(t)
    out = {region: ts + multi for region, ts in singles.items()}
    if multi:
        out["*"] = list(multi)
    return out


def check_trail_quota(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for region, trails in trails_per_region(graph).items():
        if len(trails) <= TRAILS_PER_REGION:
            continue
        where = "every region" if region == "*" else region
        names = ", ".join(t.label() for t in trails[:8]) + (", ..." if len(trails) > 8 else "")
        yield Finding(
            f"{len(trails)} trails count against {where}'s quota of {TRAILS_PER_REGION} trails per region and "
            "account, which cannot be raised (multi-region trails count in every region): the deployment fails at "
            "the sixth. Fix: use EventBridge delivery (S3 notifications, no trail) for these triggers, or one "
            f"shared trail whose selectors list every upload bucket.\nTrails: {names}.", trails[-1].urn)


def trail_quota_policy():
    return stack_policy(
        TRAIL_QUOTA,
        f"At most {TRAILS_PER_REGION} trails per region (multi-region trails count in every region): CloudTrail's "
        "limit, which cannot be raised.",
        EnforcementLevel.ADVISORY, check_trail_quota)
