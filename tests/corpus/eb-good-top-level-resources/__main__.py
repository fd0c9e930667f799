"""Corpus program eb-good-top-level-resources.

The bucket is matched by the notification's top-level resources ARN. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-toplevel-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.bucket, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-toplevel-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "resources": ["arn:aws:s3:::corpus-toplevel-uploads"]}))
sm = machine("corpus-toplevel-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-toplevel-role", "corpus-toplevel-rule", sm.arn).arn)
