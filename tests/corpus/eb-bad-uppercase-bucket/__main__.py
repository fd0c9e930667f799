"""Corpus program eb-bad-uppercase-bucket.

The pattern names 'Corpus-Upper-Uploads': no bucket can have uppercase letters. Expected verdict: s3-trigger-object-created-events.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-upper-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-upper-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["Corpus-Upper-Uploads"]}}}))
sm = machine("corpus-upper-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-upper-role", "corpus-upper-rule", sm.arn).arn)
