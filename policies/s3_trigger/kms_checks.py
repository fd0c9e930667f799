"""s3-trigger-kms-key-policy: a customer-managed KMS key that the delivering service may not use.

IAM policies cannot let an AWS service use a KMS key; only the key policy can. Two places lose data silently when it
does not:

* a rule target's **dead-letter queue** encrypted with a key whose policy does not let `events.amazonaws.com`
  `kms:GenerateDataKey` and `kms:Decrypt` (for this rule: `aws:SourceArn`): EventBridge drops every event it could
  not deliver, and only the metric `InvocationsFailedToBeSentToDlq` counts them. An AWS-managed key
  (`alias/aws/sqs`) can never be used by EventBridge: its policy cannot be changed.
* a **trail's** log files: CloudTrail encrypts with the trail's `kmsKeyId`, or, without one, S3 encrypts them with
  the log bucket's default SSE-KMS key on CloudTrail's behalf. Either way the key policy must let
  `cloudtrail.amazonaws.com` `kms:GenerateDataKey*` for this trail (`aws:SourceArn`; with the trail's key, the
  encryption context `kms:EncryptionContext:aws:cloudtrail:arn` names the trail). Otherwise no log file is written
  (a changed key policy stops delivery without an error anyone sees). A trail whose own `kmsKeyId` is set (SSE-KMS)
  also needs `kms:Decrypt` for CloudTrail: the CloudTrail User Guide ("Configure AWS KMS key policies for CloudTrail",
  required key policy elements for trails) lists "Enable CloudTrail log decrypt permissions" and says "kms:Decrypt
  permissions are required to create or update a trail with SSE-KMS encryption enabled".

Only keys in the stack (`aws:kms/key:Key`, directly or through an `aws:kms/alias:Alias`) are judged: a key outside
the stack cannot be read. The key policy is evaluated with the pack's IAM evaluator (:mod:`.iam`) in the request
context each service sends. Unknown in preview: an undecided finding (the advisory s3-trigger-undecided-in-preview),
judged again after the update, like every policy of the pack.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pulumi_policy import EnforcementLevel

from .delivery import DeliveryModel, _condition_accounts
from .framework import Finding, stack_policy, undecided
from .graph import BUCKET_TYPES, QUEUE, RULE, TARGET, TRAIL, Node, StackGraph
from .iam import evaluate, principal_services, read_policy
from .regions import parse_arn
from .values import as_str, get, is_unknown

KMS_KEY_POLICY = "s3-trigger-kms-key-policy"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
SSE_TYPES = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
             "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
EVENTS = "events.amazonaws.com"
CLOUDTRAIL = "cloudtrail.amazonaws.com"


class KeyRef:
    """What a `kmsKeyId`-like property names: a key in the stack, an AWS-managed key, or something outside."""

    def __init__(self, value: Any, key: Node | None = None, aws_managed: bool = False):
        self.value, self.key, self.aws_managed = value, key, aws_managed


def resolve_key(graph: StackGraph, node: Node, prop: str, value: Any) -> KeyRef | None:
    """The key `node.prop` (value `value`) refers to, or None when the property is unset."""
    if value is None or value == "":
        return None
    text = as_str(value)
    if text and (text.startswith("alias/aws/") or ":alias/aws/" in text):
        return KeyRef(value, aws_managed=True)
    found = graph.linked(node, prop, (KEY, ALIAS), value)
    if not found and text:
        a = parse_arn(text)
        key_id = a.resource.split("/", 1)[-1] if a and a.resource.startswith("key/") else text
        found = [k for k in graph.of_type(KEY) if key_id in (as_str(k.props.get("keyId")), as_str(k.props.get("id")))]
    for hit in found:
        if hit.type == KEY:
            return KeyRef(value, hit)
        target = hit.props.get("targetKeyId")
        keys = graph.linked(hit, "targetKeyId", (KEY,), target)
        if not keys and as_str(target):
            keys = [k for k in graph.of_type(KEY) if as_str(target) in (as_str(k.props.get("keyId")),
                                                                         as_str(k.props.get("arn")))]
        if keys:
            return KeyRef(value, keys[0])
    return KeyRef(value)


def key_allows(key: Node, service: str, actions: Iterable[str], contexts: list[dict]) -> tuple[bool | None, str]:
    """Does the key policy of `key` let `service` do every action, in one of the request contexts? A key that is
    disabled lets nobody."""
    if key.props.get("isEnabled") is False:
        return False, f"{key.label()} is disabled (isEnabled: false)"
    policy = key.props.get("policy")
    if policy is None or policy == "":
        # KMS's default key policy: only the account's IAM principals; no service principal.
        return False, f"{key.label()} has no policy, and KMS's default key policy names no AWS service"
    pdoc = read_policy(policy)
    if pdoc.doc.unknown and not isinstance(pdoc.doc.value, dict):
        return None, f"the key policy of {key.label()} is unknown"
    if not pdoc.doc.ok or pdoc.problems:
        return False, f"the key policy of {key.label()} is unusable ({pdoc.doc.error or '; '.join(pdoc.problems)})"
    relevant = []
    for s in pdoc.statements:
        services, others = principal_services(s.principal)
        if s.principal == "*" or service in services or s.not_principal is not None or (s.effect == "Deny" and others):
            relevant.append(s)
    arn = as_str(key.props.get("arn")) or "arn:aws:kms:::key/in-stack"
    undecided, refused = "", []
    for context in contexts:
        verdicts = [(action, *evaluate(relevant, action, [arn], {k.lower(): v for k, v in context.items()}))
                    for action in actions]
        if all(allowed is True for _, allowed, _ in verdicts):
            return True, ""
        undecided = undecided or next((why for _, allowed, why in verdicts if allowed is None), "")
        refused = [f"{action} ({_request(why)})" if why else action
                   for action, allowed, why in verdicts if allowed is False]
    if undecided and not refused:
        return None, undecided
    return False, f"the key policy of {key.label()} does not let {service} " + "; ".join(refused or ["use the key"])


def _unique(nodes: list[Node]) -> list[Node]:
    return list({n.urn: n for n in nodes}.values())


def _request(why: str) -> str:
    """The IAM evaluator speaks of EventBridge assuming a role; here the caller is a service using a key."""
    return why.replace("EventBridge does not set", "the request does not carry").replace(
        " when it assumes the role", "").replace(" when EventBridge assumes the role", "")


def _accounts(model: DeliveryModel, key: Node) -> list[str | None]:
    if model.account:
        return [model.account]
    return _condition_accounts(read_policy(key.props.get("policy")).statements) or [None]


def _verdict(subject: str, urn: str, allowed: bool | None, why: str, fix: str) -> Iterable[Finding]:
    if allowed is True:
        return
    if allowed is None:
        yield undecided(f"{subject}: {why} (build the key policy from values known in preview: the account from the "
                        "caller identity, the rule and trail ARNs from their names)", urn)
        return
    yield Finding(f"{subject}: {why}. Fix: {fix}", urn)


def _dead_letter_findings(graph: StackGraph, model: DeliveryModel) -> Iterable[Finding]:
    for rule in graph.of_type(RULE):
        for target in graph.of_type(TARGET):
            if rule not in graph.linked(target, "rule", (RULE,), target.props.get("rule")):
                continue
            dlc = target.props.get("deadLetterConfig")
            dlq = get(dlc, "arn") if isinstance(dlc, dict) else None
            if dlq in (None, ""):
                continue
            for queue in _unique(graph.linked(target, "deadLetterConfig", (QUEUE,), dlq)):
                ref = resolve_key(graph, queue, "kmsMasterKeyId", queue.props.get("kmsMasterKeyId"))
                if ref is None:
                    continue
                subject = (f"{target.label()} sends undeliverable events to {queue.label()}, encrypted with "
                           f"{ref.key.label() if ref.key else ref.value}; EventBridge silently drops them")
                fix = (f"add a key policy statement allowing {EVENTS} kms:GenerateDataKey and kms:Decrypt with "
                       "ArnEquals aws:SourceArn = the rule's ARN (components.kms.events_dead_letter_statement)")
                if ref.aws_managed:
                    yield Finding(f"{subject}: an AWS-managed key's policy cannot let {EVENTS} use it. Fix: use a "
                                  "customer-managed key with that statement, or SQS-managed SSE "
                                  "(sqsManagedSseEnabled)", queue.urn)
                    continue
                if ref.key is None:
                    continue  # a key outside the stack: its policy cannot be read
                contexts = [{"aws:SourceArn": model.rule_arn(rule, account), "aws:SourceAccount": account,
                             "aws:PrincipalServiceName": EVENTS} for account in _accounts(model, ref.key)]
                contexts = [{k: v for k, v in c.items() if v is not None} for c in contexts]
                allowed, why = key_allows(ref.key, EVENTS, ("kms:GenerateDataKey", "kms:Decrypt"), contexts)
                yield from _verdict(subject, queue.urn, allowed, why, fix)


def _trail_arn(trail: Node, account: str | None) -> str | None:
    arn = as_str(trail.props.get("arn"))
    if arn:
        return arn
    name = as_str(trail.props.get("name"))
    if not name or not account or trail.region.unknown or not trail.region.name:
        return None
    return f"arn:aws:cloudtrail:{trail.region.name}:{account}:trail/{name}"


def _bucket_default_key(graph: StackGraph, bucket: Node) -> tuple[KeyRef | None, Node | None, bool]:
    """(the key of the bucket's default SSE-KMS encryption, the encryption resource, bucket keys on)."""
    for sse in graph.referrers(bucket, SSE_TYPES, "bucket", lists=False):
        for rule in sse.props.get("rules") or []:
            default = get(rule, "applyServerSideEncryptionByDefault") or {}
            if get(default, "sseAlgorithm") in ("aws:kms", "aws:kms:dsse"):
                key_id = get(default, "kmsMasterKeyId")
                if key_id in (None, ""):
                    return KeyRef("aws/s3", aws_managed=True), sse, bool(get(rule, "bucketKeyEnabled"))
                return resolve_key(graph, sse, "rules", key_id), sse, bool(get(rule, "bucketKeyEnabled"))
    return None, None, False


def _trail_findings(graph: StackGraph, model: DeliveryModel) -> Iterable[Finding]:
    for trail in graph.of_type(TRAIL):
        if trail.props.get("enableLogging") is False:
            continue
        fix = (f"add key policy statements allowing {CLOUDTRAIL} kms:GenerateDataKey* with StringEquals "
               "aws:SourceArn = the trail's ARN and StringLike kms:EncryptionContext:aws:cloudtrail:arn = "
               "arn:aws:cloudtrail:*:ACCOUNT:trail/*, and kms:DescribeKey (components.kms.cloudtrail_statements)")
        trail_fix = fix.replace("kms:GenerateDataKey* with", "kms:GenerateDataKey* and kms:Decrypt (required to "
                                "create or update a trail with SSE-KMS, CloudTrail User Guide) with")
        ref = resolve_key(graph, trail, "kmsKeyId", trail.props.get("kmsKeyId"))
        if ref is not None:
            if ref.key is None:
                continue
            contexts = []
            for account in _accounts(model, ref.key):
                arn = _trail_arn(trail, account)
                contexts.append({k: v for k, v in {"aws:SourceArn": arn, "aws:SourceAccount": account,
                                                   "kms:EncryptionContext:aws:cloudtrail:arn": arn}.items()
                                 if v is not None})
            allowed, why = key_allows(ref.key, CLOUDTRAIL, ("kms:GenerateDataKey", "kms:Decrypt"), contexts)
            yield from _verdict(f"{trail.label()} encrypts its log files with {ref.key.label()}; CloudTrail writes "
                                "no log file it cannot encrypt, and creating or updating a trail with SSE-KMS needs "
                                "kms:Decrypt", trail.urn, allowed, why, trail_fix)
            continue
        name = trail.props.get("s3BucketName")
        for bucket in _unique(graph.linked(trail, "s3BucketName", BUCKET_TYPES, name)):
            bref, sse, bucket_keys = _bucket_default_key(graph, bucket)
            if bref is None or bref.key is None or sse is None:
                continue
            bucket_name = as_str(bucket.props.get("bucket")) or "BUCKET"
            bucket_arn = f"arn:aws:s3:::{bucket_name}"
            contexts = []
            for account in _accounts(model, bref.key):
                arn = _trail_arn(trail, account)
                s3_arn = bucket_arn if bucket_keys else f"{bucket_arn}/AWSLogs/{account or 'ACCOUNT'}/CloudTrail/log"
                contexts.append({k: v for k, v in {"aws:SourceArn": arn, "aws:SourceAccount": account,
                                                   "kms:EncryptionContext:aws:s3:arn": s3_arn}.items()
                                 if v is not None})
            allowed, why = key_allows(bref.key, CLOUDTRAIL, ("kms:GenerateDataKey",), contexts)
            yield from _verdict(
                f"{trail.label()} writes into {bucket.label()}, whose default encryption is {bref.key.label()}; S3 "
                "encrypts the log files with it on CloudTrail's behalf, and refuses them when it cannot", sse.urn,
                allowed, why, fix.replace(" and StringLike kms:EncryptionContext:aws:cloudtrail:arn = "
                                          "arn:aws:cloudtrail:*:ACCOUNT:trail/*", "")
                + "; or set the trail's kmsKeyId")


def check_kms_key_policy(graph: StackGraph, config: Mapping[str, Any]) -> Iterable[Finding]:
    if not graph.of_type(KEY) and not any(
            is_unknown(q.props.get("kmsMasterKeyId")) or as_str(q.props.get("kmsMasterKeyId"))
            for q in graph.of_type(QUEUE)):
        return
    model = DeliveryModel.for_graph(graph)
    yield from _dead_letter_findings(graph, model)
    yield from _trail_findings(graph, model)


def kms_key_policy_policy():
    return stack_policy(
        KMS_KEY_POLICY,
        "A rule's dead-letter queue, or a trail's log files, encrypted with a KMS key whose in-stack key policy "
        "does not let the delivering service (events.amazonaws.com, cloudtrail.amazonaws.com) use it: events or "
        "logs are lost silently.",
        EnforcementLevel.MANDATORY, check_kms_key_policy)


__all__ = ["KMS_KEY_POLICY", "check_kms_key_policy", "key_allows", "kms_key_policy_policy", "resolve_key"]
