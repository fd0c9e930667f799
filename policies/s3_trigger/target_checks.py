"""Policies on state machine targets: s3-trigger-least-privilege-role, s3-trigger-dead-letter-queue."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import IAM_POLICY, DeliveryModel, Machine
from .framework import CANNOT_VERIFY, Finding, stack_policy, undecided
from .graph import (POLICY_ATTACHMENT, QUEUE, QUEUE_POLICY, ROLE, ROLE_POLICY, ROLE_POLICY_ATTACHMENT,
                    STATE_MACHINE, TARGET, Node, StackGraph, TargetLink)
from .names import DEAD_LETTER_QUEUE, LEAST_PRIVILEGE, TARGET_AFTER_PERMISSIONS
from .iam import (action_matches, assume_statements, broader_actions, principal_services, read_policy)
from .values import as_str, contains_unknown, get, is_unknown, short

EVENTS = "events.amazonaws.com"
START = "states:StartExecution"


def _refers_to(graph: StackGraph, node: Node, prop: str, target: Node) -> bool:
    value = node.props.get(prop)
    idents = target.identities()
    if isinstance(value, str) and value in idents:
        return True
    if isinstance(value, list) and any(isinstance(v, str) and v in idents for v in value):
        return True
    return target in graph.deps(node, prop)


def _sm_matches(resource: str, link: TargetLink, machine: Machine | None = None) -> bool:
    """Is ``resource`` the target state machine (its ARN, the alias or version ARN the target
    starts, or ``ARN:*``, which covers only that machine's versions and aliases)?"""
    if machine is not None:
        exact = {a for a in (machine.arn, machine.target_arn) if a}
        if machine.arn:
            exact.add(f"{machine.arn}:*")
        if resource in exact:
            return True
        if machine.name and not machine.arn:
            tail = resource.split(":stateMachine:", 1)[-1] if ":stateMachine:" in resource else None
            return resource.startswith("arn:") and tail in (machine.name, f"{machine.name}:*",
                                                           f"{machine.name}:{machine.qualifier}")
        if exact:
            return False
    if link.arn:
        return resource == link.arn
    if link.node is not None:
        arn = as_str(link.node.props.get("arn"))
        if arn:
            return resource == arn
        name = as_str(link.node.props.get("name"))
        return bool(name) and resource.endswith(f":stateMachine:{name}") and resource.startswith("arn:")
    return False


def _document_findings(graph: StackGraph, owner: Node, prop: str, value: Any, link: TargetLink,
                       what: str, machine: Machine | None = None) -> list[str]:
    pd = read_policy(value)
    if pd.doc.missing:
        return []
    if pd.doc.error or pd.problems:
        return [f"{what} is unusable: {pd.doc.error or '; '.join(pd.problems)}"]
    sms = [d for d in graph.deps(owner, prop) if d.type == STATE_MACHINE]
    # The target's machine: linked by output, or (a literal ARN of an in-stack machine) matched by name and region.
    target_node = link.node or (machine.node if machine is not None else None)
    from_target = target_node is not None and target_node in sms and all(s is target_node for s in sms)
    if pd.doc.unknown and not isinstance(pd.doc.value, dict):
        if from_target:  # computed from the target state machine alone: judged in full after the update
            return [f"{CANNOT_VERIFY}: {what} is unknown (computed from {target_node.label()}, the target), so "
                    f"whether it allows only {START} on it is decided by the update"]
        others = [m for m in sms if m is not target_node]
        if target_node is not None and others and target_node not in sms:
            # Read, as every link of the pack, "computed from machine M" as "names M": a document of the target's
            # role computed from other state machines and not from the target either gives the role more than its
            # own target (refused after the update too, as over-privilege) or misses it. Computed from the target
            # AND others (e.g. a Deny on another machine) stays undecided.
            return [f"{what} is unknown during preview, but its property dependencies show it is computed from "
                    f"{', '.join(m.label() for m in others[:3])}, not only from the target {target_node.label()}: "
                    f"a target role may allow {START} on its own state machine only"]
        return [f"{CANNOT_VERIFY}: {what} is unknown and its property dependencies do not show that it "
                "comes from the target state machine"
                + (f" (it depends on {', '.join(s.label() for s in sms[:3])})" if sms else "")]
    out: list[str] = []
    for s in pd.statements:
        if not s.allows:
            continue
        extra = broader_actions(s.actions, START)
        if extra:
            out.append(f"{what} Statement[{s.index}] allows {', '.join(map(str, extra[:5]))}; the role needs "
                       f"only {START}")
        if s.not_resources is not None:
            out.append(f"{what} Statement[{s.index}] uses NotResource, which grants every other resource")
        for r in s.resources or ([] if s.not_resources is not None else ["<no Resource>"]):
            if is_unknown(r) or contains_unknown(r):
                if not from_target:
                    out.append(f"{CANNOT_VERIFY}: {what} Statement[{s.index}] has a Resource unknown during "
                               "preview that does not come from the target state machine")
            elif isinstance(r, str) and _sm_matches(r, link, machine):
                continue
            elif not isinstance(r, str) or "*" in r or "?" in r:
                out.append(f"{what} Statement[{s.index}] allows Resource {short(r, 80)}: a wildcard; use the "
                           "state machine's ARN")
            elif not _sm_matches(r, link, machine):
                if link.arn is None and link.node is None:
                    continue
                out.append(f"{what} Statement[{s.index}] allows Resource {r}, which is not the target "
                           f"state machine ({link.arn or link.node.label()})")
    return out


def _trust_findings(role: Node, graph: StackGraph | None = None) -> list[str]:
    pd = read_policy(role.props.get("assumeRolePolicy"))
    if pd.doc.unknown and not isinstance(pd.doc.value, dict):
        deps = [d.label() for d in graph.deps(role, "assumeRolePolicy")] if graph is not None else []
        return [f"{CANNOT_VERIFY}: the trust policy (assumeRolePolicy) of {role.label()} is unknown"
                + (f" (computed from {', '.join(deps[:3])})" if deps else " and depends on no resource of this stack")]
    if pd.doc.missing or pd.doc.error or pd.problems:
        return [f"the trust policy of {role.label()} is unusable: "
                f"{pd.doc.error or '; '.join(pd.problems) or 'missing'}"]
    out = []
    for s in assume_statements(pd):
        if s.not_principal is not None:
            out.append(f"the trust policy of {role.label()} uses NotPrincipal: every other principal may "
                       "assume the role")
            continue
        services, others = principal_services(s.principal)
        foreign = [sv for sv in services if sv != EVENTS] + others
        if foreign:
            out.append(f"{role.label()} can be assumed by {', '.join(foreign[:4])}, not only {EVENTS}")
    # Whether EventBridge can assume it at all (principal, conditions) is a delivery question:
    # :mod:`.delivery` answers it, with the trust policy's conditions evaluated.
    return out


def check_least_privilege(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    """Over-privilege of state machine targets' roles (read here), and roles that cannot start
    their state machine at all (trust conditions, missing permission: :mod:`.delivery`)."""
    model = DeliveryModel.for_graph(graph)
    for target in graph.of_type(TARGET):
        link = graph.target_state_machine(target)
        if not link.is_state_machine:
            continue
        role_arn = target.props.get("roleArn")
        roles = graph.linked(target, "roleArn", (ROLE,), role_arn)
        if not roles:
            if role_arn is None or role_arn == "":
                continue  # never starts anything: reported by the delivery model
            elif is_unknown(role_arn):
                yield undecided(f"{target.label()}: its roleArn is unknown during preview and depends on no role of "
                                "this stack", target.urn)
            continue  # a role this stack does not manage cannot be inspected
        role = roles[0]
        problems = _trust_findings(role, graph)
        machine = model.machine_of(target)
        managed = role.props.get("managedPolicyArns")
        if is_unknown(managed) and any(d.type != ROLE and d.type != IAM_POLICY for d in graph.deps(role, "managedPolicyArns")):
            problems.append(f"{role.label()} has managed policies attached (managedPolicyArns)")
        attachments: list[tuple[Node, str, Any]] = [(role, "managedPolicyArns", v) for v in
                                                    (managed if isinstance(managed, list) else [])]
        for att in graph.referrers(role, (ROLE_POLICY_ATTACHMENT,), "role"):
            if _refers_to(graph, att, "role", role):
                attachments.append((att, "policyArn", att.props.get("policyArn")))
        for att in graph.referrers(role, (POLICY_ATTACHMENT,), "roles"):
            if _refers_to(graph, att, "roles", role):
                attachments.append((att, "policyArn", att.props.get("policyArn")))
        for owner, prop, value in attachments:
            pols = graph.linked(owner, prop, (IAM_POLICY,), value)
            if not pols and isinstance(value, str) and ":policy/" in value and ":aws:policy/" not in value:
                name = value.rsplit("/", 1)[-1]
                pols = [p for p in graph.of_type(IAM_POLICY) if as_str(p.props.get("name")) == name]
            if pols:  # a customer-managed policy of this stack: read it like an inline one
                pol = pols[0]
                problems.extend(_document_findings(graph, pol, "policy", pol.props.get("policy"), link,
                                                   f"{pol.label()} (attached to {role.label()})", machine))
                continue
            where = f"{owner.label()} attaches" if owner is not role else f"{role.label()} has managed policy"
            problems.append(f"{where} {short(value, 100)} to {role.label()}: a policy outside this stack, "
                            f"which the pack cannot read; only {START} on the state machine is least privilege")
        inline = role.props.get("inlinePolicies")
        for i, ip in enumerate(inline if isinstance(inline, list) else []):
            if isinstance(ip, dict) and ip.get("policy") not in (None, ""):
                problems.extend(_document_findings(graph, role, "inlinePolicies", ip.get("policy"), link,
                                                   f"inline policy {ip.get('name') or i} of {role.label()}",
                                                   machine))
        granted = False
        for rp in graph.referrers(role, (ROLE_POLICY,), "role"):
            if _refers_to(graph, rp, "role", role):
                granted = True
                problems.extend(_document_findings(graph, rp, "policy", rp.props.get("policy"), link,
                                                   rp.label(), machine))
        if not granted and not (isinstance(inline, list) and inline):
            pass  # no permissions at all: the target fails, but that is not over-privilege
        for p in problems:
            if p.startswith(CANNOT_VERIFY):
                yield undecided(f"{target.label()} (state machine target): {p[len(CANNOT_VERIFY) + 2:]}", target.urn)
                continue
            yield Finding(f"{target.label()} (state machine target): {p}. Fix: allow only {START} on the "
                          f"state machine, trusted by {EVENTS} alone.", target.urn)
    for f in model.by_policy(LEAST_PRIVILEGE):
        yield Finding(f.message, f.urn, f.undecided)


# --------------------------------------------------------------------------------------------
# Dead-letter queue and retry policy (advisory)
# --------------------------------------------------------------------------------------------

def _queue_policy_ok(graph: StackGraph, queue: Node) -> str | None:
    policies = [qp for qp in graph.referrers(queue, (QUEUE_POLICY,), "queueUrl")
                if _refers_to(graph, qp, "queueUrl", queue)]
    if not policies:
        return (f"{queue.label()} has no queue policy letting {EVENTS} sqs:SendMessage, so failed events "
                "cannot be delivered to it")
    for qp in policies:
        pd = read_policy(qp.props.get("policy"))
        if pd.doc.unknown:
            return None
        for s in pd.statements:
            services, _ = principal_services(s.principal)
            if s.allows and EVENTS in services and any(action_matches(a, "sqs:SendMessage")
                                                       for a in (s.actions or [])):
                return None
    return f"the queue policy of {queue.label()} does not let {EVENTS} sqs:SendMessage"


def check_dead_letter_queue(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    for target in graph.of_type(TARGET):
        if not graph.target_state_machine(target).is_state_machine:
            continue
        problems = []
        dlc = target.props.get("deadLetterConfig")
        dlq = get(dlc, "arn") if isinstance(dlc, dict) else dlc
        if dlq is None or dlq == "" or (isinstance(dlc, list) and not dlc):
            problems.append("no dead-letter queue (deadLetterConfig.arn): events that cannot be delivered "
                            "after the retries are dropped without a trace")
        else:
            queues = graph.linked(target, "deadLetterConfig", (QUEUE,), dlq)
            if queues:
                msg = _queue_policy_ok(graph, queues[0])
                if msg:
                    problems.append(msg)
        rp = target.props.get("retryPolicy")
        if rp is None or (isinstance(rp, dict) and not rp):
            problems.append("no retryPolicy: the defaults (185 attempts over 24 hours) apply silently; "
                            "set maximumRetryAttempts and maximumEventAgeInSeconds deliberately")
        elif isinstance(rp, dict):
            att, age = rp.get("maximumRetryAttempts"), rp.get("maximumEventAgeInSeconds")
            if isinstance(att, (int, float)) and not isinstance(att, bool) and not 0 <= att <= 185:
                problems.append(f"retryPolicy.maximumRetryAttempts {att} is outside 0-185")
            if isinstance(age, (int, float)) and not isinstance(age, bool) and not 60 <= age <= 86400:
                problems.append(f"retryPolicy.maximumEventAgeInSeconds {age} is outside 60-86400")
        for p in problems:
            yield Finding(f"{target.label()} (state machine target): {p}", target.urn)


def least_privilege_policy():
    from .framework import resource_and_stack_policy  # noqa: PLC0415
    return resource_and_stack_policy(
        LEAST_PRIVILEGE,
        f"The role of a state machine target may allow only {START} on that state machine and be "
        f"assumable only by {EVENTS}; a trust or permission document that cannot work is refused before it is "
        "created.",
        EnforcementLevel.MANDATORY, (ROLE, ROLE_POLICY, IAM_POLICY), lambda res: check_least_privilege_resource(res),
        check_least_privilege)


def dead_letter_queue_policy():
    return stack_policy(
        DEAD_LETTER_QUEUE,
        "A state machine target should have a dead-letter queue (that EventBridge may write to) and a "
        "deliberate retry policy.",
        EnforcementLevel.ADVISORY, check_dead_letter_queue)


# --------------------------------------------------------------------------------------------
# Order: the target goes live after the permissions it needs (advisory)
# --------------------------------------------------------------------------------------------

def _ancestors(graph: StackGraph, node: Node) -> set[str]:
    """URNs the engine creates before ``node``: its dependencies and property dependencies, transitively; a
    component resource among them stands for its children (depending on a component waits for them)."""
    children: dict[str, list[Node]] = graph.__dict__.get("_children_index")  # type: ignore[assignment]
    if children is None:
        children = {}
        for n in graph.nodes:
            if isinstance(n.parent, str):
                children.setdefault(n.parent, []).append(n)
        graph.__dict__["_children_index"] = children
    seen: set[str] = set()
    todo = list(node.dependencies) + [u for v in node.property_dependencies.values() for u in v]
    while todo:
        u = todo.pop()
        if u in seen:
            continue
        seen.add(u)
        n = graph.by_urn.get(u)
        if n is None:
            continue
        todo.extend(n.dependencies)
        todo.extend(x for v in n.property_dependencies.values() for x in v)
        todo.extend(c.urn for c in children.get(u, []))
    return seen


def check_target_after_permissions(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    """A state machine target that the engine may create before its role's permission (RolePolicy, attachment)
    or its dead-letter queue's QueuePolicy exists. EventBridge sends an event that fails on a permission error
    to the dead-letter queue without retrying (EventBridge User Guide, "Using dead-letter queues to process
    undelivered events"); if the queue policy is not in place yet either, the event is lost. Read from the
    dependencies the engine reports (known in preview)."""
    for target in graph.of_type(TARGET):
        if not graph.target_state_machine(target).is_state_machine:
            continue
        before = _ancestors(graph, target)
        missing: list[Node] = []
        for role in graph.linked(target, "roleArn", (ROLE,), target.props.get("roleArn"))[:1]:
            missing += [p for p in graph.referrers(role, (ROLE_POLICY,), "role") if _refers_to(graph, p, "role", role)]
            missing += [a for a in graph.referrers(role, (ROLE_POLICY_ATTACHMENT,), "role")
                        if _refers_to(graph, a, "role", role)]
            missing += [a for a in graph.referrers(role, (POLICY_ATTACHMENT,), "roles")
                        if _refers_to(graph, a, "roles", role)]
        dlc = target.props.get("deadLetterConfig")
        dlq = get(dlc, "arn") if isinstance(dlc, dict) else dlc
        if dlq not in (None, ""):
            for queue in graph.linked(target, "deadLetterConfig", (QUEUE,), dlq)[:1]:
                missing += [qp for qp in graph.referrers(queue, (QUEUE_POLICY,), "queueUrl")
                            if _refers_to(graph, qp, "queueUrl", queue)]
        late = [p for p in dict.fromkeys(missing) if p.urn not in before]
        if late:
            names = ", ".join(p.label() for p in late[:4])
            yield Finding(f"{target.label()} does not depend on {names}: the engine may create the target first, and "
                          "EventBridge sends an event that fails on a permission error straight to the dead-letter "
                          "queue without retrying (lost if the queue policy is missing too). Fix: "
                          f"depends_on=[{names}] on the target.", target.urn)


def target_after_permissions_policy():
    return stack_policy(
        TARGET_AFTER_PERMISSIONS,
        "A state machine target should depend on its role's permissions and its dead-letter queue's policy, so "
        "it never goes live before EventBridge may use them.",
        EnforcementLevel.ADVISORY, check_target_after_permissions)


# --------------------------------------------------------------------------------------------
# Least privilege, resource half: what one document decides before the engine creates it
# --------------------------------------------------------------------------------------------

_DOC_PROPS = {"aws:iam/rolePolicy:RolePolicy": "policy", IAM_POLICY: "policy"}


def _near(value: Any, expected: str) -> bool:
    from .patterns import near_miss  # noqa: PLC0415
    return isinstance(value, str) and value.lower() != expected.lower() and near_miss(value, expected)


def document_findings(doc: Any, what: str) -> list[str]:
    """Faults one permission document decides alone (pure): a misspelt ``states:StartExecution`` (IAM accepts
    unknown actions and grants nothing for them), and an Allow of StartExecution that the same document's own Deny
    removes (Deny always wins: the document grants nothing it seems to)."""
    pd = read_policy(doc)
    if not pd.doc.ok:
        return []
    out: list[str] = []
    for s in pd.statements:
        for a in s.actions or []:
            if _near(a, START):
                out.append(f"{what} Statement[{s.index}] {'allows' if s.allows else 'denies'} {a!r}, which is no IAM "
                           f"action (did you mean {START}?): it grants nothing")
    for s in pd.statements:
        if not s.allows or not any(action_matches(a, START) for a in s.actions or []):
            continue
        for r in s.resources or []:
            if not isinstance(r, str) or is_unknown(r) or contains_unknown(r) or "*" in r:
                continue
            from .iam import evaluate  # noqa: PLC0415
            allowed, _ = evaluate(pd.statements, START, [r], {})
            if allowed is False:
                out.append(f"{what} Statement[{s.index}] allows {START} on {r}, and a Deny of the same document "
                           "removes it: it grants nothing")
    return out


def trust_document_findings(doc: Any, what: str) -> list[str]:
    """Faults one trust policy decides alone (pure): a service principal that is a near miss of
    events.amazonaws.com (nobody can assume the role for EventBridge), and, for a statement trusting
    events.amazonaws.com, an ``aws:SourceArn`` that is no EventBridge rule ARN (EventBridge sends the rule's ARN, so
    the statement never applies)."""
    pd = read_policy(doc)
    if not pd.doc.ok:
        return []
    out: list[str] = []
    for s in assume_statements(pd):
        services, _ = principal_services(s.principal)
        for sv in services:
            label, _, domain = sv.partition(".") if isinstance(sv, str) else ("", "", "")
            if (label == "events" and domain != "amazonaws.com" and _near(domain, "amazonaws.com")) or (
                    domain == "amazonaws.com" and _near(label, "events")):
                out.append(f"{what} trusts the service {sv!r}, which does not exist (did you mean {EVENTS}?): "
                           "EventBridge can never assume the role")
        if EVENTS not in services or not s.allows:
            continue
        from .iam import condition_values  # noqa: PLC0415
        for v in condition_values(s.condition, "aws:SourceArn"):
            if not isinstance(v, str) or is_unknown(v) or contains_unknown(v):
                continue
            head = v.split(":", 6)
            if v.startswith("arn:") and len(head) >= 6 and head[2] not in ("events", "*") and "*" not in head[2]:
                out.append(f"{what} lets {EVENTS} assume the role only with aws:SourceArn {v}, which is no "
                           "EventBridge rule ARN (EventBridge sends the rule's ARN): EventBridge can never assume it")
    return out


def check_least_privilege_resource(res) -> Iterable[Finding]:
    """Resource half of s3-trigger-least-privilege-role, on one resource's inputs before it is created."""
    from .framework import NotApplicable  # noqa: PLC0415
    problems: list[str] = []
    if res.type == ROLE:
        trust = res.props.get("assumeRolePolicy")
        if read_policy(trust).doc.unknown:
            raise NotApplicable("assumeRolePolicy is unknown during preview; the engine runs this policy again with "
                                "the resolved document before it creates the role")
        problems += trust_document_findings(trust, "the trust policy")
        inline = res.props.get("inlinePolicies")
        for i, ip in enumerate(inline if isinstance(inline, list) else []):
            if isinstance(ip, dict):
                problems += document_findings(ip.get("policy"), f"inline policy {ip.get('name') or i}")
    else:
        doc = res.props.get(_DOC_PROPS[res.type])
        if read_policy(doc).doc.unknown:
            raise NotApplicable("the policy document is unknown during preview; the engine runs this policy again "
                                "with the resolved document before it creates the resource")
        problems += document_findings(doc, "the policy")
    return [Finding(f"{p}. Fix: allow {START} on the state machine's ARN, trusted by {EVENTS}.") for p in problems]
