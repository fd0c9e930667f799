"""s3-trigger-same-region: bucket, trail, rule, target state machine and DLQ share one region."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .framework import CANNOT_VERIFY, Finding, stack_policy
from .graph import QUEUE, STATE_MACHINE, Node, StackGraph
from .regions import Region, parse_arn
from .selectors import explain_trail_event
from .values import as_bool, get, is_unknown

SAME_REGION = "s3-trigger-same-region"


def _differs(a: Region, b: Region) -> bool:
    """Known to differ. Two unresolved defaults are the same region; an unresolved default against a
    named region cannot be compared by the pack (pass the stack config so aws:region is known)."""
    if a.unknown or b.unknown:
        return False
    if a.name is None or b.name is None:
        return False
    return a.name != b.name


def _arn_or_node_region(graph: StackGraph, owner: Node, prop: str, value: Any, types: tuple[str, ...],
                        what: str) -> tuple[Region | None, str, str | None]:
    """(region, description, cannot-verify reason) of something referenced by ARN."""
    arn = parse_arn(value)
    if arn is not None and arn.region:
        return Region(arn.region, "ARN"), f"{what} {value}", None
    nodes = graph.linked(owner, prop, types, value)
    if not nodes and is_unknown(value):
        nodes = [d for d in graph.deps(owner, prop) if not d.type.startswith("pulumi:providers:")]
    if nodes:
        n = nodes[0]
        return n.region, f"{what} {n.label()}", (f"{n.label()}'s region is unknown" if n.region.unknown else None)
    if value is None:
        return None, "", None
    if is_unknown(value):
        return None, "", (f"{owner.label()}'s {prop} is unknown and does not depend on any resource in this "
                          "stack")
    return None, "", None


def check_same_region(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for rule in graph.s3_rules():
        rp = graph.pattern(rule)
        r_region = rule.region
        if r_region.unknown:
            yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: its region is unknown", rule.urn)
            continue
        here = r_region.label()

        def mismatch(what: str, region: Region) -> Finding:
            return Finding(f"{rule.label()} is in {here} but {what} is in {region.label()}: S3, CloudTrail, "
                           "the rule, its target state machine and its dead-letter queue must share one "
                           "region (CloudTrail-delivered events reach only rules in the region of the API "
                           "call).", rule.urn)

        buckets = graph.rule_buckets(rule)
        for b in buckets:
            if b.region.unknown:
                yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: the region of {b.label()} is unknown", rule.urn)
            elif _differs(b.region, r_region):
                yield mismatch(f"its bucket {b.label()}", b.region)

        # Trails that select the rule's buckets: a single-region trail elsewhere never sees the uploads.
        if rp.state == "ok" and rp.cloudtrail_based:
            names = [graph.bucket_name(b) for b in buckets if graph.bucket_name(b)]
            names += [s.value for s in rp.bucket_samples("cloudtrail")[:10] if s.value not in names]
            keys = rp.key_samples("cloudtrail")[:5]
            events = rp.upload_names() or rp.event_names()[:3]
            # Only the trails that may log one of the names (from the graph's index); for any
            # other trail ``feeds`` would be False.
            for t in graph.trails_for_buckets(names):
                feeds = any(explain_trail_event(t.props, n, k.value, e, False).logged
                            for n in names if graph.trail_may_log(t, n) for k in keys for e in events)
                if not feeds:
                    continue
                multi = t.props.get("isMultiRegionTrail")
                if is_unknown(multi):
                    yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: isMultiRegionTrail of {t.label()} is unknown",
                                  rule.urn)
                    continue
                if as_bool(multi, False):
                    continue
                if t.region.unknown:
                    yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: the region of {t.label()} is unknown", rule.urn)
                elif _differs(t.region, r_region):
                    yield mismatch(f"the single-region trail {t.label()} that logs its bucket", t.region)

        for target in graph.rule_targets(rule):
            region, what, unknown = _arn_or_node_region(graph, target, "arn", target.props.get("arn"),
                                                        (STATE_MACHINE,), "the target")
            if unknown:
                yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: {unknown}; link the target to the state "
                              "machine resource (pass its .arn output) so the pack can follow it.", rule.urn)
            elif region is not None and _differs(region, r_region):
                yield mismatch(what, region)
            dlq = get(target.props, "deadLetterConfig", "arn")
            if dlq is None and not is_unknown(target.props.get("deadLetterConfig")):
                continue
            region, what, unknown = _arn_or_node_region(graph, target, "deadLetterConfig", dlq, (QUEUE,),
                                                        "the dead-letter queue")
            if unknown:
                yield Finding(f"{rule.label()}: {CANNOT_VERIFY}: {unknown}", rule.urn)
            elif region is not None and _differs(region, r_region):
                yield mismatch(what, region)


def same_region_policy():
    return stack_policy(
        SAME_REGION,
        "The S3 bucket, the trail that feeds the rule, the rule, its target state machine and its "
        "dead-letter queue must be in one region.",
        EnforcementLevel.MANDATORY, check_same_region)
