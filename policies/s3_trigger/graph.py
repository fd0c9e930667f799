"""The stack as a graph: rule -> target -> state machine / role / dead-letter queue, rule -> bucket,
bucket -> trail, bucket -> notification. Links come from known property values (names, ARNs) AND
from property dependencies / dependencies, because in preview ARNs and ids are unknown while the
engine still knows which resource each input came from.

Build it from a pulumi_policy ``StackValidationArgs`` (:meth:`StackGraph.from_stack_args`), from
``ResourceValidationArgs``-like single resources, or from plain records such as the harness's
``GraphResource`` (:meth:`StackGraph.from_records`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

from .patterns import RulePattern, read_event_pattern
from .regions import Region, parse_arn, resolve_region, stack_region
from .selectors import TrailBucketIndex, may_log_bucket
from .values import as_str, get, is_unknown, plain

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
TRAIL = "aws:cloudtrail/trail:Trail"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
SFN_ALIAS = "aws:sfn/alias:Alias"
PROVIDER_PREFIX = "pulumi:providers:"

_MAX_RESOURCES = 200_000


@dataclass(eq=False)
class Node:
    """One resource: plain props (unknowns kept as sentinels), links by URN, resolved region."""
    urn: str
    type: str
    name: str
    props: dict
    parent: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    provider_props: dict | None = None
    region: Region = Region(None, "default")
    pos: int = 0  # position in the graph (set by StackGraph): keeps every answer in stack order

    def get(self, *path: Any, default: Any = None) -> Any:
        return get(self.props, *path, default=default)

    def label(self) -> str:
        short_type = self.type.rsplit(":", 1)[-1] if ":" in self.type else self.type
        return f"{short_type} '{self.name}'"

    def identities(self) -> list[str]:
        """Known strings other resources use to refer to this one (ARN, id, name, URL)."""
        out = []
        for key in ("arn", "id", "name", "bucket", "url", "queueUrl"):
            v = self.props.get(key)
            if isinstance(v, str) and v and not is_unknown(v):
                out.append(v)
        return out


def _urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if isinstance(urn, str) and "::" in urn else str(urn)


_SHARED_LOCK = threading.Lock()
_SHARED: dict[str, Any] = {}


class StackGraph:
    """Index of a stack's resources with the links the policies need.

    Every lookup the policies make per rule / target / trail is answered from an index built once
    (lazily) per graph, so a stack policy costs time linear in the number of resources: bucket
    name -> buckets, bucket name -> trails that may log it (a prefix index of the trails' selector
    ARNs), rule -> targets, (type, property) -> the resources whose property refers to a resource.
    :meth:`for_stack_args` shares one graph between the stack policies of one AnalyzeStack call.
    """

    def __init__(self, nodes: Iterable[Node]):
        self.nodes: list[Node] = list(nodes)[:_MAX_RESOURCES]
        self.by_urn: dict[str, Node] = {n.urn: n for n in self.nodes}
        self.by_type: dict[str, list[Node]] = {}
        self._refs: dict[str, list[Node]] = {}
        for i, n in enumerate(self.nodes):
            n.pos = i
            self.by_type.setdefault(n.type, []).append(n)
            for ident in n.identities():
                self._refs.setdefault(ident, []).append(n)
        self._patterns: dict[str, RulePattern] = {}
        self._targets_by_rule: dict[str, list[Node]] | None = None
        self._s3_rules: list[Node] | None = None
        self._rule_buckets: dict[tuple[str, str | None], list[Node]] = {}
        self._buckets: list[Node] | None = None
        self._buckets_by_name: dict[str, list[Node]] = {}
        self._trails: list[Node] | None = None
        self._trail_index: TrailBucketIndex | None = None
        self._trail_pos: dict[int, int] = {}
        self._referrers: dict[tuple[tuple[str, ...], str, bool], tuple[dict, dict]] = {}

    # ---- construction ---------------------------------------------------------------------
    @classmethod
    def for_stack_args(cls, args: Any, default_region: str | None = None) -> "StackGraph":
        """:meth:`from_stack_args`, shared by the stack policies of one AnalyzeStack call.

        The graph is cached on the identity of ``args.resources`` (the list of PolicyResource
        objects; the cache holds it, so the identity cannot be reused), its length, the identity of
        each item's props, and the stack region. When every stack policy of a call is handed the same
        resources (see :mod:`.servicer`), the graph and its indexes are built once per call;
        otherwise each policy builds its own, which costs the same as before, linear time."""
        region = default_region if default_region is not None else stack_region()
        resources = getattr(args, "resources", None)
        if not isinstance(resources, list):
            return cls.from_stack_args(args, region)
        key = (len(resources), region, tuple(id(getattr(r, "props", None)) for r in resources))
        with _SHARED_LOCK:
            if _SHARED.get("resources") is resources and _SHARED.get("key") == key:
                return _SHARED["graph"]
        graph = cls.from_stack_args(args, region)
        with _SHARED_LOCK:
            _SHARED.clear()
            _SHARED.update(resources=resources, key=key, graph=graph)
        return graph

    @classmethod
    def from_stack_args(cls, args: Any, default_region: str | None = None) -> "StackGraph":
        """From pulumi_policy's StackValidationArgs (props are outputs)."""
        region = default_region if default_region is not None else stack_region()
        nodes = []
        for r in list(getattr(args, "resources", None) or [])[:_MAX_RESOURCES]:
            try:
                urn = str(getattr(r, "urn", "") or "")
                rtype = str(getattr(r, "resource_type", "") or "")
                props = plain(getattr(r, "props", None))
                props = props if isinstance(props, dict) else {}
                parent = getattr(r, "parent", None)
                deps = [getattr(d, "urn", d) for d in (getattr(r, "dependencies", None) or [])]
                pdeps_raw = getattr(r, "property_dependencies", None) or {}
                pdeps = {str(k): [getattr(d, "urn", d) for d in (v or [])] for k, v in pdeps_raw.items()}
                provider = getattr(r, "provider", None)
                pprops = plain(getattr(provider, "props", None)) if provider is not None else None
                nodes.append(Node(urn, rtype, str(getattr(r, "name", "") or _urn_name(urn)), props,
                                  getattr(parent, "urn", parent), [d for d in deps if isinstance(d, str)],
                                  {k: [d for d in v if isinstance(d, str)] for k, v in pdeps.items()},
                                  pprops if isinstance(pprops, dict) else None,
                                  resolve_region(rtype, props, pprops, region)))
            except Exception:  # noqa: BLE001 - a malformed record is skipped, never fatal
                continue
        return cls(nodes)

    @classmethod
    def from_records(cls, records: Iterable[Any], *, use: str = "outputs",
                     default_region: str | None = None) -> "StackGraph":
        """From plain records (dicts or objects) with urn, type, name, inputs/outputs,
        dependencies, property_dependencies, provider_region (the harness's GraphResource)."""
        def attr(r: Any, key: str, default: Any = None) -> Any:
            return r.get(key, default) if isinstance(r, dict) else getattr(r, key, default)

        nodes = []
        for r in records:
            urn = str(attr(r, "urn", "") or "")
            rtype = str(attr(r, "type", "") or "")
            props = plain(attr(r, use) or attr(r, "props") or {})
            props = props if isinstance(props, dict) else {}
            preg = attr(r, "provider_region")
            pprops = {"region": preg} if isinstance(preg, str) else None
            pdeps = attr(r, "property_dependencies") or {}
            nodes.append(Node(urn, rtype, str(attr(r, "name", "") or _urn_name(urn)), props,
                              attr(r, "parent"), list(attr(r, "dependencies") or []),
                              {str(k): list(v or []) for k, v in dict(pdeps).items()}, pprops,
                              resolve_region(rtype, props, pprops, default_region)))
        return cls(nodes)

    # ---- generic links --------------------------------------------------------------------
    def of_type(self, *types: str) -> list[Node]:
        out: list[Node] = []
        for t in types:
            out.extend(self.by_type.get(t, []))
        return out

    def deps(self, node: Node, prop: str | None = None) -> list[Node]:
        """Resources that ``prop`` of ``node`` depends on (property dependencies); with no
        property dependencies recorded at all, every dependency of the resource."""
        if prop is not None and node.property_dependencies:
            urns = node.property_dependencies.get(prop, [])
        else:
            urns = list(node.dependencies)
            for v in node.property_dependencies.values():
                urns.extend(v)
        seen, out = set(), []
        for u in urns:
            n = self.by_urn.get(u)
            if n is not None and u not in seen:
                seen.add(u)
                out.append(n)
        return out

    def refs(self, value: Any, types: Iterable[str]) -> list[Node]:
        """Resources of ``types`` whose ARN / id / name / URL equals the known string ``value``."""
        if not isinstance(value, str) or is_unknown(value):
            return []
        types = tuple(types)
        return [n for n in self._refs.get(value, []) if n.type in types]

    def linked(self, node: Node, prop: str, types: Iterable[str], value: Any = None) -> list[Node]:
        """Resources of ``types`` that ``node.prop`` refers to: by known value, else by property
        dependency."""
        types = tuple(types)
        found = self.refs(value, types)
        if found:
            return found
        return [d for d in self.deps(node, prop) if d.type in types]

    def referrers(self, target: Node, types: Iterable[str], prop: str, *, lists: bool = True) -> list[Node]:
        """Resources of ``types`` whose ``prop`` refers to ``target``: its value is one of the
        target's :meth:`Node.identities` (or, with ``lists``, a list holding one), or the property
        depends on the target (:meth:`deps`). In stack order; indexed once per (types, prop)."""
        types = tuple(types)
        cache_key = (types, prop, lists)
        index = self._referrers.get(cache_key)
        if index is None:
            by_value: dict[str, list[Node]] = {}
            by_dep: dict[str, list[Node]] = {}
            for n in self.of_type(*types):
                value = n.props.get(prop)
                values = [value] if isinstance(value, str) else (
                    [v for v in value if isinstance(v, str)] if lists and isinstance(value, list) else [])
                for v in dict.fromkeys(values):
                    by_value.setdefault(v, []).append(n)
                for d in self.deps(n, prop):
                    by_dep.setdefault(d.urn, []).append(n)
            index = self._referrers[cache_key] = (by_value, by_dep)
        by_value, by_dep = index
        found: dict[int, Node] = {}
        for ident in target.identities():
            for n in by_value.get(ident, ()):
                found[id(n)] = n
        if self.by_urn.get(target.urn) is target:
            for n in by_dep.get(target.urn, ()):
                found[id(n)] = n
        return sorted(found.values(), key=lambda n: (types.index(n.type), n.pos))

    # ---- S3 rules ---------------------------------------------------------------------------
    def pattern(self, rule: Node) -> RulePattern:
        if rule.urn not in self._patterns:
            self._patterns[rule.urn] = read_event_pattern(rule.props.get("eventPattern"))
        return self._patterns[rule.urn]

    @staticmethod
    def bucket_name(bucket: Node) -> str | None:
        return as_str(bucket.props.get("bucket")) or as_str(bucket.props.get("id"))

    def pattern_buckets(self, rule: Node) -> list[Node]:
        """Managed buckets the rule's pattern depends on (property dependencies of eventPattern)."""
        return [d for d in self.deps(rule, "eventPattern") if d.type in BUCKET_TYPES]

    def buckets(self) -> list[Node]:
        """Managed buckets, in :meth:`of_type` order."""
        return list(self._bucket_list())

    def _bucket_list(self) -> list[Node]:
        if self._buckets is None:
            self._buckets = self.of_type(*BUCKET_TYPES)
            for b in self._buckets:
                name = self.bucket_name(b)
                if name:
                    self._buckets_by_name.setdefault(name, []).append(b)
        return self._buckets

    def buckets_named(self, name: str) -> list[Node]:
        """Managed buckets called ``name`` (indexed)."""
        self._bucket_list()
        return list(self._buckets_by_name.get(name, ()))

    def rule_buckets(self, rule: Node, delivery: str | None = None) -> list[Node]:
        """Managed buckets whose events the rule matches: by name against the pattern, plus the
        buckets the pattern is built from (property dependencies)."""
        cache_key = (rule.urn, delivery)
        cached = self._rule_buckets.get(cache_key)
        if cached is not None and self.by_urn.get(rule.urn) is rule:
            return list(cached)
        rp = self.pattern(rule)
        out: list[Node] = []
        if rp.state == "ok" and rp.is_s3:
            buckets = self._bucket_list()
            names = rp.exact_bucket_names(delivery)
            if names is None:  # prefix/wildcard/... or no bucket filter: test every bucket
                candidates = buckets
            else:  # exact names: look them up
                order = {id(b): i for i, b in enumerate(buckets)} if len(names) > 1 else None
                candidates = [b for n in names for b in self._buckets_by_name.get(n, ())]
                if order is not None:
                    candidates = sorted({id(b): b for b in candidates}.values(), key=lambda b: order[id(b)])
            for b in candidates:
                name = self.bucket_name(b)
                if name and rp.matches_bucket(name, delivery):
                    out.append(b)
        for b in self.pattern_buckets(rule):
            if b not in out and (rp.state != "ok" or not self.bucket_name(b)):
                out.append(b)
        if self.by_urn.get(rule.urn) is rule:
            self._rule_buckets[cache_key] = out
        return list(out)

    def s3_rules(self) -> list[Node]:
        """Rules that are S3 rules by their pattern, or whose unknown pattern is built from a bucket."""
        if self._s3_rules is None:
            out = []
            for r in self.of_type(RULE):
                rp = self.pattern(r)
                if (rp.state == "ok" and rp.is_s3) or (rp.state == "unknown" and self.pattern_buckets(r)):
                    out.append(r)
            self._s3_rules = out
        return list(self._s3_rules)

    # ---- trails -------------------------------------------------------------------------------
    def trails(self) -> list[Node]:
        """Trails, in stack order."""
        return list(self._trail_lookup()[0])

    def _trail_lookup(self) -> tuple[list[Node], TrailBucketIndex, dict[int, int]]:
        if self._trails is None or self._trail_index is None:
            self._trails = self.of_type(TRAIL)
            self._trail_index = TrailBucketIndex([t.props for t in self._trails])
            self._trail_pos = {id(t): i for i, t in enumerate(self._trails)}
        return self._trails, self._trail_index, self._trail_pos

    def trails_for_buckets(self, names: Iterable[str]) -> list[Node]:
        """Trails (in stack order) that may log S3 object data events of any of the bucket
        ``names``: :func:`selectors.may_log_bucket`, answered from a prefix index of the trails'
        selector ARNs instead of reading every trail for every bucket."""
        trails, index, _ = self._trail_lookup()
        positions: set[int] = set()
        for name in names:
            positions.update(index.positions(name))
        return [trails[i] for i in sorted(positions)]

    def trail_may_log(self, trail: Node, bucket: str) -> bool:
        """:func:`selectors.may_log_bucket` for a trail of this graph (its selectors compiled once)."""
        _, index, pos = self._trail_lookup()
        i = pos.get(id(trail))
        if i is not None:
            return index.filters[i].may_log(bucket)
        return may_log_bucket(trail.props, bucket)

    def rule_targets(self, rule: Node) -> list[Node]:
        if self._targets_by_rule is None:
            self._targets_by_rule = {}
            for t in self.of_type(TARGET):
                keys = set()
                rv = t.props.get("rule")
                if isinstance(rv, str) and not is_unknown(rv):
                    keys.add("name:" + rv)
                for d in self.deps(t, "rule"):
                    if d.type == RULE:
                        keys.add("urn:" + d.urn)
                for k in keys:
                    self._targets_by_rule.setdefault(k, []).append(t)
        out: list[Node] = []
        keys = ["urn:" + rule.urn] + ["name:" + i for i in (rule.props.get("name"), rule.props.get("id"))
                                     if isinstance(i, str) and not is_unknown(i)]
        for k in keys:
            for t in self._targets_by_rule.get(k, []):
                if t not in out:
                    out.append(t)
        return out

    # ---- targets ----------------------------------------------------------------------------
    def target_state_machine(self, target: Node) -> "TargetLink":
        """What a target points at: its ARN (if known), the managed state machine (if any)."""
        arn = target.props.get("arn")
        nodes = self.linked(target, "arn", (STATE_MACHINE, SFN_ALIAS), arn)
        parsed = parse_arn(arn)
        is_sm = bool(nodes) or bool(parsed and parsed.service == "states")
        return TargetLink(arn if isinstance(arn, str) and not is_unknown(arn) else None,
                          nodes[0] if nodes else None, is_unknown(arn) or arn is None and not nodes,
                          is_sm)

    def state_machine_targets(self, rule: Node) -> list[tuple[Node, "TargetLink"]]:
        out = []
        for t in self.rule_targets(rule):
            link = self.target_state_machine(t)
            if link.is_state_machine:
                out.append((t, link))
        return out


@dataclass
class TargetLink:
    arn: str | None
    node: Node | None
    unknown: bool
    is_state_machine: bool
