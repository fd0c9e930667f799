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


# --------------------------------------------------------------------------------------------
# Evaluation: does a set of statements allow an action on a resource, in a request context?
# --------------------------------------------------------------------------------------------

def resource_matches(pattern: Any, resource: str) -> bool:
    """IAM resource matching: case-sensitive, ``*`` and ``?`` wildcards (also across ``:``)."""
    if not isinstance(pattern, str) or is_unknown(pattern):
        return False
    if pattern == "*":
        return True
    return fnmatch.fnmatchcase(resource, pattern)


def _strings(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


_UNKNOWN_CTX = object()


def _compare(op: str, have: str, want: Any) -> bool | None:
    if not isinstance(want, (str, int, float, bool)) or is_unknown(want):
        return None
    want = str(want).lower() if isinstance(want, bool) else str(want)
    if op in ("StringEquals", "ArnEquals"):
        return have == want
    if op == "StringEqualsIgnoreCase":
        return have.lower() == want.lower()
    if op in ("StringLike", "ArnLike"):
        return fnmatch.fnmatchcase(have, want)
    if op == "Bool":
        return have.lower() == want.lower()
    return None


_NEGATED = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
            "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}
_POSITIVE_OPS = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "Bool")


def condition_holds(condition: Any, context: dict[str, Any]) -> tuple[bool | None, str]:
    """Does the Condition block hold in ``context`` (lower-case keys -> string values; a value may
    be None for "present but unknown")? Returns (verdict, reason); None when it depends on an
    unknown value or an operator this reader does not evaluate. Keys missing from the context
    make positive operators fail (unless ``...IfExists``) and negated ones hold, as in IAM."""
    if condition is None:
        return True, ""
    if not isinstance(condition, dict):
        return None, f"Condition {short(condition, 60)} is not an object"
    undecided = ""
    for raw_op, block in condition.items():
        if not isinstance(raw_op, str) or not isinstance(block, dict):
            return None, f"Condition operator {short(raw_op, 40)} is unreadable"
        op = raw_op.split(":", 1)[1] if raw_op.startswith(("ForAnyValue:", "ForAllValues:")) else raw_op
        if_exists = op.endswith("IfExists")
        op = op[: -len("IfExists")] if if_exists else op
        for key, wanted in block.items():
            k = key.lower() if isinstance(key, str) else key
            present = k in context
            have = context.get(k)
            if op == "Null":
                vals = [str(w).lower() for w in _strings(wanted)]
                ok = ("true" in vals and not present) or ("false" in vals and present)
                if not ok:
                    return False, f"{raw_op} {key} is {'set' if present else 'not set'} when EventBridge assumes the role"
                continue
            negated = op in _NEGATED
            base = _NEGATED.get(op, op)
            if base not in _POSITIVE_OPS:
                undecided = undecided or f"condition operator {raw_op} is not evaluated by this pack"
                continue
            if not present:
                if if_exists or negated:
                    continue
                return False, (f"{raw_op} on {key}: EventBridge does not set {key} when it assumes the role")
            if have is None:
                undecided = undecided or f"{key} is unknown during preview"
                continue
            results = [_compare(base, have, w) for w in _strings(wanted)]
            if any(r is None for r in results):
                undecided = undecided or f"a value of {raw_op} {key} is unknown during preview"
                continue
            hit = any(results)
            if hit == negated:
                return False, (f"{raw_op} {key} {short(wanted, 120)} does not hold for {have!r}")
    if undecided:
        return None, undecided
    return True, ""


def statement_applies(s: Statement, action: str, resource: str | None, context: dict[str, Any]
                      ) -> tuple[bool | None, str]:
    """Does statement ``s`` cover ``action`` on ``resource`` (None: trust policies, no Resource) in
    ``context``? (True/False/None, reason)."""
    if s.actions is not None:
        if any(is_unknown(a) for a in s.actions):
            return None, "an Action is unknown during preview"
        if not any(action_matches(a, action) for a in s.actions):
            return False, f"Statement[{s.index}] does not name {action}"
    elif s.not_actions is not None:
        if any(action_matches(a, action) for a in s.not_actions):
            return False, f"Statement[{s.index}] excludes {action} (NotAction)"
    else:
        return False, f"Statement[{s.index}] has no Action"
    if resource is not None:
        if s.resources is not None:
            if any(is_unknown(r) or contains_unknown(r) for r in s.resources) and not any(
                    resource_matches(r, resource) for r in s.resources):
                return None, "a Resource is unknown during preview"
            if not any(resource_matches(r, resource) for r in s.resources):
                return False, f"Statement[{s.index}] allows {short(s.resources, 120)}, not {resource}"
        elif s.not_resources is not None:
            if any(resource_matches(r, resource) for r in s.not_resources):
                return False, f"Statement[{s.index}] excludes {resource} (NotResource)"
        else:
            return False, f"Statement[{s.index}] has no Resource"
    return condition_holds(s.condition, context)


def evaluate(statements: list[Statement], action: str, resources: list[str] | None,
             context: dict[str, Any]) -> tuple[bool | None, str]:
    """IAM's evaluation over ``statements``: an explicit Deny wins, else some Allow must apply.
    ``resources``: the resource ARNs any one of which authorizes the call (None for trust
    policies). Returns (allowed, reason)."""
    targets: list[str | None] = list(resources) if resources is not None else [None]
    allowed: bool | None = False
    reasons: list[str] = []
    for s in statements:
        if s.effect != "Deny":
            continue
        for res in targets:
            verdict, _ = statement_applies(s, action, res, context)
            if verdict:
                return False, f"Statement[{s.index}] denies {action}" + (f" on {res}" if res else "")
    for s in statements:
        if not s.allows:
            continue
        for res in targets:
            verdict, why = statement_applies(s, action, res, context)
            if verdict:
                return True, ""
            if verdict is None:
                allowed = None
            if why:
                reasons.append(why)
    text = "; ".join(dict.fromkeys(reasons))[:300]
    if allowed is None:
        return None, text or "unknown during preview"
    return False, text or f"no statement allows {action}"


__all__ = ["PolicyDoc", "Statement", "action_matches", "assume_statements", "broader_actions",
           "condition_holds", "condition_values", "contains_unknown", "evaluate", "principal_services",
           "read_policy", "resource_matches", "statement_applies"]
