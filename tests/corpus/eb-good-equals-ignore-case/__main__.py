"""Corpus program eb-good-equals-ignore-case.

Source and detail-type spelled with equals-ignore-case, which does match. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-eic-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-eic-rule", event_pattern=json.dumps({
    "source": [{"equals-ignore-case": "AWS.S3"}], "detail-type": [{"equals-ignore-case": "object created"}],
    "detail": {"bucket": {"name": ["corpus-eic-uploads"]}}}))
sm = machine("corpus-eic-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-eic-role", "corpus-eic-rule", sm.arn).arn)
