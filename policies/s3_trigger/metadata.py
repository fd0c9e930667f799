"""Severity, remediation steps and documentation URL of every policy, in one table.

pulumi-policy (1.18 and later) sends these with each policy in ``GetAnalyzerInfo``; the Pulumi CLI and Pulumi Cloud
show them next to each violation. :func:`apply` sets them on the policies where the pack's list is built
(``all_policies``), so the check modules stay as they are. Each URL points at the policy's section of
``policies/README.md`` ("Remediation", one heading per policy, whose text is these steps: the tests hold the two
together) in the tree of this release (``about.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, TypeVar

from pulumi_policy import Policy, Severity

from .about import release
from .kms_checks import KMS_KEY_POLICY
from .names import (COPY_OBJECT, DEAD_LETTER_QUEUE, EVENTBRIDGE_ENABLED, LEAST_PRIVILEGE, NO_FEEDBACK_LOOP,
                    OBJECT_CREATED_EVENTS, SAME_REGION, TARGET_AFTER_PERMISSIONS, TRAIL_COST, TRAIL_LOGS_BUCKET,
                    TRAIL_QUOTA, UNDECIDED_IN_PREVIEW)

#: The README the URLs point into, relative to the repository's root.
README = "policies/README.md"


@dataclass(frozen=True)
class Metadata:
    severity: Severity
    remediation_steps: str

    @staticmethod
    def anchor(name: str) -> str:
        """The README section of policy ``name``: a heading that is the policy's name (GitHub's anchor for
        ``### s3-trigger-same-region`` is ``#s3-trigger-same-region``)."""
        return name


