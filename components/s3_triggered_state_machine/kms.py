"""Customer-managed KMS keys: the key policy statements each AWS service needs to use the key for the trigger, as
pure functions of plain values.

With `kms_key_arn`, the component encrypts the upload bucket and the trail's log bucket (SSE-KMS with S3 Bucket
Keys), the trail's log files, the dead-letter queue and the alarm topic with that key. IAM policies do not let an
AWS *service* use a key: only the key policy does. Where it does not, delivery stops without an error anyone sees:

- EventBridge cannot send a failed event to a dead-letter queue encrypted with a key it may not use
  (`kms:GenerateDataKey`, `kms:Decrypt` for `events.amazonaws.com`): the event is dropped, and only the metric
  `InvocationsFailedToBeSentToDlq` counts it.
- CloudTrail cannot write log files without `kms:GenerateDataKey*` (for `cloudtrail.amazonaws.com`, this trail),
  nor create or update the trail without `kms:Decrypt` (its log bucket uses an S3 Bucket Key under the same key):
  CreateTrail refuses a key it cannot use (`InsufficientEncryptionPolicyException`), but a key policy changed later
  stops log delivery silently. Data events still reach EventBridge, so the trigger keeps working; the audit trail
  does not.
- CloudWatch alarms cannot notify a topic encrypted with a key `cloudwatch.amazonaws.com` may not use (and never an
  AWS-managed key, whose policy cannot be changed): alarms fire and nobody hears.
- S3 itself needs no statement: it uses the key on behalf of the uploader, whose IAM policy (allowed by the account
  statement below) must grant `kms:GenerateDataKey` and `kms:Decrypt`. Bucket Keys make S3 call KMS once per bucket
  key rather than once per object.

Every statement is scoped to this account and, where the service sets it, to the one resource (`aws:SourceArn`)
that may use the key on its behalf: the confused-deputy protection AWS recommends.
"""

from __future__ import annotations

from typing import Optional, Sequence


def account_root_statement(partition: str, account: str) -> dict:
    """The key's administrators and users are the account's IAM principals (without this, nobody can manage or use
    the key through IAM policies, and the key can become unmanageable)."""
    return {
        "Sid": "AccountAdministersTheKey",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def events_dead_letter_statement(account: str, rule_arns: Sequence[str]) -> dict:
    """EventBridge, on behalf of these rules only, may encrypt messages for the dead-letter queue (SQS needs both
    actions from the sender of an encrypted message)."""
    return {
        "Sid": "EventBridgeWritesTheDeadLetterQueue",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:SourceArn": list(rule_arns)}, "StringEquals": {"aws:SourceAccount": account}},
    }


#: CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail", required key policy elements for trails:
#: encrypt (kms:GenerateDataKey*), decrypt ("If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt
#: permissions are required to create or update a trail with SSE-KMS encryption enabled"), and describe the key.
CLOUDTRAIL_KEY_POLICY_DOC = ("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
                             "create-kms-key-policy-for-cloudtrail.html")


def cloudtrail_statements(partition: str, account: str, trail_arns: Sequence[str]) -> list[dict]:
    """CloudTrail, for these trails only, may encrypt log files (the encryption context names a trail of this
    account), describe the key (CreateTrail checks it), and decrypt and generate data keys for the log bucket's S3
    Bucket Key: the log bucket is SSE-KMS with a Bucket Key under this key, so S3 asks KMS on CloudTrail's behalf
    with the bucket's encryption context (`aws:s3:arn`), not the trail's; without `kms:Decrypt` CreateTrail and
    UpdateTrail fail (`CLOUDTRAIL_KEY_POLICY_DOC`)."""
    source = {"aws:SourceArn": list(trail_arns)}
    return [
        {
            "Sid": "CloudTrailEncryptsLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": source,
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                               f"arn:{partition}:cloudtrail:*:{account}:trail/*"},
            },
        },
        {
            "Sid": "CloudTrailDescribesTheKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": source},
        },
        {
            "Sid": "CloudTrailUsesTheLogBucketKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": source},
        },
    ]


def cloudwatch_alarms_statement(account: str) -> dict:
    """CloudWatch alarms of this account may publish to the encrypted alarm topic."""
    return {
        "Sid": "CloudWatchAlarmsNotifyTheTopic",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}},
    }


def cloudwatch_logs_statement(partition: str, region: str, account: str, log_group_arns: Sequence[str]) -> dict:
    """CloudWatch Logs may encrypt these log groups (the state machine's execution logs)."""
    return {
        "Sid": "CloudWatchLogsEncryptsLogGroups",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": list(log_group_arns)}},
    }


def trigger_key_statements(partition: str, account: str, *, rule_arns: Sequence[str] = (),
                           trail_arns: Sequence[str] = (), alarms: bool = False) -> list[dict]:
    """The statements the trigger's services need, for the rules (with a dead-letter queue), the trails and the
    alarm topic that use the key. Add them to the key policy, next to `account_root_statement`."""
    statements: list[dict] = []
    if rule_arns:
        statements.append(events_dead_letter_statement(account, rule_arns))
    if trail_arns:
        statements.extend(cloudtrail_statements(partition, account, trail_arns))
    if alarms:
        statements.append(cloudwatch_alarms_statement(account))
    return statements


def key_policy(partition: str, account: str, *, rule_arns: Sequence[str] = (), trail_arns: Sequence[str] = (),
               alarms: bool = False, extra: Optional[Sequence[dict]] = None) -> dict:
    """A complete key policy for a key the trigger uses: the account administers it, and each service that the
    trigger has use the key gets exactly what it needs (`extra`: further statements, e.g. for CloudWatch Logs)."""
    return {
        "Version": "2012-10-17",
        "Statement": [account_root_statement(partition, account),
                      *trigger_key_statements(partition, account, rule_arns=rule_arns, trail_arns=trail_arns,
                                              alarms=alarms),
                      *(extra or ())],
    }


def sse_kms_rule(kms_key_arn: str) -> dict:
    """Default encryption of a bucket with the key, with S3 Bucket Keys (one KMS call per bucket key, not per object:
    KMS requests cost $0.03 per 10,000)."""
    return {"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key_arn},
            "bucket_key_enabled": True}


def sse_s3_rule() -> dict:
    return {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
