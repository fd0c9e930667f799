"""s3-trigger-undecided-in-preview: what preview cannot decide, said out loud (advisory).

Every mandatory stack policy decides what the engine's preview gives it: known inputs, property dependencies,
parents, auto-names and the shape of in-stack ARNs. What still depends on a value unknown until the update (a pattern
or a policy document computed from an ARN output, a value that depends on nothing in the stack) is neither passed
silently nor refused: the policy files it as *undecided*, and this advisory policy reports it, naming the unknown
input, where it comes from, and that ``pulumi up --policy-pack`` judges it (the stack policies run again after the
update with every value known). See policies/README.md, "Unknown values".
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .framework import Finding, stack_policy, undecided_findings
from .graph import StackGraph
from .names import UNDECIDED_IN_PREVIEW


def check_undecided(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for f in undecided_findings(graph):
        yield Finding(f.message, f.urn)


def undecided_policy():
    return stack_policy(
        UNDECIDED_IN_PREVIEW,
        "What the other policies cannot decide in preview (a value unknown until the update that nothing in the "
        "stack settles): the unknown input, where it comes from, and that `pulumi up --policy-pack` judges it.",
        EnforcementLevel.ADVISORY, check_undecided, collect=False)
