"""Corpus program eb-bad-no-role.

The state machine target has no role_arn. Expected verdict: s3-trigger-least-privilege-role.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-norole-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-norole-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-norole-uploads"]}}}))
sm = machine("corpus-norole-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn)
