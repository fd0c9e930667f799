"""s3-trigger-same-region: bucket, trail, rule, target state machine and DLQ share one region."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import DeliveryModel
from .framework import Finding, stack_policy, undecided
from .graph import QUEUE, Node, StackGraph
from .names import SAME_REGION
from .regions import Region, parse_arn
from .values import get, is_unknown


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
    """Uploads lost between regions (bucket vs trail vs rule vs target: decided by :mod:`.delivery`),
    and dead-letter queues in another region than the rule."""
    for f in DeliveryModel.for_graph(graph).by_policy(SAME_REGION):
        yield Finding(f.message, f.urn, f.undecided)
    for rule in graph.s3_rules():
        r_region = rule.region
        if r_region.unknown:
            yield undecided(f"{rule.label()}: its region is unknown during preview", rule.urn)
            continue
        for target in graph.rule_targets(rule):
            arn = target.props.get("arn")
            if is_unknown(arn) and not graph.deps(target, "arn"):
                yield undecided(f"{rule.label()}: the arn of {target.label()} is unknown during preview and depends "
                                "on no resource of this stack, so its region cannot be compared (pass the state machine "
                                "resource's .arn, or a literal ARN, so the pack can follow it)", rule.urn)
            dlq = get(target.props, "deadLetterConfig", "arn")
            if dlq is None and not is_unknown(target.props.get("deadLetterConfig")):
                continue
            region, what, unknown = _arn_or_node_region(graph, target, "deadLetterConfig", dlq, (QUEUE,),
                                                        "the dead-letter queue")
            if unknown:
                yield undecided(f"{rule.label()}: {unknown}, so the dead-letter queue's region cannot be compared",
                                rule.urn)
            elif region is not None and _differs(region, r_region):
                yield Finding(f"{rule.label()} is in {r_region.label()} but {what} is in {region.label()}: "
                              "events that cannot be delivered are lost instead of kept. Fix: create the "
                              f"queue in {r_region.label()}.", rule.urn)


def same_region_policy():
    return stack_policy(
        SAME_REGION,
        "The S3 bucket, the trail that feeds the rule, the rule, its target state machine and its "
        "dead-letter queue must be in one region.",
        EnforcementLevel.MANDATORY, check_same_region)