#: One row per policy. Severity: CRITICAL where the fault costs money without bound, HIGH where uploads are lost
#: silently, MEDIUM where some are lost or the next deployment fails, LOW for a narrower gap.
TABLE: dict[str, Metadata] = {
    SAME_REGION: Metadata(Severity.HIGH, (
        "Put the bucket, the trail (or a multi-region trail), the EventBridge rule, the target state machine and the "
        "dead-letter queue in one region: give them the same `region` argument or the same provider. CloudTrail and "
        "S3 deliver events only to rules in the bucket's region, and a rule starts state machines of its own region "
        "only.")),
    OBJECT_CREATED_EVENTS: Metadata(Severity.HIGH, (
        "Match every object-creating operation of the bucket on an enabled rule of the default bus: in CloudTrail "
        "mode `detail.eventName` PutObject, CompleteMultipartUpload and CopyObject (and PostObject); with EventBridge "
        "notifications `detail-type` \"Object Created\". Spell `source`, `detail-type`, `eventSource` and the bucket "
        "name exactly, keep every leaf an array, and never match parts, reads or deletes.")),
    COPY_OBJECT: Metadata(Severity.LOW, (
        "Add `CopyObject` to the rule's `detail.eventName` (CloudTrail) or `detail.reason` (EventBridge "
        "notifications), or set this policy to `disabled` if server-side copies into the bucket must not start the "
        "workflow.")),
    TRAIL_LOGS_BUCKET: Metadata(Severity.HIGH, (
        "Log the bucket's write data events in a trail of the bucket's region: advanced event selectors with "
        "`eventCategory` = Data, `resources.type` = AWS::S3::Object, `resources.ARN` starting with "
        "`arn:aws:s3:::BUCKET/`, `readOnly` = false and the rule's event names, and logging on. If a trail outside "
        "the stack logs it, list the bucket in the policy's `bucketsLoggedElsewhere` config.")),
    EVENTBRIDGE_ENABLED: Metadata(Severity.HIGH, (
        "Add an `aws.s3.BucketNotification` with `eventbridge=True` for the bucket (one per bucket: it replaces the "
        "bucket's whole notification configuration, so merge any other notifications into it), or use the CloudTrail "
        "path with a trail that logs the bucket.")),
    NO_FEEDBACK_LOOP: Metadata(Severity.CRITICAL, (
        "Write the trail's log files to a bucket that no trail logs data events for: a log bucket of its own, "
        "excluded from every trail's selectors (a `resources.ARN` selector naming only the upload bucket). Break "
        "chains of trails that log each other's log buckets.")),
    LEAST_PRIVILEGE: Metadata(Severity.HIGH, (
        "Give the target a role whose trust policy lets `events.amazonaws.com` assume it, with `aws:SourceAccount` "
        "and `aws:SourceArn` = the rule, and whose only permission is `states:StartExecution` on the target state "
        "machine (its ARN, or `ARN:*` for aliases and versions), with no Deny that blocks it.")),
    DEAD_LETTER_QUEUE: Metadata(Severity.MEDIUM, (
        "Give the target a `dead_letter_config` with an SQS queue whose queue policy lets `events.amazonaws.com` "
        "`sqs:SendMessage` with `aws:SourceArn` = the rule, and a `retry_policy` within range (0-185 attempts, "
        "60-86400 seconds).")),
    TRAIL_COST: Metadata(Severity.MEDIUM, (
        "Use advanced event selectors that log only the rule's event names (`eventName` Equals PutObject, "
        "CompleteMultipartUpload, CopyObject), `readOnly` = false, on the bucket's ARN prefix, and turn management "
        "events off on the trigger trail: one billed event per object instead of one per part.")),
    TRAIL_QUOTA: Metadata(Severity.MEDIUM, (
        "Keep at most 5 trails per region, counting multi-region and organization trails: use EventBridge "
        "notifications (no trail), or one shared trail whose selectors list every upload bucket.")),
    KMS_KEY_POLICY: Metadata(Severity.HIGH, (
        "Let each service use the customer-managed key in its key policy: `events.amazonaws.com` `kms:GenerateDataKey` "
        "and `kms:Decrypt` with `aws:SourceArn` = the rule, for a dead-letter queue; `cloudtrail.amazonaws.com` "
        "`kms:GenerateDataKey*`, `kms:DescribeKey` and `kms:Decrypt` with the trail's `aws:SourceArn`, for log files "
        "(Decrypt is required to create or update a trail with SSE-KMS). Keep the key enabled; a dead-letter queue "
        "cannot use an AWS-managed key.")),
    TARGET_AFTER_PERMISSIONS: Metadata(Severity.MEDIUM, (
        "Make the EventBridge target depend on its role's permission (the `RolePolicy` or policy attachment) and on "
        "its dead-letter queue's `QueuePolicy` (`depends_on`, or pass their outputs), so that the engine creates them "
        "first: EventBridge sends an event that fails on a permission error to the dead-letter queue without "
        "retrying, and loses it if the queue policy is missing too.")),
    UNDECIDED_IN_PREVIEW: Metadata(Severity.LOW, (
        "Nothing to change if `pulumi up --policy-pack` passes: the named input is unknown in preview, and the "
        "update judges it. To decide it in preview, build the value from names known before deployment (a literal "
        "bucket name or ARN, or one built from the bucket's name rather than from `bucket.arn`).")),
}

P = TypeVar("P", bound=Policy)


def url(name: str) -> str | None:
    """The URL of policy ``name``'s section of policies/README.md, in this release's tree."""
    base = release().readme_url(README)
    return f"{base}#{Metadata.anchor(name)}" if base else None


def apply(policies: Iterable[P]) -> list[P]:
    """Set severity, remediation steps and URL on each policy from :data:`TABLE`; a policy missing from the table is
    an error (so a new policy cannot ship without them)."""
    out = list(policies)
    missing = [p.name for p in out if p.name not in TABLE]
    if missing:
        raise LookupError(f"policies/s3_trigger/metadata.py: no severity/remediation row for {', '.join(missing)}; "
                          f"rows exist for {', '.join(sorted(TABLE))}")
    for policy in out:
        row = TABLE[policy.name]
        policy.severity = row.severity
        policy.remediation_steps = row.remediation_steps
        policy.url = url(policy.name)
    return out
