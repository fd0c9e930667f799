"""Turning pure checks into pulumi_policy policies that never crash and never silently downgrade.

* Props are converted with :func:`values.plain` before any check sees them, so pulumi_policy's
  ``UnknownValueError`` (which would turn a mandatory policy into an advisory "can't run during
  preview" note) cannot be raised by our code. Should it be raised anyway, it is caught here and
  reported at the policy's own level.
* Any other exception inside a check becomes a violation at the policy's level that says the
  resource or stack could not be verified (rather than a gRPC error that fails the whole run).
* A check raises :class:`NotApplicable` to say "not applicable, because ..."; resource checks pass
  it on as pulumi_policy's not-applicable reply.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.proxy import UnknownValueError

from .graph import StackGraph
from .regions import resolve_region, stack_region
from .values import plain

#: Prefix of every message about a value that is unknown during preview.
CANNOT_VERIFY = "cannot verify during preview"

#: Where every undecided verdict ends up: the advisory policy (names.py: UNDECIDED_IN_PREVIEW) reports the findings
#: that the mandatory stack policies marked ``undecided``. A mandatory policy never refuses a stack for what it
#: cannot see, and never passes it silently either (see policies/README.md, "Unknown values").
_STACK_CHECKS: dict[str, "StackCheck"] = {}


class NotApplicable(Exception):
    """Raised by a check: the policy does not apply to this resource/stack (with the reason)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Finding:
    """One violation: the message and, for stack policies, the URN of the offending resource.

    ``undecided``: the verdict depends on a value unknown during preview that nothing the engine gives the pack
    settles; the policy that owns it does not report it, the advisory ``s3-trigger-undecided-in-preview`` does (with
    the unknown input, where it comes from, and that ``pulumi up`` judges it)."""
    message: str
    urn: str | None = None
    undecided: bool = False


def undecided(message: str, urn: str | None = None) -> Finding:
    """A finding that preview cannot settle (an advisory, never a refusal): ``message`` names the unknown input and
    where it comes from; :data:`AT_UPDATE` (appended) says who judges it."""
    return Finding(f"{CANNOT_VERIFY}: {message.rstrip('.')}. {AT_UPDATE}", urn, undecided=True)


#: What every undecided finding ends with.
AT_UPDATE = ("`pulumi up --policy-pack` judges it with the value known (the stack policies run again after the "
             "update); gate with `pulumi preview --policy-pack` first, then `pulumi up`.")


@dataclass
class ResourceInput:
    """What a resource check sees: plain props (inputs), region, config."""
    type: str
    name: str
    urn: str
    props: dict
    provider_props: dict | None
    config: Mapping[str, Any]

    @property
    def region(self):
        return resolve_region(self.type, self.props, self.provider_props, stack_region())


ResourceCheck = Callable[[ResourceInput], Iterable[Finding]]
StackCheck = Callable[[StackGraph, Mapping[str, Any]], Iterable[Finding]]


def _config(args: Any) -> dict:
    try:
        cfg = plain(args.get_config())
        return cfg if isinstance(cfg, dict) else {}
    except Exception:  # noqa: BLE001
        return {}


