"""Corpus program eb-bad-notification-off.

The bucket's notification exists but eventbridge is False. Expected verdict: s3-trigger-eventbridge-enabled.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-noteoff-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=False)
rule = aws.cloudwatch.EventRule("rule", name="corpus-noteoff-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-noteoff-uploads"]}}}))
sm = machine("corpus-noteoff-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-noteoff-role", "corpus-noteoff-rule", sm.arn).arn)
