"""Corpus program eb-good-basic.

Notifications on, rule on Object Created for the bucket, by bucket.bucket. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-ebbasic-rule", event_pattern=uploads.bucket.apply(lambda b: json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [b]}}})))
sm = machine("corpus-ebbasic-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-ebbasic-role", "corpus-ebbasic-rule", sm.arn).arn)
