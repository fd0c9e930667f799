"""Corpus program eb-good-or-buckets.

$or over two managed buckets, each with notifications on. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
a = aws.s3.Bucket("a", bucket="corpus-ebor-a")
b = aws.s3.Bucket("b", bucket="corpus-ebor-b")
for name, bucket in (("a", a), ("b", b)):
    aws.s3.BucketNotification(f"notify-{name}", bucket=bucket.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-ebor-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"],
    "$or": [{"detail": {"bucket": {"name": ["corpus-ebor-a"]}}}, {"resources": ["arn:aws:s3:::corpus-ebor-b"]}]}))
sm = machine("corpus-ebor-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-ebor-role", "corpus-ebor-rule", sm.arn).arn)
