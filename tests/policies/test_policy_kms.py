"""s3-trigger-kms-key-policy: a dead-letter queue or a trail's log files encrypted with an in-stack key whose key
policy does not let the delivering service use it. Pure: stacks built with the testkit, the policy run in-process
(props wrapped in pulumi_policy's unknown-checking proxy, as the pack does), preview (unknown ARNs, links by property
dependencies) and update.

LocalStack does not enforce key policies, so these cases, and the pinned statements in
tests/component/test_kms_lifecycle_logging.py, are what stands for AWS's evaluation here.
"""

import json

import pytest

from policy_testkit import (ACCOUNT, LOGS, REGION, RULE_ARN, T_BUCKET, T_QUEUE, T_TRAIL, TRAIL_ARN, U,
                            assert_clean, assert_violation, reference_stack, run_stack, urn)

NAME = "s3-trigger-kms-key-policy"
UNDECIDED = "s3-trigger-undecided-in-preview"
T_KEY = "aws:kms/key:Key"
T_ALIAS = "aws:kms/alias:Alias"
T_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

ROOT = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
        "Resource": "*"}
EVENTS = {"Sid": "Events", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
          "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
          "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}}}
TRAIL = {"Sid": "Trail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN},
                       "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                      f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}}}

#: For S3 encrypting log files with the bucket's default key on CloudTrail's behalf (the S3 encryption context).
TRAIL_VIA_S3 = {"Sid": "TrailViaS3", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}}


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [ROOT, *statements]})