def _internal_error(name: str, what: str, exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
    return (f"policy {name} failed while checking {what} ({type(exc).__name__}: {exc}{where}); "
            "the resources were NOT verified. Please report this with the resource's properties.")


def _resource_validate(name: str, types: tuple[str, ...], check: ResourceCheck) -> Callable[..., None]:
    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        rtype = getattr(args, "resource_type", "")
        if rtype not in types:
            return
        try:
            props = plain(getattr(args, "props", None))
            provider = getattr(args, "provider", None)
            pprops = plain(getattr(provider, "props", None)) if provider is not None else None
            ri = ResourceInput(rtype, str(getattr(args, "name", "")), str(getattr(args, "urn", "")),
                               props if isinstance(props, dict) else {},
                               pprops if isinstance(pprops, dict) else None, _config(args))
            findings = list(check(ri))
        except NotApplicable as na:
            args.not_applicable(na.reason)
            return
        except UnknownValueError as exc:
            report_violation(f"{CANNOT_VERIFY}: {exc.message}")
            return
        except Exception as exc:  # noqa: BLE001 - never crash the pack
            report_violation(_internal_error(name, f"{rtype} '{getattr(args, 'name', '')}'", exc))
            return
        for f in findings:
            report_violation(f.message)

    return validate


def stack_findings(graph: StackGraph, name: str, check: StackCheck, config: Mapping[str, Any]) -> list[Finding]:
    """``check``'s findings on ``graph``, computed once per graph and policy (the advisory policy reads the
    undecided ones of every mandatory policy from here)."""
    cache = graph.__dict__.setdefault("_stack_findings", {})
    key = (name, repr(sorted(config.items(), key=lambda kv: str(kv[0]))) if isinstance(config, Mapping) else "")
    if key not in cache:
        cache[key] = list(check(graph, config))
    return cache[key]


def _stack_validate(name: str, check: StackCheck, collect: bool = True) -> Callable[..., None]:
    if collect:
        _STACK_CHECKS[name] = check

    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        try:
            graph = StackGraph.for_stack_args(args)
            findings = [f for f in stack_findings(graph, name, check, _config(args)) if not f.undecided]
        except NotApplicable as na:
            args.not_applicable(na.reason)
            return
        except UnknownValueError as exc:
            report_violation(f"{CANNOT_VERIFY}: {exc.message}", None)
            return
        except Exception as exc:  # noqa: BLE001
            report_violation(_internal_error(name, "the stack", exc), None)
            return
        for f in findings:
            report_violation(f.message, f.urn)

    return validate


def undecided_findings(graph: StackGraph) -> list[Finding]:
    """The undecided findings of every stack policy built so far (in the order they were built), each once."""
    out: list[Finding] = []
    seen: set[str] = set()
    for name, check in list(_STACK_CHECKS.items()):
        cached = next((v for (n, _), v in graph.__dict__.get("_stack_findings", {}).items() if n == name), None)
        if cached is None:
            try:
                cached = stack_findings(graph, name, check, {})
            except Exception:  # noqa: BLE001 - that policy reports its own error (or not-applicable) itself
                continue
        for f in cached:
            if f.undecided and f.message not in seen:
                seen.add(f.message)
                out.append(f)
    return out


def resource_policy(name: str, description: str, level: EnforcementLevel, types: Iterable[str],
                    check: ResourceCheck, config_schema: PolicyConfigSchema | None = None
                    ) -> ResourceValidationPolicy:
    """A ResourceValidationPolicy that runs ``check`` on resources of ``types``."""
    return ResourceValidationPolicy(name=name, description=description,
                                    validate=_resource_validate(name, tuple(types), check),
                                    enforcement_level=level, config_schema=config_schema)


def stack_policy(name: str, description: str, level: EnforcementLevel, check: StackCheck,
                 config_schema: PolicyConfigSchema | None = None, *, collect: bool = True) -> StackValidationPolicy:
    """A StackValidationPolicy that runs ``check`` on the stack graph (props are outputs). Its undecided findings
    go to the advisory :func:`undecided_findings` reads (``collect``), never to its own report."""
    return StackValidationPolicy(name=name, description=description, validate=_stack_validate(name, check, collect),
                                 enforcement_level=level, config_schema=config_schema)


class ResourceAndStackPolicy(StackValidationPolicy, ResourceValidationPolicy):
    """One policy (one name, one enforcement level, one config) that the engine runs at both points
    it offers: ``Analyze`` on each resource's inputs, before the resource is created (pulumi_policy
    calls every ``ResourceValidationPolicy``), and ``AnalyzeStack`` on the whole stack, with the
    property dependencies that ``Analyze`` does not carry (it calls every ``StackValidationPolicy``).
    :meth:`validate` dispatches on the kind of args it is given.

    It is built as pulumi_policy allows for a subclass that overrides ``validate`` (its constructors
    require a callback only when the class is not subclassed): through ``ResourceValidationPolicy``'s
    constructor, without callbacks, so it has no remediation. The bases are listed stack first so
    that this constructor's ``super().__init__`` is :class:`pulumi_policy.Policy`'s.
    ``StackValidationPolicy``'s constructor is not called: its positional ``super().__init__`` call
    would not fit ``ResourceValidationPolicy``'s, and it only stores a callback that the overridden
    :meth:`validate` makes unnecessary."""

    def __init__(self, name: str, description: str, level: EnforcementLevel,
                 resource_validate: Callable[..., Any], stack_validate: Callable[..., Any],
                 config_schema: PolicyConfigSchema | None = None) -> None:
        ResourceValidationPolicy.__init__(  # pylint: disable=super-init-not-called
            self, name, description, enforcement_level=level, config_schema=config_schema)
        self._resource_validate = resource_validate
        self._stack_validate = stack_validate

    def validate(self, args: Any, report_violation: Callable[..., None]) -> None:  # type: ignore[override]
        if isinstance(args, StackValidationArgs):
            return self._stack_validate(args, report_violation)
        return self._resource_validate(args, report_violation)


def resource_and_stack_policy(name: str, description: str, level: EnforcementLevel, types: Iterable[str],
                              resource_check: ResourceCheck, stack_check: StackCheck,
                              config_schema: PolicyConfigSchema | None = None) -> ResourceAndStackPolicy:
    """A policy that runs ``resource_check`` on resources of ``types`` (inputs, before creation) and
    ``stack_check`` on the stack graph (outputs and property dependencies). The two must not report
    the same problem twice: the stack check should only decide what the resource check could not."""
    return ResourceAndStackPolicy(name, description, level, _resource_validate(name, tuple(types), resource_check),
                                  _stack_validate(name, stack_check), config_schema)


def config_list(config: Mapping[str, Any], key: str) -> list[str]:
    v = config.get(key) if isinstance(config, Mapping) else None
    return [x for x in v if isinstance(x, str)] if isinstance(v, list) else []


def config_int(config: Mapping[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    v = config.get(key) if isinstance(config, Mapping) else None
    try:
        n = int(v) if v is not None and not isinstance(v, bool) else default
    except (TypeError, ValueError, OverflowError):
        n = default
    return max(lo, min(hi, n))
