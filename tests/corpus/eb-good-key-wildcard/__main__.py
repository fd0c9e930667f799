"""Corpus program eb-good-key-wildcard.

Only CSV files under in/ are wanted: one wildcard on the key. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-wildkey-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-wildkey-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-wildkey-uploads"]}, "object": {"key": [{"wildcard": "in/*.csv"}]}}}))
sm = machine("corpus-wildkey-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-wildkey-role", "corpus-wildkey-rule", sm.arn).arn)