def _stack(key_policy, *, preview=False, queue=True, trail=False, bucket_default=False, alias=False, **key_props):
    s = reference_stack(preview)
    key = s.add(T_KEY, "key", {"policy": key_policy, "arn": U if preview else KEY_ARN,
                               "keyId": U if preview else KEY_ARN.rsplit("/", 1)[1], **key_props})
    ref, ref_urn = (U if preview else KEY_ARN), key
    if alias:
        ref_urn = s.add(T_ALIAS, "alias", {"name": "alias/uploads", "targetKeyId": U if preview else KEY_ARN,
                                           "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/uploads"},
                        propdeps={"targetKeyId": [key]})
        ref = "alias/uploads"
    if queue:
        q = s.get("dlq")
        q["props"]["kmsMasterKeyId"] = ref
        q["propdeps"]["kmsMasterKeyId"] = [ref_urn]
    if trail:
        t = s.get("trail")
        t["props"]["kmsKeyId"] = ref
        t["propdeps"]["kmsKeyId"] = [ref_urn]
    if bucket_default:
        s.add(T_SSE, "logs-encryption", {"bucket": LOGS, "rules": [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyId": ref}, "bucketKeyEnabled": True}]},
            propdeps={"bucket": [urn(T_BUCKET, "logs")], "rules": [ref_urn]})
    return s


@pytest.mark.parametrize("preview", [False, True])
@pytest.mark.parametrize("alias", [False, True])
def test_a_key_policy_that_lets_each_service_use_the_key_passes(preview, alias):
    assert_clean(run_stack(NAME, _stack(_policy(EVENTS, TRAIL), preview=preview, trail=True, alias=alias)))
    assert_clean(run_stack(NAME, _stack(_policy(TRAIL_VIA_S3), preview=preview, queue=False, bucket_default=True)))


def _component_grants_cloudtrail_decrypt() -> bool:
    from s3_triggered_state_machine import kms  # noqa: PLC0415
    return any("kms:Decrypt" in json.dumps(s["Action"]) for s in kms.cloudtrail_statements("aws", ACCOUNT, [TRAIL_ARN]))


def test_the_components_own_key_policy_passes():
    """Differential: the statements components/s3_triggered_state_machine/kms.py writes satisfy the pack, which reads
    AWS on its own terms (with CloudTrail's kms:Decrypt, issue 18 point 2)."""
    from s3_triggered_state_machine import kms  # noqa: PLC0415

    policy = kms.key_policy("aws", ACCOUNT, rule_arns=[RULE_ARN], trail_arns=[TRAIL_ARN])
    assert_clean(run_stack(NAME, _stack(json.dumps(policy), trail=True, bucket_default=True)))


@pytest.mark.parametrize("preview", [False, True])
def test_dead_letter_queue_key_without_events_is_mandatory(preview):
    r = run_stack(NAME, _stack(_policy(TRAIL), preview=preview))
    assert_violation(r, "sends undeliverable events to Queue 'dlq'")
    assert_violation(r, "does not let events.amazonaws.com")
    assert_violation(r, "kms:GenerateDataKey")
    assert r.violations[0][1] == urn(T_QUEUE, "dlq")


def test_events_allowed_for_another_rule_only_fails():
    other = dict(EVENTS, Condition={"ArnEquals": {"aws:SourceArn": RULE_ARN.replace("s3-sfn-rule", "other")}})
    assert_violation(run_stack(NAME, _stack(_policy(other))), "aws:SourceArn")


def test_events_with_decrypt_missing_fails():
    assert_violation(run_stack(NAME, _stack(_policy(dict(EVENTS, Action="kms:GenerateDataKey")))), "kms:Decrypt")


def test_an_aws_managed_key_on_the_dead_letter_queue_fails():
    s = reference_stack()
    s.get("dlq")["props"]["kmsMasterKeyId"] = "alias/aws/sqs"
    assert_violation(run_stack(NAME, s), "an AWS-managed key's policy cannot let events.amazonaws.com use it")


def test_a_disabled_key_fails():
    assert_violation(run_stack(NAME, _stack(_policy(EVENTS), isEnabled=False)), "is disabled")


def test_a_key_without_a_policy_fails():
    s = _stack(None)
    s.get("key")["props"].pop("policy")
    assert_violation(run_stack(NAME, s), "KMS's default key policy names no AWS service")


@pytest.mark.parametrize("preview", [False, True])
def test_trail_key_without_cloudtrail_fails(preview):
    r = run_stack(NAME, _stack(_policy(EVENTS), preview=preview, trail=True))
    assert_violation(r, "encrypts its log files with")
    assert_violation(r, "does not let cloudtrail.amazonaws.com")
    assert urn(T_TRAIL, "trail") in [u for _, u in r.violations]


def test_trail_key_without_decrypt_for_cloudtrail_fails():
    """CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail", required key policy elements for trails:
    "kms:Decrypt permissions are required to create or update a trail with SSE-KMS encryption enabled"."""
    encrypt_only = dict(TRAIL, Action="kms:GenerateDataKey*")
    r = run_stack(NAME, _stack(_policy(EVENTS, encrypt_only), trail=True))
    assert_violation(r, "kms:Decrypt")
    assert urn(T_TRAIL, "trail") in [u for _, u in r.violations]


def test_trail_key_scoped_to_another_trail_fails():
    other = json.loads(json.dumps(TRAIL))
    other["Condition"]["StringEquals"]["aws:SourceArn"] = TRAIL_ARN.replace("s3-sfn-trail", "other")
    assert_violation(run_stack(NAME, _stack(_policy(EVENTS, other), trail=True)), "aws:SourceArn")


def test_log_bucket_default_key_without_cloudtrail_fails():
    r = run_stack(NAME, _stack(_policy(EVENTS), bucket_default=True))
    assert_violation(r, "whose default encryption is")
    assert r.violations[0][1] == urn(T_SSE, "logs-encryption")


def test_log_bucket_default_key_with_only_the_cloudtrail_context_statement_fails():
    """The statement AWS documents for a trail's own key names the CloudTrail encryption context; S3 encrypting a
    log file with the bucket's default key sends the S3 context instead, so that statement alone does not do."""
    assert_violation(run_stack(NAME, _stack(_policy(EVENTS, TRAIL), bucket_default=True)), "whose default encryption is")


def test_unknown_key_policy_in_preview_is_an_advisory_not_a_refusal():
    s = _stack(U, preview=True)
    assert_clean(run_stack(NAME, s))
    assert_violation(run_stack(UNDECIDED, s), "cannot verify during preview")


def test_a_key_outside_the_stack_is_not_judged():
    s = reference_stack()
    s.get("dlq")["props"]["kmsMasterKeyId"] = KEY_ARN
    assert_clean(run_stack(NAME, s))
