"""Reading IAM policy documents (role trust and permission policies, queue policies). Pure; never raise."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from .values import JsonDoc, contains_unknown, is_unknown, read_json, short


@dataclass
class Statement:
    effect: str
    actions: list[Any] | None = None          # None: the statement uses NotAction
    not_actions: list[Any] | None = None
    resources: list[Any] | None = None
    not_resources: list[Any] | None = None
    principal: Any = None                       # raw Principal ("*" or {"Service": ...})
    not_principal: Any = None
    condition: Any = None
    index: int = 0

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


def _as_list(v: Any) -> list[Any] | None:
    if v is None:
        return None
    return v if isinstance(v, list) else [v]


@dataclass
class PolicyDoc:
    doc: JsonDoc
    statements: list[Statement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_policy(value: Any) -> PolicyDoc:
    """Parse a policy document property (JSON string or object)."""
    doc = read_json(value)
    out = PolicyDoc(doc)
    if not isinstance(doc.value, dict):
        if doc.ok:
            out.problems.append(f"the policy document is {short(doc.value, 60)}, not a JSON object")
        return out
    stmts = doc.value.get("Statement")
    if isinstance(stmts, dict):
        stmts = [stmts]
    if not isinstance(stmts, list):
        if not is_unknown(stmts):
            out.problems.append("the policy document has no Statement list")
        return out
    for i, s in enumerate(stmts[:500]):
        if not isinstance(s, dict):
            out.problems.append(f"Statement[{i}] is not an object")
            continue
        effect = s.get("Effect")
        out.statements.append(Statement(
            effect=effect if isinstance(effect, str) else ("Allow" if effect is None else str(effect)),
            actions=_as_list(s.get("Action")), not_actions=_as_list(s.get("NotAction")),
            resources=_as_list(s.get("Resource")), not_resources=_as_list(s.get("NotResource")),
            principal=s.get("Principal"), not_principal=s.get("NotPrincipal"),
            condition=s.get("Condition"), index=i))
    return out


def action_matches(pattern: Any, action: str) -> bool:
    """IAM action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())


def broader_actions(actions: list[Any] | None, allowed: str) -> list[str]:
    """Entries of an Action list that grant anything other than exactly ``allowed``."""
    if actions is None:
        return ["NotAction (grants everything not listed)"]
    out = []
    for a in actions:
        if is_unknown(a):
            out.append("<unknown action>")
        elif not isinstance(a, str) or a.lower() != allowed.lower():
            out.append(a if isinstance(a, str) else short(a, 40))
    return out


def principal_services(principal: Any) -> tuple[list[str], list[str]]:
    """(service principals, every other principal as text) of a Principal element."""
    services: list[str] = []
    others: list[str] = []
    if principal is None:
        return services, others
    if principal == "*" or is_unknown(principal):
        return services, [short(principal, 40)]
    if not isinstance(principal, dict):
        return services, [short(principal, 60)]
    for kind, value in principal.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if kind == "Service" and isinstance(v, str) and not is_unknown(v):
                services.append(v)
            else:
                others.append(f"{kind}: {short(v, 60)}")
    return services, others


def assume_statements(pdoc: PolicyDoc) -> list[Statement]:
    """Allow statements of a trust policy that grant sts:AssumeRole (or any sts action)."""
    out = []
    for s in pdoc.statements:
        if not s.allows:
            continue
        acts = s.actions or []
        if s.actions is None or any(action_matches(a, "sts:AssumeRole") or action_matches(a, "sts:TagSession")
                                    or is_unknown(a) for a in acts):
            out.append(s)
    return out


def condition_values(condition: Any, key: str) -> list[Any]:
    """Every value given for condition key ``key`` (any operator, case-insensitive key)."""
    out: list[Any] = []
    if not isinstance(condition, dict):
        return out
    for _op, block in condition.items():
        if not isinstance(block, dict):
            continue
        for k, v in block.items():
            if isinstance(k, str) and k.lower() == key.lower():
                out.extend(v if isinstance(v, list) else [v])
    return out


__all__ = ["PolicyDoc", "Statement", "action_matches", "assume_statements", "broader_actions",
           "condition_values", "contains_unknown", "principal_services", "read_policy"]
